/** The #14 statistics stage of generated Evidence sources (src/pages/source-sql.ts calls it when a
 * SourceQuery has `statistics`). Cube supplies additive counts per group and quarter; this stage
 * only adds them up over windows and applies the formulas of src/measures (the same SQL builders
 * the Cube model uses, each tested against the TypeScript reference):
 *
 * - `rolling`: per group (scope, scope_value) and window of the last Q complete quarters ending at
 *   every complete quarter: NPS with the Wald margin (DESIGN.md) and the adjusted-Wald interval
 *   (Rocks 2016); an empirical-Bayes estimate shrunk toward the NPS of the group's family (an
 *   account manager's business unit) with its interval and rank; each group against the others
 *   of its scope with Holm's correction; the change against the previous, non-overlapping window
 *   (DESIGN.md's z and the adjusted-Wald interval; celebrated only when significant).
 * - `driver_model`: Fisher-z interval of each driver's importance and the Shapley decomposition of
 *   the R² of recommend_score on the four drivers.
 *
 * Minimum sample: a group below it shows only its response count. Everything that combines
 * groups (the family's NPS, τ², "the rest") is computed from groups that meet the minimum only,
 * so no published figure moves when a suppressed group's answers change (tests/pages/statistics.test.ts). */
import { correlationMember, MODEL_DRIVERS, MODEL_OUTCOME } from "../measures/driver-model.ts";
import { fisherBoundSql, fisherSignificantSql, shapleySqlSteps } from "../measures/drivers-evidence.ts";
import { npsAdjustedWaldSql, npsDifferenceSql, twoSidedPSql } from "../measures/intervals.ts";
import { npsMarginOfErrorSql, Z_95 } from "../measures/nps.ts";

export interface RollingStatistics {
  kind: "rolling";
  /** Quarters per window (4 = the last four complete quarters). */
  quarters: number;
}

export interface DriverModelStatistics {
  kind: "driver_model";
}

export type SourceStatistics = RollingStatistics | DriverModelStatistics;

/** The first day after the data (same definition as the other sources' complete periods). */
const DATA_END = "(SELECT CAST(max(answered_at) AS DATE) + INTERVAL '1 day' FROM marts.fct_nps_responses)";

const quarterLabel = (t: string): string => `concat(year(${t}), ' Q', quarter(${t}))`;

/** CTEs and the final SELECT after `stacked` (columns scope, scope_value, family_value, period,
 * responses, promoters, passives, detractors — unsuppressed quarterly counts). */
