/** The drivers as one regression model (#14 point 5): per response the four driver ratings and the
 * recommend score side by side (complete cases only), with every correlation between them as a
 * measure written from additive sums (n, Σa, Σb, Σab, Σa², Σb²), so rollups can hold them.
 * Relative importance (Shapley decomposition of R², src/measures/drivers-evidence.ts) is computed
 * from these correlations by the Evidence source `driver_evidence` (src/pages/statistics-sql.ts). */
import { pearsonSql } from "./drivers.ts";
import { col, ref } from "./sql.ts";
import type { MeasureSet } from "./types.ts";

/** Driver codes in canonical order, with the pivot column of each (model/cubes/driver_responses.js). */
export const MODEL_DRIVERS = ["process", "product_price", "reputation_image", "emotional_engagement"] as const;
export const MODEL_OUTCOME = "recommend_score";
const VARIABLES = [...MODEL_DRIVERS, MODEL_OUTCOME] as const;

/** Name of the correlation measure between two model variables (driver codes or recommend_score). */
export const correlationMember = (a: string, b: string): string =>
  b === MODEL_OUTCOME ? `corr_${a}_with_recommend` : `corr_${a}_with_${b}`;

export function driverModelMeasures(): MeasureSet {
  const complete = VARIABLES.map((v) => `${col(v)} IS NOT NULL`).join(" AND ");
  const set: MeasureSet = {
    responses: {
      type: "count",
      title: "Complete responses",
      description: "Responses that rated all four drivers and the recommend question (the regression's n).",
      filters: [complete],
      format: "number",
    },
  };
  const sum = (name: string, expr: string, what: string): void => {
    set[name] = { type: "sum", sql: `CASE WHEN ${complete} THEN CAST(${expr} AS DOUBLE) END`, title: what, description: `Building block: ${what} over complete responses.`, public: false };
  };
  for (const v of VARIABLES) {
    sum(`${v}_sum`, col(v), `Σ ${v}`);
    sum(`${v}_squared_sum`, `${col(v)} * ${col(v)}`, `Σ ${v}²`);
  }
  VARIABLES.forEach((a, i) => {
    for (const b of VARIABLES.slice(i + 1)) {
      sum(`${a}_x_${b}_sum`, `${col(a)} * ${col(b)}`, `Σ ${a} × ${b}`);
      set[correlationMember(a, b)] = {
        type: "number",
        sql: pearsonSql(ref("responses"), ref(`${a}_sum`), ref(`${b}_sum`), ref(`${a}_x_${b}_sum`), ref(`${a}_squared_sum`), ref(`${b}_squared_sum`)),
        title: `Correlation ${a} – ${b === MODEL_OUTCOME ? "recommend score" : b}`,
        description: `Pearson correlation of ${a} with ${b === MODEL_OUTCOME ? "the recommend score" : b} over responses that rated all four drivers and the recommend question.`,
      };
    }
  });
  return set;
}
