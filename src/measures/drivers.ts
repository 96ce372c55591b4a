/** Driver measures: performance = mean rating, importance = Pearson correlation of the driver
 * rating with recommend_score over the same responses, written from additive sums
 * (n, Σx, Σy, Σxy, Σx², Σy²) so a rollup can hold them. */
import { col, ratio, ref, when } from "./sql.ts";
import type { MeasureSet } from "./types.ts";

export interface DriverMeasureOptions {
  ratingColumn?: string;
  recommendColumn?: string;
}

/** SQL of Pearson's r from additive sums; NULL when either variance is 0 (or n < 2). */
export function pearsonSql(n: string, sx: string, sy: string, sxy: string, sxx: string, syy: string): string {
  const d = (s: string): string => `CAST(${s} AS DOUBLE)`;
  const covariance = `(${d(n)} * ${d(sxy)} - ${d(sx)} * ${d(sy)})`;
  const varX = `(${d(n)} * ${d(sxx)} - ${d(sx)} * ${d(sx)})`;
  const varY = `(${d(n)} * ${d(syy)} - ${d(sy)} * ${d(sy)})`;
  return `${covariance} / NULLIF(SQRT(GREATEST(0.0, ${varX}) * GREATEST(0.0, ${varY})), 0)`;
}

export function driverMeasures(options: DriverMeasureOptions = {}): MeasureSet {
  const x = col(options.ratingColumn ?? "rating");
  const y = col(options.recommendColumn ?? "recommend_score");
  const paired = `${x} IS NOT NULL AND ${y} IS NOT NULL`;
  const sum = (expr: string, title: string): MeasureSet[string] => ({
    type: "sum",
    sql: when(paired, `CAST(${expr} AS DOUBLE)`),
    title,
    description: `Building block of importance: ${title} over rated responses.`,
    public: false,
  });
  return {
    ratings: {
      // count(rating), not Cube's default count of the primary key: the key is a string built
      // per row (response_id || driver), which made this measure 2× slower than the SQL by hand.
      type: "count",
      sql: x,
      title: "Ratings",
      description: "Number of driver ratings (0–10) given.",
      filters: [paired],
      format: "number",
    },
    rating_sum: sum(x, "Σ rating"),
    recommend_sum: sum(y, "Σ recommend score"),
    rating_recommend_sum: sum(`${x} * ${y}`, "Σ rating × recommend score"),
    rating_squared_sum: sum(`${x} * ${x}`, "Σ rating²"),
    recommend_squared_sum: sum(`${y} * ${y}`, "Σ recommend score²"),
    performance: {
      type: "number",
      sql: ratio(ref("rating_sum"), ref("ratings")),
      title: "Performance",
      description: "Mean driver rating (0–10); null without ratings.",
    },
    importance: {
      type: "number",
      sql: pearsonSql(
        ref("ratings"),
        ref("rating_sum"),
        ref("recommend_sum"),
        ref("rating_recommend_sum"),
        ref("rating_squared_sum"),
        ref("recommend_squared_sum"),
      ),
      title: "Importance",
      description:
        "Pearson correlation of the driver rating with the recommend score over the same responses (−1 to 1); null when either does not vary.",
    },
  };
}
