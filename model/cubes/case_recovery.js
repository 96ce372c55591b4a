// Recovery of detractors: one row per detractor case with the customer's next answer
// (marts.fct_case_recovery, a view: the next answers are looked up only when a recovery figure
// is asked for). Reached from follow_up_cases; the `cases` view shows its measures.
import { caseRecoveryMeasures } from './promotor_measures';

cube(`case_recovery`, {
  sql_table: `marts.fct_case_recovery`,
  description: `Detractor cases with the customer's next answer and whether the case was followed up before it.`,
  public: false,

  dimensions: {
    case_id: { sql: `case_id`, type: `string`, primary_key: true, description: `Case identifier.` },
    owner: { sql: `owner`, type: `string`, description: `Who follows the case up.` },
    business_unit: { sql: `business_unit`, type: `string`, description: `Business unit at the answer.` },
  },

  measures: {
    ...caseRecoveryMeasures,
  },

  // Row-level security as for the cases themselves.
  access_policy: [
    { group: `executive`, row_level: { allow_all: true } },
    {
      group: `business_unit`,
      row_level: { filters: [{ member: `${CUBE}.business_unit`, operator: `equals`, values: [securityContext.business_unit] }] },
    },
    {
      group: `account_manager`,
      row_level: { filters: [{ member: `${CUBE}.owner`, operator: `equals`, values: [securityContext.account_manager] }] },
    },
  ],
});
