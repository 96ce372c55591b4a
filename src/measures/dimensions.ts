/** Dimensions every response fact carries (docs/warehouse.md "Dimension columns everywhere"),
 * defined once and shared by all cubes through the generated model module. */
import { col } from "./sql.ts";

export type DimensionType = "string" | "number" | "time" | "boolean";

export interface DimensionDefinition {
  type: DimensionType;
  sql: string;
  title?: string;
  description: string;
  public?: boolean;
}

export type DimensionSet = Record<string, DimensionDefinition>;

const text = (column: string, description: string, title?: string): DimensionDefinition =>
  title ? { type: "string", sql: col(column), title, description } : { type: "string", sql: col(column), description };

export function responseDimensions(): DimensionSet {
  return {
    answered_at: {
      type: "time",
      sql: col("answered_at"),
      title: "Answered at",
      description: "When the response was given (UTC); use granularity day, week, month, quarter or year.",
    },
    survey_type: text("survey_type", "Survey kind: relationship (periodic) or touchpoint (after an event)."),
    touchpoint: text("touchpoint", "Touchpoint code of a touchpoint survey (e.g. onboarding, claim); empty for relationship surveys."),
    journey_stage: text("journey_stage", "Customer-journey stage of the touchpoint."),
    journey_order: {
      type: "number",
      sql: col("journey_order"),
      title: "Journey order",
      description: "Position of the touchpoint in the customer journey; order touchpoints by it.",
    },
    channel: text("channel", "Channel through which the survey was answered."),
    language: text("language", "Survey language: nl or en."),
    segment: text("segment", "Customer segment."),
    business_unit: text("business_unit", "Business unit that serves the customer."),
    account_manager: text("account_manager", "Account manager responsible for the customer."),
    customer_id: text("customer_id", "Customer identifier."),
  };
}
