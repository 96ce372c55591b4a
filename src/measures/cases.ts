/** Follow-up measures (docs/follow-up.md, docs/statistics.md): the case backlog, time to first
 * action and to close, the share closed within the SLA, and the recovery rate of detractors who
 * were followed up compared with those who were not, with the interval of the difference and a
 * two-proportion z test. Every figure of a group is suppressed below the minimum sample in its
 * `_reported` twin: case figures by the number of cases, recovery figures by the smaller of the
 * two groups compared. */
import { Z_95 } from "./nps.ts";
import { twoSidedPSql } from "./intervals.ts";
import { col, percent, ratio, ref, whenSampleAtLeast } from "./sql.ts";
import { DEFAULT_MINIMUM_SAMPLE, type MeasureSet, type SqlDialect } from "./types.ts";

const flag = (condition: string): string[] => [condition];

/** Percentile of a column over a group, interpolated between the two nearest values (DuckDB's
 * quantile_cont; non-additive: no rollup serves it). Trino has only approx_percentile, so there
 * the same interpolation reads the sorted values: position 1 + p·(n − 1), n the non-null count. */
export function percentileSql(column: string, p: number, dialect: SqlDialect = "duckdb"): string {
  if (dialect === "duckdb") return `quantile_cont(${column}, ${p})`;
  const n = `count(${column})`;
  const position = `(1 + ${p} * (${n} - 1))`;
  const sorted = `array_sort(array_agg(${column}) FILTER (WHERE ${column} IS NOT NULL))`;
  const at = (rounding: "floor" | "ceil"): string => `(${sorted})[CAST(${rounding}(${position}) AS BIGINT)]`;
  return `CASE WHEN ${n} = 0 THEN NULL ELSE ${at("floor")} + (${position} - floor(${position})) * (${at("ceil")} - ${at("floor")}) END`;
}

/** Wald 95 % bound of p1 − p2 in points; p = recovered / answered per group. */
export function proportionDifferenceBoundSql(x1: string, n1: string, x2: string, n2: string, side: -1 | 1, z = Z_95): string {
  const p1 = ratio(x1, n1);
  const p2 = ratio(x2, n2);
  return `100.0 * ((${p1} - ${p2}) ${side < 0 ? "-" : "+"} ${z} * SQRT(${p1} * (1 - ${p1}) / NULLIF(${n1}, 0) + ${p2} * (1 - ${p2}) / NULLIF(${n2}, 0)))`;
}

/** Pooled two-proportion z statistic of p1 − p2. */
export function twoProportionZSql(x1: string, n1: string, x2: string, n2: string): string {
  const pooled = `CAST(${x1} + ${x2} AS DOUBLE) / NULLIF(${n1} + ${n2}, 0)`;
  return `(${ratio(x1, n1)} - ${ratio(x2, n2)}) / NULLIF(SQRT(${pooled} * (1 - ${pooled}) * (1.0E0 / NULLIF(${n1}, 0) + 1.0E0 / NULLIF(${n2}, 0))), 0)`;
}

/** Suppression of a set: `_reported` twins, null below the minimum (by `count`, or by the smaller
 * of the two recovery groups). */
function withCaseReported(set: MeasureSet, minimum: number, recovery: boolean): MeasureSet {
  const smaller = `LEAST(${ref("recovery_followed_up_answered")}, ${ref("recovery_not_followed_up_answered")})`;
  const out: MeasureSet = { ...set };
  for (const [name, m] of Object.entries(set)) {
    if (name === "count" || m.public === false) continue;
    out[`${name}_reported`] = {
      type: "number",
      sql: whenSampleAtLeast(ref(name), recovery ? smaller : ref("count"), minimum),
      title: `${m.title ?? name} (n ≥ ${minimum})`,
      description: `${m.description.replace(/\.$/, "")}; shown only when ${recovery ? "both groups compared have" : "the group has"} at least ${minimum} ${recovery ? "detractors who answered again" : "cases"} (minimum-sample rule), else null.`,
      ...(m.format ? { format: m.format } : {}),
      meta: { minimumSample: minimum, suppressedBy: recovery ? "recovery groups" : "cases" },
    };
  }
  return out;
}

