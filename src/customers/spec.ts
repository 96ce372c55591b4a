/** The customer ledger (docs/warehouse.md, "Customers"): one row per customer as a CRM exports
 * it. A later export of the same customers is a new version of each customer whose values
 * changed (a slowly changing dimension), so every answer meets the customer as they were. */
import type { DatasetSpec } from "../ingest/dataset-spec.ts";

export const CUSTOMERS: DatasetSpec = {
  name: "customers",
  table: "customers",
  key: "customer_id",
  noun: "customer",
  versioned: true,
  columns: [
    { name: "customer_id", kind: "text", required: true, description: "The customer's id, as the survey answers carry it." },
    { name: "customer_since", kind: "date", description: "Start of the relationship." },
    { name: "churned_at", kind: "date", description: "End of the relationship; empty while a customer." },
    { name: "annual_revenue", kind: "amount", description: "Revenue per year, in the organisation's currency." },
    { name: "segment", kind: "code", description: "Customer segment in the CRM." },
    { name: "acquired_via", kind: "code", description: "How the customer came: referral, campaign, branch, …" },
  ],
  checks: [
    {
      fails: "churned_at < customer_since",
      message: "format('churned_at {} is before customer_since {}', strftime(churned_at, '%Y-%m-%d'), strftime(customer_since, '%Y-%m-%d'))",
    },
    {
      fails: "annual_revenue < 0",
      message: "format('annual_revenue {} is negative (a credit or a refund is not an annual revenue)', CAST(annual_revenue AS VARCHAR))",
    },
    {
      fails: "customer_since > _as_of",
      message: "format('customer_since {} is after the export''s date {} (--as-of)', strftime(customer_since, '%Y-%m-%d'), strftime(_as_of, '%Y-%m-%d'))",
    },
    {
      fails: "churned_at > _as_of",
      message: "format('churned_at {} is after the export''s date {} (--as-of)', strftime(churned_at, '%Y-%m-%d'), strftime(_as_of, '%Y-%m-%d'))",
    },
  ],
};
