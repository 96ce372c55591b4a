/** The canonical raw layout (DESIGN.md): one row per survey response. Single source for
 * ingest validation, the synthetic generator and tests. */

export interface ScoreScale {
  min: number;
  max: number;
}

export type ColumnKind = "text" | "timestamp" | "score";

export interface CanonicalColumn {
  name: string;
  kind: ColumnKind;
  required: boolean;
  scale?: ScoreScale;
  /** Allowed values for enumerated text columns. */
  values?: readonly string[];
}

export const SURVEY_TYPES = ["relationship", "touchpoint"] as const;
export type SurveyType = (typeof SURVEY_TYPES)[number];
export const LANGUAGES = ["nl", "en"] as const;

const score = (name: string, min: number, max: number, required = false): CanonicalColumn => ({
  name,
  kind: "score",
  required,
  scale: { min, max },
});
const text = (name: string, required = false, values?: readonly string[]): CanonicalColumn =>
  values ? { name, kind: "text", required, values } : { name, kind: "text", required };

export const CANONICAL_COLUMNS: readonly CanonicalColumn[] = [
  text("response_id", true),
  text("customer_id"),
  { name: "answered_at", kind: "timestamp", required: true },
  // Not required: inferred from touchpoint (touchpoint survey when present) when an export lacks it.
  text("survey_type", false, SURVEY_TYPES),
  text("touchpoint"),
  text("channel"),
  text("language", false, LANGUAGES),
  text("segment"),
  text("business_unit"),
  text("account_manager"),
  score("recommend_score", 0, 10, true),
  text("recommend_reason"),
  score("driver_process", 0, 10),
  score("driver_product_price", 0, 10),
  score("driver_reputation_image", 0, 10),
  score("driver_emotional_engagement", 0, 10),
  score("krs_satisfaction", 0, 10),
  score("krs_trust", 0, 10),
  score("krs_love", 0, 10),
  score("csat", 1, 5),
  score("ces", 1, 7),
];

export const CANONICAL_NAMES: readonly string[] = CANONICAL_COLUMNS.map((c) => c.name);

/** A canonical row as text, the way an export carries it ("" or null = not answered). */
export type CanonicalRecord = Record<(typeof CANONICAL_NAMES)[number], string | null>;
