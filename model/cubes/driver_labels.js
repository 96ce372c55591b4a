// Reference data: the four NPS drivers (marts.dim_drivers).
cube(`driver_labels`, {
  sql_table: `marts.dim_drivers`,
  description: `The NPS drivers with their labels.`,
  public: false,

  dimensions: {
    driver: {
      sql: `driver`,
      type: `string`,
      primary_key: true,
      description: `Driver code.`,
    },
    label_nl: {
      sql: `driver_label_nl`,
      type: `string`,
      description: `Driver name in Dutch (e.g. proces, reputatie & imago).`,
    },
    label_en: {
      sql: `driver_label_en`,
      type: `string`,
      description: `Driver name in English.`,
    },
  },
});
