// Relationship answers linked to the customer ledger (marts.fct_customer_answers): churn after
// an answer by NPS category, and lifetime value. Measures from src/measures/value.ts.
import { churnMeasures } from './promotor_measures';

cube(`customer_answers`, {
  sql_table: `marts.fct_customer_answers`,
  description: `Relationship answers of customers in the ledger, with whether the customer left within the churn window after it (docs/value.md).`,
  public: false,

  dimensions: {
    response_id: { sql: `response_id`, type: `string`, primary_key: true, shown: true, description: `Survey response identifier.` },
    customer_id: { sql: `customer_id`, type: `string`, description: `Customer identifier.` },
    answered_at: { sql: `answered_at`, type: `time`, description: `When the relationship answer was given.` },
    category: { sql: `CASE WHEN ${CUBE}.is_promoter = 1 THEN 'promoter' WHEN ${CUBE}.is_passive = 1 THEN 'passive' ELSE 'detractor' END`, type: `string`, description: `NPS category of the answer: promoter, passive or detractor.` },
    segment: { sql: `segment`, type: `string`, description: `Customer segment when they answered (the ledger's, else the answer's).` },
    business_unit: { sql: `business_unit`, type: `string`, description: `Business unit at the answer.` },
    account_manager: { sql: `account_manager`, type: `string`, description: `Account manager of the customer at the answer.` },
    acquired_via: { sql: `acquired_via`, type: `string`, description: `How the customer came (the ledger's acquired_via).` },
    is_complete: { sql: `is_complete`, type: `boolean`, description: `The churn window after the answer is over at the ledger's latest export.` },
    ledger_end: { sql: `ledger_end`, type: `time`, description: `Date of the ledger's latest export: churn is known up to it (the same on every row).` },
    currency: { sql: `(SELECT currency FROM intermediate.int_ledger_end)`, type: `string`, description: `Currency of the amounts (promotor.yaml value.currency; the same on every row).` },
    churned_in_window: { sql: `churned_in_window`, type: `boolean`, description: `The customer left within the churn window after the answer.` },
  },

  measures: {
    ...churnMeasures,
  },

  // Row-level security as for nps (docs/semantic.md).
  access_policy: [
    { group: `executive`, row_level: { allow_all: true } },
    { group: `business_unit`, row_level: { filters: [{ member: `${CUBE}.business_unit`, operator: `equals`, values: [securityContext.business_unit] }] } },
    { group: `account_manager`, row_level: { filters: [{ member: `${CUBE}.account_manager`, operator: `equals`, values: [securityContext.account_manager] }] } },
  ],
});
