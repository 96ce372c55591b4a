// Public view `drivers`: performance (mean rating) and importance (correlation with the recommend score).
view(`drivers`, {
  description: `NPS drivers (process; product & price; reputation & image; emotional engagement): ratings, performance and importance.`,
  cubes: [
    {
      join_path: driver_ratings,
      includes: [
        `ratings`, `performance`, `importance`,
        // #14: Fisher-z interval and significance of importance, and the minimum-sample twins
        `importance_low`, `importance_high`, `importance_significant`,
        `performance_reported`, `importance_reported`, `importance_low_reported`, `importance_high_reported`, `importance_significant_reported`,
        `driver`, `driver_order`,
        `answered_at`, `survey_type`, `touchpoint`, `journey_stage`, `journey_order`, `channel`, `language`,
        `segment`, `business_unit`, `account_manager`, `customer_id`,
      ],
    },
    {
      join_path: driver_ratings.driver_labels,
      includes: [
        { name: `label_nl`, alias: `driver_label_nl` },
        { name: `label_en`, alias: `driver_label_en` },
      ],
    },
  ],
});
