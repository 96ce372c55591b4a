// Driver ratings pivoted to one row per response (the four drivers and the recommend score side
// by side), for the drivers' regression: correlations between drivers, relative importance (#14).
// Measures come from src/measures/driver-model.ts. Hidden: the Evidence source driver_evidence
// and analysts' SQL through the generated sources use it.
import { driverModelMeasures, responseDimensions } from './promotor_measures';

cube(`driver_responses`, {
  sql: `
    SELECT
      response_id, customer_id, answered_at, survey_type, touchpoint, journey_stage, journey_order, channel,
      language, segment, business_unit, account_manager,
      max(rating) FILTER (WHERE driver = 'process') AS process,
      max(rating) FILTER (WHERE driver = 'product_price') AS product_price,
      max(rating) FILTER (WHERE driver = 'reputation_image') AS reputation_image,
      max(rating) FILTER (WHERE driver = 'emotional_engagement') AS emotional_engagement,
      max(recommend_score) AS recommend_score
    FROM marts.fct_driver_ratings
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12`,
  description: `One row per response with its four driver ratings and recommend score (complete cases feed the driver regression).`,
  public: false,

  dimensions: {
    response_id: {
      sql: `response_id`,
      type: `string`,
      primary_key: true,
      description: `Survey response identifier.`,
    },
    ...responseDimensions,
  },

  measures: {
    ...driverModelMeasures,
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