/** The case figures (cube follow_up_cases over marts.fct_cases). */
export function caseMeasures(options: { minimumSample?: number; dialect?: SqlDialect } = {}): MeasureSet {
  const minimum = options.minimumSample ?? DEFAULT_MINIMUM_SAMPLE;
  const percentile = (column: string, p: number): string => percentileSql(column, p, options.dialect);
  return withCaseReported(
    {
      count: { type: "count", title: "Cases", description: "Number of follow-up cases.", format: "number" },
      open_cases: { type: "count", title: "Open cases", description: "Cases not closed (open, in progress or a configured status).", filters: flag(`${col("is_open")}`) },
      overdue_cases: { type: "count", title: "Overdue cases", description: "Open cases past their due time (SLA) as of the data's end.", filters: flag(`${col("is_overdue")}`) },
      closed_cases: { type: "count", title: "Closed cases", description: "Cases closed.", filters: flag(`${col("closed_at")} IS NOT NULL`) },
      actioned_cases: { type: "count", title: "Cases acted on", description: "Cases with at least one action (a status change, note or other event).", filters: flag(`${col("first_action_at")} IS NOT NULL`) },
      closed_within_sla: { type: "count", title: "Closed within SLA", description: "Cases closed by their due time.", filters: flag(`${col("closed_within_sla")}`) },
      closed_within_sla_share: {
        type: "number",
        sql: percent(ref("closed_within_sla"), ref("closed_cases")),
        title: "Closed within SLA (%)",
        description: "Share of closed cases that were closed by their due time, in percent.",
        format: "percent",
      },
      open_hours_sum: { type: "sum", sql: col("open_hours"), description: "Sum of the ages of the open cases, in hours (building block).", public: false },
      backlog_age_hours: {
        type: "number",
        sql: ratio(ref("open_hours_sum"), ref("open_cases")),
        title: "Backlog age (hours)",
        description: "Average age of the open cases as of the data's end, in hours.",
      },
      oldest_open_hours: { type: "number", sql: `MAX(${col("open_hours")})`, title: "Oldest open case (hours)", description: "Age of the oldest open case as of the data's end, in hours." },
      first_action_hours_median: { type: "number", sql: percentile(col("hours_to_first_action"), 0.5), title: "Time to first action, median (hours)", description: "Median hours from the answer to the first action on the case (cases acted on)." },
      first_action_hours_p90: { type: "number", sql: percentile(col("hours_to_first_action"), 0.9), title: "Time to first action, 90th percentile (hours)", description: "90th percentile of the hours from the answer to the first action (cases acted on)." },
      close_hours_median: { type: "number", sql: percentile(col("hours_to_close"), 0.5), title: "Time to close, median (hours)", description: "Median hours from the answer to closing the case (closed cases)." },
      close_hours_p90: { type: "number", sql: percentile(col("hours_to_close"), 0.9), title: "Time to close, 90th percentile (hours)", description: "90th percentile of the hours from the answer to closing (closed cases)." },
    },
    minimum,
    false,
  );
}

/** The recovery figures (cube case_recovery over marts.fct_case_recovery, one row per detractor
 * case; the customer's next answer is looked up only when these are asked for). */
export function caseRecoveryMeasures(options: { minimumSample?: number } = {}): MeasureSet {
  const minimum = options.minimumSample ?? DEFAULT_MINIMUM_SAMPLE;
  const f1 = ref("recovery_followed_up_answered");
  const r1 = ref("recovery_followed_up_recovered");
  const f2 = ref("recovery_not_followed_up_answered");
  const r2 = ref("recovery_not_followed_up_recovered");
  const answeredAgain = col("answered_again");
  return withCaseReported(
    {
      recovery_followed_up_answered: {
        type: "count",
        title: "Followed-up detractors who answered again",
        description: "Detractor cases acted on before the customer's next answer, where there is a next answer.",
        filters: [answeredAgain, `${col("followed_up_before_next")}`],
      },
      recovery_followed_up_recovered: {
        type: "count",
        title: "Followed-up detractors who recovered",
        description: "Of those, the cases whose next answer is passive or promoter.",
        filters: [answeredAgain, `${col("followed_up_before_next")}`, `${col("recovered")}`],
      },
      recovery_not_followed_up_answered: {
        type: "count",
        title: "Not followed-up detractors who answered again",
        description: "Detractor cases with no action before the customer's next answer, where there is a next answer.",
        filters: [answeredAgain, `NOT ${col("followed_up_before_next")}`],
      },
      recovery_not_followed_up_recovered: {
        type: "count",
        title: "Not followed-up detractors who recovered",
        description: "Of those, the cases whose next answer is passive or promoter.",
        filters: [answeredAgain, `NOT ${col("followed_up_before_next")}`, `${col("recovered")}`],
      },
      recovery_rate_followed_up: { type: "number", sql: percent(r1, f1), title: "Recovery rate, followed up (%)", description: "Share of followed-up detractors whose next answer is passive or promoter, in percent.", format: "percent" },
      recovery_rate_not_followed_up: { type: "number", sql: percent(r2, f2), title: "Recovery rate, not followed up (%)", description: "Share of detractors not followed up whose next answer is passive or promoter, in percent.", format: "percent" },
      recovery_difference: { type: "number", sql: `100.0 * (${ratio(r1, f1)} - ${ratio(r2, f2)})`, title: "Recovery difference (points)", description: "Recovery rate followed up minus not followed up, in percentage points." },
      recovery_difference_low: { type: "number", sql: proportionDifferenceBoundSql(r1, f1, r2, f2, -1), title: "Recovery difference, 95 % low", description: "Lower bound of the 95 % (Wald) interval of the recovery difference, in points." },
      recovery_difference_high: { type: "number", sql: proportionDifferenceBoundSql(r1, f1, r2, f2, 1), title: "Recovery difference, 95 % high", description: "Upper bound of the 95 % (Wald) interval of the recovery difference, in points." },
      recovery_z: { type: "number", sql: twoProportionZSql(r1, f1, r2, f2), title: "Recovery difference, z", description: "Pooled two-proportion z statistic of the recovery difference." },
      recovery_p_value: { type: "number", sql: twoSidedPSql(twoProportionZSql(r1, f1, r2, f2)), title: "Recovery difference, p", description: "Two-sided p-value of the recovery difference (normal approximation)." },
      recovery_significant: {
        type: "number",
        sql: `CASE WHEN ABS(${twoProportionZSql(r1, f1, r2, f2)}) >= ${Z_95} THEN 1 ELSE 0 END`,
        title: "Recovery difference significant",
        description: "1 when the recovery difference is significant at 95 % (|z| ≥ 1.96), else 0.",
      },
    },
    minimum,
    true,
  );
}
