// Reference data: touchpoints in journey order (marts.dim_touchpoints). Not customer data, so no row policy.
cube(`touchpoints`, {
  sql_table: `marts.dim_touchpoints`,
  description: `Touchpoints of the customer journey with their labels.`,
  public: false,

  dimensions: {
    touchpoint: {
      sql: `touchpoint`,
      type: `string`,
      primary_key: true,
      description: `Touchpoint code.`,
    },
    label_nl: {
      sql: `touchpoint_label_nl`,
      type: `string`,
      description: `Touchpoint name in Dutch.`,
    },
    label_en: {
      sql: `touchpoint_label_en`,
      type: `string`,
      description: `Touchpoint name in English.`,
    },
  },
});
