// Driver ratings: one row per response × driver (marts.fct_driver_ratings).
import { driverMeasures, responseDimensions } from './promotor_measures';

cube(`driver_ratings`, {
  sql_table: `marts.fct_driver_ratings`,
  description: `Ratings (0–10) of the four NPS drivers, with the recommend score of the same response.`,
  public: false,

  joins: {
    driver_labels: {
      relationship: `many_to_one`,
      sql: `${CUBE}.driver = ${driver_labels}.driver`,
    },
  },

  dimensions: {
    rating_key: {
      sql: `${CUBE}.response_id || '|' || ${CUBE}.driver`,
      type: `string`,
      primary_key: true,
      description: `Response id and driver: one rating.`,
    },
    response_id: {
      sql: `response_id`,
      type: `string`,
      description: `Survey response identifier.`,
    },
    ...responseDimensions,
    driver: {
      sql: `driver`,
      type: `string`,
      description: `Driver code: process, product_price, reputation_image or emotional_engagement.`,
    },
    driver_order: {
      sql: `driver_order`,
      type: `number`,
      description: `Display order of the driver.`,
    },
  },

  measures: {
    ...driverMeasures,
  },

  pre_aggregations: {
    // Importance is Pearson r from additive sums, so a rollup can serve it.
    drivers_by_segment_month: {
      type: `rollup`,
      external: false,
      measures: [
        CUBE.ratings, CUBE.rating_sum, CUBE.recommend_sum,
        CUBE.rating_recommend_sum, CUBE.rating_squared_sum, CUBE.recommend_squared_sum,
      ],
      dimensions: [CUBE.driver, CUBE.driver_order, CUBE.segment, CUBE.survey_type],
      time_dimension: CUBE.answered_at,
      granularity: `month`,
    },
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
