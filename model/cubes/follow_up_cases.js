// Follow-up cases: one row per case (marts.fct_cases), its state derived from its events.
// Measures come from the TypeScript library (src/measures/cases.ts) as the generated module.
import { caseMeasures } from './promotor_measures';

cube(`follow_up_cases`, {
  sql_table: `marts.fct_cases`,
  description: `Follow-up cases opened by the rules of promotor.yaml (docs/follow-up.md).`,
  public: false,

  joins: {
    case_recovery: {
      relationship: `one_to_one`,
      sql: `${CUBE}.case_id = ${case_recovery}.case_id`,
    },
  },

  dimensions: {
    case_id: { sql: `case_id`, type: `string`, primary_key: true, shown: true, description: `Case identifier ('C-' and 16 hex digits, derived from the answer that opened it).` },
    customer_id: { sql: `customer_id`, type: `string`, description: `Customer identifier.` },
    case_rule: { sql: `case_rule`, type: `string`, description: `The rule of promotor.yaml that opened the case.` },
    priority: { sql: `priority`, type: `string`, description: `Priority of the rule: urgent, high, normal or low.` },
    status: { sql: `status`, type: `string`, description: `Current status, from the case's events: open, in_progress, closed or a configured status.` },
    owner: { sql: `owner`, type: `string`, description: `Who follows the case up: the account manager, a team from the routing table, or whoever it was reassigned to.` },
    owner_kind: { sql: `owner_kind`, type: `string`, description: `account_manager, team or reassigned.` },
    root_cause: { sql: `root_cause`, type: `string`, description: `Root cause from the controlled list (seeds/reference/root_causes.csv).` },
    outcome: { sql: `outcome`, type: `string`, description: `Outcome of the follow-up (resolved, explained, compensated, not_resolved, not_reached).` },
    survey_type: { sql: `survey_type`, type: `string`, description: `Survey of the answer that opened the case.` },
    touchpoint: { sql: `touchpoint`, type: `string`, description: `Touchpoint of the answer that opened the case.` },
    channel: { sql: `channel`, type: `string`, description: `Channel of the answer that opened the case.` },
    language: { sql: `language`, type: `string`, description: `Language of the answer that opened the case.` },
    segment: { sql: `segment`, type: `string`, description: `Customer segment at the answer.` },
    business_unit: { sql: `business_unit`, type: `string`, description: `Business unit at the answer.` },
    account_manager: { sql: `account_manager`, type: `string`, description: `Account manager of the customer at the answer.` },
    category: { sql: `nps_category`, type: `string`, description: `NPS category of the answer that opened the case.` },
    is_open: { sql: `is_open`, type: `boolean`, description: `The case is not closed.` },
    is_overdue: { sql: `is_overdue`, type: `boolean`, description: `Open and past its due time as of the data's end.` },
    created_at: { sql: `created_at`, type: `time`, description: `When the case was opened (the time of the answer).` },
    due_at: { sql: `due_at`, type: `time`, description: `When the case is due (its rule's SLA).` },
    closed_at: { sql: `closed_at`, type: `time`, description: `When the case was closed.` },
  },

  measures: {
    ...caseMeasures,
  },

  // Row-level security as for nps (docs/semantic.md); an account manager sees the cases they own.
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
