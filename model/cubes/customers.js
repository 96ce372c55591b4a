// Customers (marts.dim_customers): customer data, so the same row policy as the facts.
cube(`customers`, {
  sql_table: `marts.dim_customers`,
  description: `Customers with their segment, business unit and account manager.`,
  public: false,

  dimensions: {
    customer_id: {
      sql: `customer_id`,
      type: `string`,
      primary_key: true,
      description: `Customer identifier.`,
    },
    segment: { sql: `segment`, type: `string`, description: `Customer segment (current).` },
    business_unit: { sql: `business_unit`, type: `string`, description: `Business unit serving the customer (current).` },
    account_manager: { sql: `account_manager`, type: `string`, description: `Account manager of the customer (current).` },
    first_answered_at: { sql: `first_answered_at`, type: `time`, description: `First response of the customer.` },
    last_answered_at: { sql: `last_answered_at`, type: `time`, description: `Latest response of the customer.` },
  },

  measures: {
    count: { type: `count`, description: `Number of customers.` },
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
