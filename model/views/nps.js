// Public view `nps` (semantic contract, DESIGN.md): keep member names stable; add, don't rename.
const SHARED = [
  `answered_at`, `survey_type`, `touchpoint`, `journey_stage`, `journey_order`, `channel`, `language`,
  `segment`, `business_unit`, `account_manager`, `customer_id`,
];

view(`nps`, {
  description: `Net Promoter Score: responses, promoters/passives/detractors and their shares, NPS with its 95 % margin of error, the minimum-sample score and the average rating.`,
  cubes: [
    {
      join_path: nps_responses,
      includes: [
        `responses`, `promoters`, `passives`, `detractors`,
        `promoter_share`, `passive_share`, `detractor_share`,
        `score`, `score_margin_of_error`, `score_reported`, `meets_minimum_sample`, `average_rating`,
        // #14: adjusted-Wald interval and the minimum-sample (`_reported`) twin of every derived measure
        `score_interval_low`, `score_interval_high`,
        `promoters_reported`, `passives_reported`, `detractors_reported`,
        `promoter_share_reported`, `passive_share_reported`, `detractor_share_reported`,
        `score_margin_of_error_reported`, `average_rating_reported`, `score_interval_low_reported`, `score_interval_high_reported`,
        ...SHARED, `category`, `recommend_score`,
      ],
    },
    {
      join_path: nps_responses.touchpoints,
      includes: [
        { name: `label_nl`, alias: `touchpoint_label_nl` },
        { name: `label_en`, alias: `touchpoint_label_en` },
      ],
    },
  ],
});
