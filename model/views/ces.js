// Public view `ces`: Customer Effort Score, mean of 1–7, and the share of 5–7 answers.
view(`ces`, {
  description: `Customer Effort Score (CES): mean of the 1–7 answers (7 = easiest) and the percentage of 5–7 answers.`,
  cubes: [
    {
      join_path: ces_responses,
      includes: [
        `responses`, `easy`, `score`, `easy_share`, `score_reported`, `rating`,
        `easy_reported`, `easy_share_reported`,
        `answered_at`, `survey_type`, `touchpoint`, `journey_stage`, `journey_order`, `channel`, `language`,
        `segment`, `business_unit`, `account_manager`, `customer_id`,
      ],
    },
  ],
});
