/** NPS measures (DESIGN.md "Metric definitions"): counts, shares, score, margin of error,
 * minimum-sample score and average rating. Everything non-additive is a `number` measure over
 * additive counts/sums, so rollups (pre-aggregations) can serve it. */
import { col, percent, ratio, ref, whenSampleAtLeast } from "./sql.ts";
import { DEFAULT_MINIMUM_SAMPLE, type MeasureSet } from "./types.ts";

export interface NpsMeasureOptions {
  /** Column with the 0–10 recommend score. */
  scoreColumn?: string;
  /** 0/1 columns (marts.fct_nps_responses). */
  promoterFlag?: string;
  passiveFlag?: string;
  detractorFlag?: string;
  minimumSample?: number;
}

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.96;

/** SQL of the 95 % margin of error of NPS in points: 100 × 1.96 × √((p + d − (p − d)²) / n). */
export function npsMarginOfErrorSql(promoters: string, detractors: string, responses: string): string {
  const p = ratio(promoters, responses);
  const d = ratio(detractors, responses);
  // GREATEST(0, …): p + d − (p − d)² is never negative in exact arithmetic; floating point may
  // make it -1e-17 for all-promoter groups, and SQRT of that is NaN.
  return `100.0 * ${Z_95} * SQRT(GREATEST(0.0, (${p} + ${d}) - POWER(${p} - ${d}, 2)) / NULLIF(${responses}, 0))`;
}

export function npsMeasures(options: NpsMeasureOptions = {}): MeasureSet {
  const score = options.scoreColumn ?? "recommend_score";
  const minimum = options.minimumSample ?? DEFAULT_MINIMUM_SAMPLE;
  const flag = (column: string): string => `${col(column)} = 1`;
  return {
    responses: {
      type: "count",
      title: "Responses",
      description: "Number of answers to the recommend question (0–10).",
      format: "number",
    },
    promoters: {
      type: "count",
      title: "Promoters",
      description: "Responses scoring 9 or 10.",
      filters: [flag(options.promoterFlag ?? "is_promoter")],
    },
    passives: {
      type: "count",
      title: "Passives",
      description: "Responses scoring 7 or 8.",
      filters: [flag(options.passiveFlag ?? "is_passive")],
    },
    detractors: {
      type: "count",
      title: "Detractors",
      description: "Responses scoring 0 to 6.",
      filters: [flag(options.detractorFlag ?? "is_detractor")],
    },
    recommend_score_sum: {
      type: "sum",
      sql: col(score),
      title: "Sum of recommend scores",
      description: "Building block of average_rating (additive, so rollups can hold it).",
      public: false,
    },
    promoter_share: {
      type: "number",
      sql: percent(ref("promoters"), ref("responses")),
      title: "Promoter share (%)",
      description: "Promoters as a percentage of responses; null without responses.",
      format: "percent",
    },
    passive_share: {
      type: "number",
      sql: percent(ref("passives"), ref("responses")),
      title: "Passive share (%)",
      description: "Passives as a percentage of responses; null without responses.",
      format: "percent",
    },
    detractor_share: {
      type: "number",
      sql: percent(ref("detractors"), ref("responses")),
      title: "Detractor share (%)",
      description: "Detractors as a percentage of responses; null without responses.",
      format: "percent",
    },
    score: {
      type: "number",
      sql: `100.0 * ${ratio(`(${ref("promoters")} - ${ref("detractors")})`, ref("responses"))}`,
      title: "NPS",
      description: "Net Promoter Score: 100 × (promoters − detractors) / responses, from −100 to 100; null without responses.",
    },
    score_margin_of_error: {
      type: "number",
      sql: npsMarginOfErrorSql(ref("promoters"), ref("detractors"), ref("responses")),
      title: "NPS margin of error (95 %)",
      description: "Half-width of the 95 % confidence interval of the NPS in points: 100 × 1.96 × √((p + d − (p − d)²) / n).",
    },
    score_reported: {
      type: "number",
      sql: whenSampleAtLeast(ref("score"), ref("responses"), minimum),
      title: `NPS (n ≥ ${minimum})`,
      description: `The NPS, shown only when the group has at least ${minimum} responses (minimum-sample rule); null means "too few responses".`,
      meta: { minimumSample: minimum },
    },
    meets_minimum_sample: {
      type: "number",
      sql: `CASE WHEN ${ref("responses")} >= ${minimum} THEN 1 ELSE 0 END`,
      title: "Meets minimum sample",
      description: `1 when the group has at least ${minimum} responses, else 0.`,
      meta: { minimumSample: minimum },
    },
    average_rating: {
      type: "number",
      sql: ratio(ref("recommend_score_sum"), ref("responses")),
      title: "Average recommend score",
      description: "Mean of the 0–10 recommend score; null without responses.",
    },
  };
}
