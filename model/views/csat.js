// Public view `csat`: percentage of 4–5 answers on the 1–5 scale.
view(`csat`, {
  description: `Customer satisfaction (CSAT): percentage of 4–5 answers on the 1–5 scale.`,
  cubes: [
    {
      join_path: csat_responses,
      includes: [
        `responses`, `satisfied`, `score`, `score_margin_of_error`, `score_reported`, `average_rating`, `rating`,
        `satisfied_reported`, `score_margin_of_error_reported`, `average_rating_reported`,
        `answered_at`, `survey_type`, `touchpoint`, `journey_stage`, `journey_order`, `channel`, `language`,
        `segment`, `business_unit`, `account_manager`, `customer_id`,
      ],
    },
  ],
});
