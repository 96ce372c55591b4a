/** CSAT (percentage of 4–5 answers on 1–5) and CES (mean of 1–7, and percentage of 5–7). */
import { col, percent, ratio, ref, whenSampleAtLeast } from "./sql.ts";
import { Z_95 } from "./nps.ts";
import { DEFAULT_MINIMUM_SAMPLE, type MeasureSet } from "./types.ts";

/** SQL of the 95 % margin of error of a percentage in points: 100 × 1.96 × √(p(1 − p) / n). */
export function proportionMarginOfErrorSql(hits: string, n: string): string {
  const p = ratio(hits, n);
  return `100.0 * ${Z_95} * SQRT(GREATEST(0.0, ${p} * (1 - ${p})) / NULLIF(${n}, 0))`;
}

export function csatMeasures(options: { minimumSample?: number } = {}): MeasureSet {
  const minimum = options.minimumSample ?? DEFAULT_MINIMUM_SAMPLE;
  return {
    responses: {
      type: "count",
      title: "Responses",
      description: "Answers to the CSAT question (1–5).",
      filters: [`${col("csat")} IS NOT NULL`],
      format: "number",
    },
    satisfied: {
      type: "count",
      title: "Satisfied",
      description: "CSAT answers of 4 or 5.",
      filters: [`${col("is_csat_satisfied")} = 1`],
    },
    csat_sum: {
      type: "sum",
      sql: col("csat"),
      title: "Σ CSAT",
      description: "Building block of average_rating.",
      public: false,
    },
    score: {
      type: "number",
      sql: percent(ref("satisfied"), ref("responses")),
      title: "CSAT (%)",
      description: "CSAT: percentage of 4–5 answers on the 1–5 scale; null without responses.",
      format: "percent",
    },
    score_margin_of_error: {
      type: "number",
      sql: proportionMarginOfErrorSql(ref("satisfied"), ref("responses")),
      title: "CSAT margin of error (95 %)",
      description: "Half-width of the 95 % confidence interval of CSAT in percentage points: 100 × 1.96 × √(p(1 − p) / n).",
    },
    score_reported: {
      type: "number",
      sql: whenSampleAtLeast(ref("score"), ref("responses"), minimum),
      title: `CSAT (n ≥ ${minimum})`,
      description: `CSAT, shown only when the group has at least ${minimum} responses; null means "too few responses".`,
      format: "percent",
      meta: { minimumSample: minimum },
    },
    average_rating: {
      type: "number",
      sql: ratio(ref("csat_sum"), ref("responses")),
      title: "Average CSAT (1–5)",
      description: "Mean CSAT answer on the 1–5 scale; null without responses.",
    },
  };
}

export function cesMeasures(options: { minimumSample?: number } = {}): MeasureSet {
  const minimum = options.minimumSample ?? DEFAULT_MINIMUM_SAMPLE;
  return {
    responses: {
      type: "count",
      title: "Responses",
      description: "Answers to the CES question (1–7, 7 = easiest).",
      filters: [`${col("ces")} IS NOT NULL`],
      format: "number",
    },
    easy: {
      type: "count",
      title: "Easy",
      description: "CES answers of 5 to 7 (agrees it was easy).",
      filters: [`${col("is_ces_easy")} = 1`],
    },
    ces_sum: {
      type: "sum",
      sql: col("ces"),
      title: "Σ CES",
      description: "Building block of score.",
      public: false,
    },
    score: {
      type: "number",
      sql: ratio(ref("ces_sum"), ref("responses")),
      title: "CES (1–7)",
      description: "Customer Effort Score: mean answer on the 1–7 scale (7 = easiest); null without responses.",
    },
    easy_share: {
      type: "number",
      sql: percent(ref("easy"), ref("responses")),
      title: "Easy share (%)",
      description: "Percentage of CES answers of 5 to 7; null without responses.",
      format: "percent",
    },
    score_reported: {
      type: "number",
      sql: whenSampleAtLeast(ref("score"), ref("responses"), minimum),
      title: `CES (n ≥ ${minimum})`,
      description: `CES, shown only when the group has at least ${minimum} responses; null means "too few responses".`,
      meta: { minimumSample: minimum },
    },
  };
}
