// The customer ledger as the latest export describes it (marts.dim_customer_ledger): revenue at
// risk, net revenue retention and earned growth. Measures from src/measures/value.ts.
import { ledgerMeasures } from './promotor_measures';

cube(`customer_ledger`, {
  sql_table: `marts.dim_customer_ledger`,
  description: `Customers of the ledger with their latest relationship answer's category and the last year's revenue (docs/value.md).`,
  public: false,

  dimensions: {
    customer_id: { sql: `customer_id`, type: `string`, primary_key: true, shown: true, description: `Customer identifier.` },
    latest_category: { sql: `latest_category`, type: `string`, description: `NPS category of the customer's latest relationship answer (null: never asked).` },
    segment: { sql: `segment`, type: `string`, description: `Customer segment (latest export).` },
    acquired_via: { sql: `acquired_via`, type: `string`, description: `How the customer came (latest export).` },
    business_unit: { sql: `business_unit`, type: `string`, description: `Business unit of the customer's latest answer.` },
    account_manager: { sql: `account_manager`, type: `string`, description: `Account manager of the customer's latest answer.` },
    is_active: { sql: `is_active`, type: `boolean`, description: `The customer had not left at the latest export.` },
    customer_since: { sql: `customer_since`, type: `time`, description: `Start of the relationship.` },
    churned_at: { sql: `churned_at`, type: `time`, description: `When the customer left (null while a customer).` },
  },

  measures: {
    ...ledgerMeasures,
  },

  access_policy: [
    { group: `executive`, row_level: { allow_all: true } },
    { group: `business_unit`, row_level: { filters: [{ member: `${CUBE}.business_unit`, operator: `equals`, values: [securityContext.business_unit] }] } },
    { group: `account_manager`, row_level: { filters: [{ member: `${CUBE}.account_manager`, operator: `equals`, values: [securityContext.account_manager] }] } },
  ],
});