export function rollingSql(stats: RollingStatistics, minimum: number): { ctes: string[]; select: string; orderBy: string } {
  const q = stats.quarters;
  const span = `INTERVAL '${3 * q} months'`;
  const ok = `responses >= ${minimum}`;
  const ctes: string[] = [];
  ctes.push(`windows AS (
SELECT DISTINCT period AS window_quarter FROM stacked WHERE period + INTERVAL '3 months' <= ${DATA_END}
)`);
  ctes.push(`first_quarter AS (SELECT min(period) AS q0 FROM stacked)`);
  ctes.push(`members AS (
SELECT scope, scope_value, (list(family_value ORDER BY n DESC, family_value))[1] AS family
FROM (SELECT scope, scope_value, family_value, sum(responses) AS n FROM stacked GROUP BY ALL)
GROUP BY ALL
)`);
  ctes.push(`win AS (
SELECT m.scope, m.scope_value, m.family, w.window_quarter,
  CAST(coalesce(sum(s.responses), 0) AS DOUBLE) AS responses,
  CAST(coalesce(sum(s.promoters), 0) AS DOUBLE) AS promoters,
  CAST(coalesce(sum(s.passives), 0) AS DOUBLE) AS passives,
  CAST(coalesce(sum(s.detractors), 0) AS DOUBLE) AS detractors
FROM members m CROSS JOIN windows w
LEFT JOIN stacked s ON s.scope = m.scope AND s.scope_value = m.scope_value
  AND s.period <= w.window_quarter AND s.period > w.window_quarter - ${span}
GROUP BY ALL
)`);
  // Own statistics; `ok` = meets the minimum sample. raw = the group's own NPS.
  ctes.push(`own AS (
SELECT *,
  ${ok} AS ok,
  100.0 * (promoters - detractors) / NULLIF(responses, 0) AS raw,
  ${npsMarginOfErrorSql("promoters", "detractors", "responses")} AS raw_moe,
  ${npsAdjustedWaldSql("promoters", "detractors", "responses", -1)} AS raw_low,
  ${npsAdjustedWaldSql("promoters", "detractors", "responses", 1)} AS raw_high
FROM win
)`);
  // Empirical Bayes within (scope, family, window) over the groups that meet the minimum
  // (src/measures/shrinkage.ts): one-way ANOVA moments on the −100/0/100 answers.
  const f = "PARTITION BY scope, family, window_quarter";
  ctes.push(`eb1 AS (
SELECT *,
  CASE WHEN ok THEN promoters * power(100 - raw, 2) + passives * power(raw, 2) + detractors * power(100 + raw, 2) END AS ssw,
  sum(CASE WHEN ok THEN responses END) OVER (${f}) AS fam_n,
  sum(CASE WHEN ok THEN 1 ELSE 0 END) OVER (${f}) AS fam_k,
  100.0 * sum(CASE WHEN ok THEN promoters - detractors END) OVER (${f}) / NULLIF(sum(CASE WHEN ok THEN responses END) OVER (${f}), 0) AS fam_nps,
  sum(CASE WHEN ok THEN responses * responses END) OVER (${f}) AS fam_snn
FROM own
)`);
  ctes.push(`eb2 AS (
SELECT *,
  sum(ssw) OVER (${f}) / NULLIF(fam_n - fam_k, 0) AS msw,
  sum(CASE WHEN ok THEN responses * power(raw - fam_nps, 2) END) OVER (${f}) / NULLIF(fam_k - 1, 0) AS msb,
  (fam_n - fam_snn / NULLIF(fam_n, 0)) / NULLIF(fam_k - 1, 0) AS n0
FROM eb1
)`);
  ctes.push(`eb3 AS (
SELECT *, greatest(0.0, (msb - msw) / NULLIF(n0, 0)) AS tau2 FROM eb2
)`);
  ctes.push(`eb4 AS (
SELECT *,
  CASE WHEN ok AND fam_k >= 2 AND msw IS NOT NULL THEN CASE WHEN tau2 + msw / responses = 0 THEN 0.0 ELSE tau2 / (tau2 + msw / responses) END END AS weight
FROM eb3
)`);
  ctes.push(`eb AS (
SELECT *,
  fam_nps + weight * (raw - fam_nps) AS shrunk,
  ${Z_95} * sqrt(weight * msw / responses + power(1 - weight, 2) * (msw + n0 * tau2) / fam_n) AS shrunk_half
FROM eb4
)`);
  // Each group against the other groups of its scope that meet the minimum, Holm per scope and window.
  const g = "PARTITION BY scope, window_quarter";
  ctes.push(`vs1 AS (
SELECT *,
  sum(CASE WHEN ok THEN responses END) OVER (${g}) - responses AS rest_responses,
  sum(CASE WHEN ok THEN promoters END) OVER (${g}) - promoters AS rest_promoters,
  sum(CASE WHEN ok THEN detractors END) OVER (${g}) - detractors AS rest_detractors
FROM eb
)`);
  const diff = npsDifferenceSql(
    { promoters: "promoters", detractors: "detractors", responses: "responses" },
    { promoters: "rest_promoters", detractors: "rest_detractors", responses: "rest_responses" },
  );
  ctes.push(`vs2 AS (
SELECT *,
  ok AND rest_responses >= ${minimum} AS tested,
  ${diff.difference} AS vs_rest_difference,
  100.0 * (${diff.centre} - ${Z_95} * ${diff.se}) AS vs_rest_low,
  100.0 * (${diff.centre} + ${Z_95} * ${diff.se}) AS vs_rest_high,
  ${twoSidedPSql(`(${diff.centre} / NULLIF(${diff.se}, 0))`)} AS vs_rest_p
FROM vs1
)`);
  ctes.push(`vs3 AS (
SELECT *,
  CASE WHEN tested THEN count(*) FILTER (WHERE tested) OVER (${g}) END AS holm_m,
  CASE WHEN tested THEN row_number() OVER (PARTITION BY scope, window_quarter, tested ORDER BY vs_rest_p, scope_value) END AS holm_rank
FROM vs2
)`);
  ctes.push(`vs AS (
SELECT *,
  CASE WHEN tested THEN max(least(1.0, (holm_m - holm_rank + 1) * vs_rest_p)) OVER (PARTITION BY scope, window_quarter, tested ORDER BY vs_rest_p, scope_value ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) END AS vs_rest_p_holm
FROM vs3
)`);
  // Change against the previous, non-overlapping window of the same group.
  const change = npsDifferenceSql(
    { promoters: "c.promoters", detractors: "c.detractors", responses: "c.responses" },
    { promoters: "p.promoters", detractors: "p.detractors", responses: "p.responses" },
  );
  ctes.push(`changes AS (
SELECT c.*,
  p.window_quarter AS previous_window_quarter,
  p.responses AS previous_responses,
  p.ok AS previous_ok,
  p.raw AS previous_raw,
  (c.raw - p.raw) / NULLIF(sqrt(power(c.raw_moe / ${Z_95}, 2) + power(p.raw_moe / ${Z_95}, 2)), 0) AS change_z,
  100.0 * (${change.centre} - ${Z_95} * ${change.se}) AS change_low,
  100.0 * (${change.centre} + ${Z_95} * ${change.se}) AS change_high
FROM vs c
LEFT JOIN vs p ON p.scope = c.scope AND p.scope_value = c.scope_value AND p.window_quarter = c.window_quarter - ${span}
)`);
  const shown = (expr: string, name: string, cond = "ok"): string => `CASE WHEN ${cond} THEN ${expr} END AS ${name}`;
  const both = "ok AND coalesce(previous_ok, false)";
  const significantChange = `(change_low > 0 OR change_high < 0)`;
  const cols = [
    "scope",
    "scope_value",
    "family AS unit",
    "window_quarter",
    `${quarterLabel(`window_quarter - ${span} + INTERVAL '3 months'`)} || ' – ' || ${quarterLabel("window_quarter")} AS window_label`,
    `CAST(window_quarter - ${span} + INTERVAL '3 months' AS DATE) AS window_start`,
    `CAST(window_quarter + INTERVAL '3 months' - INTERVAL '1 day' AS DATE) AS window_end`,
    `window_quarter - ${span} + INTERVAL '3 months' >= (SELECT q0 FROM first_quarter) AS is_full_window`,
    `window_quarter = max(window_quarter) OVER () AS is_current_window`,
    "responses",
    `CASE WHEN ok THEN 1 ELSE 0 END AS meets_minimum_sample`,
    shown("promoters", "promoters"),
    shown("passives", "passives"),
    shown("detractors", "detractors"),
    shown("100.0 * promoters / responses", "promoter_share"),
    shown("100.0 * passives / responses", "passive_share"),
    shown("100.0 * detractors / responses", "detractor_share"),
    shown("raw", "nps"),
    shown("raw_moe", "nps_moe"),
    shown("raw_low", "nps_low"),
    shown("raw_high", "nps_high"),
    shown("shrunk", "shrunk_nps", "ok AND weight IS NOT NULL"),
    shown("shrunk - shrunk_half", "shrunk_low", "ok AND weight IS NOT NULL"),
    shown("shrunk + shrunk_half", "shrunk_high", "ok AND weight IS NOT NULL"),
    shown("weight", "shrink_weight", "ok AND weight IS NOT NULL"),
    shown("fam_nps", "unit_nps"),
    shown("fam_k", "unit_groups"),
    shown(`rank() OVER (PARTITION BY scope, window_quarter, ok ORDER BY shrunk DESC NULLS LAST)`, "rank_in_scope", "ok AND weight IS NOT NULL"),
    shown(`rank() OVER (PARTITION BY scope, family, window_quarter, ok ORDER BY shrunk DESC NULLS LAST)`, "rank_in_unit", "ok AND weight IS NOT NULL"),
    shown("rest_responses", "rest_responses", "tested"),
    shown("100.0 * (rest_promoters - rest_detractors) / rest_responses", "rest_nps", "tested"),
    shown("vs_rest_difference", "vs_rest_difference", "tested"),
    shown("vs_rest_low", "vs_rest_low", "tested"),
    shown("vs_rest_high", "vs_rest_high", "tested"),
    shown("vs_rest_p", "vs_rest_p", "tested"),
    shown("vs_rest_p_holm", "vs_rest_p_holm", "tested"),
    `CASE WHEN NOT tested THEN 'too_few' WHEN vs_rest_p_holm < 0.05 AND vs_rest_difference > 0 THEN 'above' WHEN vs_rest_p_holm < 0.05 THEN 'below' ELSE 'no_difference' END AS vs_rest_verdict`,
    `CASE WHEN previous_window_quarter IS NOT NULL THEN ${quarterLabel(`previous_window_quarter - ${span} + INTERVAL '3 months'`)} || ' – ' || ${quarterLabel("previous_window_quarter")} END AS previous_window_label`,
    `CASE WHEN previous_window_quarter IS NOT NULL THEN previous_window_quarter - ${span} + INTERVAL '3 months' >= (SELECT q0 FROM first_quarter) END AS is_previous_window_full`,
    "coalesce(previous_responses, 0) AS previous_responses",
    shown("previous_raw", "previous_nps", both),
    shown("raw - previous_raw", "nps_change", both),
    shown("change_z", "nps_change_z", both),
    shown("change_low", "nps_change_low", both),
    shown("change_high", "nps_change_high", both),
    shown(significantChange, "nps_change_significant", both),
    `CASE WHEN coalesce(previous_responses, 0) = 0 THEN 'no_previous' WHEN NOT (${both}) THEN 'too_few'` +
      ` WHEN ${significantChange} AND raw > previous_raw THEN 'improvement' WHEN ${significantChange} THEN 'drop' ELSE 'no_change' END AS change_verdict`,
  ];
  return { ctes, select: `SELECT\n  ${cols.join(",\n  ")}\nFROM changes`, orderBy: "scope, scope_value, window_quarter" };
}

