// KlantRelatieScore: one row per response with all three KRS items (marts.fct_krs_responses).
import { krsMeasures, responseDimensions } from './promotor_measures';

cube(`krs_responses`, {
  sql_table: `marts.fct_krs_responses`,
  description: `KlantRelatieScore items satisfaction (tevredenheid), trust (vertrouwen) and love (liefde), 0–10.`,
  public: false,

  dimensions: {
    response_id: {
      sql: `response_id`,
      type: `string`,
      primary_key: true,
      description: `Survey response identifier.`,
    },
    ...responseDimensions,
    relationship_profile: {
      sql: `relationship_profile`,
      type: `string`,
      description: `Which KRS components are strong (>= 8) for the respondent, as a code.`,
    },
    relationship_profile_label_nl: {
      sql: `relationship_profile_label_nl`,
      type: `string`,
      description: `Relationship profile, Dutch label.`,
    },
    relationship_profile_label_en: {
      sql: `relationship_profile_label_en`,
      type: `string`,
      description: `Relationship profile, English label.`,
    },
  },

  measures: {
    ...krsMeasures,
  },

  access_policy: [
    { group: `executive`, row_level: { allow_all: true } },
    {
      group: `business_unit`,
      row_level: { filters: [{ member: `${CUBE}.business_unit`, operator: `equals`, values: [securityContext.business_unit] }] },
    },
    {
      group: `account_manager`,
      row_level: { filters: [{ member: `${CUBE}.account_manager`, operator: `equals`, values: [securityContext.account_manager] }] },
    },
  ],

  pre_aggregations: {
    krs_by_month: {
      type: `rollup`,
      external: false,
      measures: [
        CUBE.responses,
        CUBE.satisfaction_sum, CUBE.trust_sum, CUBE.love_sum,
        CUBE.satisfaction_strong, CUBE.trust_strong, CUBE.love_strong,
      ],
      dimensions: [CUBE.survey_type],
      time_dimension: CUBE.answered_at,
      granularity: `month`,
    },
  },
});
