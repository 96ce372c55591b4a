// Public view `krs`: KlantRelatieScore and its components.
view(`krs`, {
  description: `KlantRelatieScore: satisfaction (tevredenheid), trust (vertrouwen) and love (liefde), their mean (KRS) and strong shares.`,
  cubes: [
    {
      join_path: krs_responses,
      includes: [
        `responses`, `satisfaction`, `trust`, `love`, `score`, `score_reported`,
        `satisfaction_strong`, `trust_strong`, `love_strong`,
        `satisfaction_strong_share`, `trust_strong_share`, `love_strong_share`,
        // #14: the minimum-sample twins
        `satisfaction_reported`, `trust_reported`, `love_reported`,
        `satisfaction_strong_reported`, `trust_strong_reported`, `love_strong_reported`,
        `satisfaction_strong_share_reported`, `trust_strong_share_reported`, `love_strong_share_reported`,
        `relationship_profile`, `relationship_profile_label_nl`, `relationship_profile_label_en`,
        `answered_at`, `survey_type`, `touchpoint`, `journey_stage`, `journey_order`, `channel`, `language`,
        `segment`, `business_unit`, `account_manager`, `customer_id`,
      ],
    },
  ],
});
