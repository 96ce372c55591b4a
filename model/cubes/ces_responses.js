// CES answers (1–7, 7 = easiest) from marts.fct_csat_ces (CES measures count ces only).
import { cesMeasures, responseDimensions } from './promotor_measures';

cube(`ces_responses`, {
  sql_table: `marts.fct_csat_ces`,
  description: `Customer effort (CES) answers on the 1–7 agreement scale, 7 = easiest.`,
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
      sql: `ces`,
      type: `number`,
      description: `The CES answer, 1–7.`,
    },
  },

  measures: {
    ...cesMeasures,
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
