// NPS responses: one row per answer to the recommend question (marts.fct_nps_responses).
// Measures and shared dimensions come from the TypeScript library (src/measures), served to
// Cube as the generated module promotor_measures.js (see docs/semantic.md).
import { npsMeasures, responseDimensions } from './promotor_measures';

cube(`nps_responses`, {
  sql_table: `marts.fct_nps_responses`,
  description: `Answers to the NPS question (0–10), relationship and touchpoint surveys.`,
  public: false,

  joins: {
    touchpoints: {
      relationship: `many_to_one`,
      sql: `${CUBE}.touchpoint = ${touchpoints}.touchpoint`,
    },
    customers: {
      relationship: `many_to_one`,
      sql: `${CUBE}.customer_id = ${customers}.customer_id`,
    },
  },

  dimensions: {
    response_id: {
      sql: `response_id`,
      type: `string`,
      primary_key: true,
      description: `Survey response identifier.`,
    },
    ...responseDimensions,
    category: {
      sql: `nps_category`,
      type: `string`,
      description: `NPS category of the response: promoter (9–10), passive (7–8) or detractor (0–6).`,
    },
    recommend_score: {
      sql: `recommend_score`,
      type: `number`,
      description: `The 0–10 answer to "how likely are you to recommend us".`,
    },
  },

  measures: {
    ...npsMeasures,
  },

  // Row-level security (docs/semantic.md): groups come from the role claim (contextToGroups
  // in src/semantic/security.ts); a role-less context matches no policy and is denied.
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

  // Dashboard rollups, kept in DuckDB (no Cube Store): built and matched by src/semantic/preaggregations.ts.
  pre_aggregations: {
    nps_by_touchpoint_month: {
      type: `rollup`,
      external: false,
      measures: [CUBE.responses, CUBE.promoters, CUBE.passives, CUBE.detractors, CUBE.recommend_score_sum],
      dimensions: [CUBE.survey_type, CUBE.touchpoint, CUBE.journey_stage, CUBE.journey_order],
      time_dimension: CUBE.answered_at,
      granularity: `month`,
    },
    nps_by_segment_month: {
      type: `rollup`,
      external: false,
      measures: [CUBE.responses, CUBE.promoters, CUBE.passives, CUBE.detractors, CUBE.recommend_score_sum],
      dimensions: [CUBE.survey_type, CUBE.segment],
      time_dimension: CUBE.answered_at,
      granularity: `month`,
    },
  },
});
