// CSAT answers (1–5) from marts.fct_csat_ces (rows with csat or ces; CSAT measures count csat only).
import { csatMeasures, responseDimensions } from './promotor_measures';

cube(`csat_responses`, {
  sql_table: `marts.fct_csat_ces`,
  description: `Customer satisfaction (CSAT) answers on the 1–5 scale.`,
  public: false,

  dimensions: {
    response_id: {
      sql: `response_id`,
      type: `string`,
      primary_key: true,
      description: `Survey response identifier.`,
    },
    ...responseDimensions,
    rating: {
      sql: `csat`,
      type: `number`,
      description: `The CSAT answer, 1–5.`,
    },
  },

  measures: {
    ...csatMeasures,
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
});
