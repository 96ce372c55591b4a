// Revenue at risk at each export of the customer ledger (marts.fct_revenue_at_risk, aggregated by
// date, category, segment, business unit and account manager). Measures from src/measures/value.ts.
import { revenueHistoryMeasures } from './promotor_measures';

cube(`revenue_at_risk_history`, {
  sql_table: `marts.fct_revenue_at_risk`,
  description: `Customers and their annual revenue at each ledger export, by the category of their latest relationship answer before it.`,
  public: false,

  dimensions: {
    row_key: { sql: `concat_ws('|', CAST(as_of AS VARCHAR), latest_category, segment, business_unit, account_manager)`, type: `string`, primary_key: true, description: `Key of an aggregated row.` },
    as_of: { sql: `as_of`, type: `time`, description: `Date of the ledger export.` },
    latest_category: { sql: `latest_category`, type: `string`, description: `NPS category of the latest relationship answer before the date ('not asked' without one).` },
    segment: { sql: `segment`, type: `string`, description: `Customer segment at the date.` },
    business_unit: { sql: `business_unit`, type: `string`, description: `Business unit of that answer.` },
    account_manager: { sql: `account_manager`, type: `string`, description: `Account manager of that answer.` },
  },

  measures: {
    ...revenueHistoryMeasures,
  },

  access_policy: [
    { group: `executive`, row_level: { allow_all: true } },
    { group: `business_unit`, row_level: { filters: [{ member: `${CUBE}.business_unit`, operator: `equals`, values: [securityContext.business_unit] }] } },
    { group: `account_manager`, row_level: { filters: [{ member: `${CUBE}.account_manager`, operator: `equals`, values: [securityContext.account_manager] }] } },
  ],
});