/** After `stacked` of a driver_model source (columns scope, scope_value, responses and the
 * correlation columns named by correlationMember): Fisher-z intervals and Shapley R². */
export function driverModelSql(minimum: number): { ctes: string[]; select: string; orderBy: string } {
  const p = MODEL_DRIVERS.length;
  const pair = (i: number, j: number): string => correlationMember(MODEL_DRIVERS[i]!, MODEL_DRIVERS[j]!);
  const steps = shapleySqlSteps(p, pair, (i) => correlationMember(MODEL_DRIVERS[i]!, MODEL_OUTCOME));
  const ctes: string[] = [`sweep_0 AS (SELECT * FROM stacked)`];
  steps.steps.forEach((cols, k) => ctes.push(`sweep_${k + 1} AS (\nSELECT *,\n  ${cols.join(",\n  ")}\nFROM sweep_${k}\n)`));
  ctes.push(`model AS (
SELECT scope, scope_value, responses, ${steps.full} AS r2, ${steps.shapley.map((e, j) => `${e} AS shapley_${j}`).join(", ")},
  ${MODEL_DRIVERS.map((_, j) => `${correlationMember(MODEL_DRIVERS[j]!, MODEL_OUTCOME)} AS r_${j}`).join(", ")}
FROM sweep_${steps.steps.length}
)`);
  const perDriver = MODEL_DRIVERS.map(
    (d, j) => `SELECT scope, scope_value, '${d}' AS driver, ${j + 1} AS driver_order, responses, r_${j} AS r, shapley_${j} AS shapley, r2 FROM model`,
  );
  ctes.push(`long AS (\n${perDriver.join("\nUNION ALL\n")}\n)`);
  const ok = `responses >= ${minimum}`;
  const shown = (expr: string, name: string): string => `CASE WHEN ${ok} THEN ${expr} END AS ${name}`;
  const cols = [
    "scope",
    "scope_value",
    "driver",
    "driver_order",
    "responses",
    `CASE WHEN ${ok} THEN 1 ELSE 0 END AS meets_minimum_sample`,
    shown("r", "importance"),
    shown(fisherBoundSql("r", "responses", -1), "importance_low"),
    shown(fisherBoundSql("r", "responses", 1), "importance_high"),
    shown(`CAST(${fisherSignificantSql("r", "responses")} AS BOOLEAN)`, "importance_significant"),
    shown("shapley", "relative_importance"),
    shown("100.0 * shapley / NULLIF(r2, 0)", "relative_importance_share"),
    shown("r2", "model_r2"),
    shown(`rank() OVER (PARTITION BY scope, scope_value ORDER BY shapley DESC)`, "relative_importance_rank"),
  ];
  return { ctes, select: `SELECT\n  ${cols.join(",\n  ")}\nFROM long`, orderBy: "scope, scope_value, driver_order" };
}
