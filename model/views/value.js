// Public views of what loyalty is worth (semantic contract, docs/semantic.md, docs/value.md).
// Keep member names stable; add, don't rename.
view(`value`, {
  description: `Churn after a relationship answer by NPS category (Wilson intervals), the detractor / promoter churn ratio (Katz interval) and observed lifetime value by category.`,
  cubes: [
    {
      join_path: customer_answers,
      includes: `*`,
      // building blocks of the average revenues, not figures
      excludes: [`response_id`, `revenue_answers`, `revenue_sum`, `promoter_revenue_answers`, `promoter_revenue_sum`, `passive_revenue_answers`, `passive_revenue_sum`, `detractor_revenue_answers`, `detractor_revenue_sum`],
    },
  ],
});

view(`value_revenue`, {
  description: `Revenue at risk (current customers whose latest relationship answer is a detractor's), net revenue retention and Reichheld's earned growth rate, from the customer ledger.`,
  cubes: [{ join_path: customer_ledger, includes: `*` }],
});

view(`value_trend`, {
  description: `Revenue at risk at each export of the customer ledger.`,
  cubes: [{ join_path: revenue_at_risk_history, includes: `*`, excludes: [`row_key`] }],
});
