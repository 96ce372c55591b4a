/** One suppression rule for the API (DESIGN.md "Minimum sample"): every public measure of a
 * group that is not its response count gets a `<name>_reported` twin that is NULL ("too few
 * responses") below the minimum sample — shares, counts by category, margins of error, intervals,
 * means, importance. The plain members stay as the contract defines them; dashboards, charts,
 * embeds and anyone publishing figures use the `_reported` ones. Also: the adjusted-Wald interval
 * of NPS and the Fisher-z interval of driver importance (src/measures/intervals.ts,
 * drivers-evidence.ts) as Cube measures. */
import { fisherBoundSql, fisherSignificantSql } from "./drivers-evidence.ts";
import { npsAdjustedWaldSql } from "./intervals.ts";
import { ref, whenSampleAtLeast } from "./sql.ts";
import type { MeasureSet } from "./types.ts";

/** Members never suppressed: the count that decides, and the 0/1 flag saying whether it does. */
const KEPT = new Set(["meets_minimum_sample"]);

/** Adds `<name>_reported` for every public measure of `set` except `count` (and those that are
 * already reported variants). Returns a new set; existing members are not changed. */
export function withReportedMembers(set: MeasureSet, count: string, minimum: number): MeasureSet {
  const out: MeasureSet = { ...set };
  for (const [name, m] of Object.entries(set)) {
    if (name === count || m.public === false || KEPT.has(name) || name.endsWith("_reported")) continue;
    const reportedName = `${name}_reported`;
    if (reportedName in set) continue;
    out[reportedName] = {
      type: "number",
      sql: whenSampleAtLeast(ref(name), ref(count), minimum),
      title: `${m.title ?? name} (n ≥ ${minimum})`,
      description: `${m.description.replace(/\.$/, "")}; shown only when the group has at least ${minimum} ${count} (minimum-sample rule), else null ("too few responses").`,
      ...(m.format ? { format: m.format } : {}),
      meta: { minimumSample: minimum, suppressedBy: count },
    };
  }
  return out;
}

/** Adjusted-Wald 95 % interval of NPS (Rocks 2016), in NPS points. */
export function npsIntervalMeasures(): MeasureSet {
  const bound = (side: -1 | 1): MeasureSet[string] => ({
    type: "number",
    sql: npsAdjustedWaldSql(ref("promoters"), ref("detractors"), ref("responses"), side),
    title: `NPS 95 % interval, ${side < 0 ? "lower" : "upper"} bound (adjusted Wald)`,
    description: `${side < 0 ? "Lower" : "Upper"} bound of the adjusted-Wald 95 % interval of the NPS (Rocks 2016: ¾ promoter, 1½ passive and ¾ detractor added before the Wald formula), which keeps about 95 % coverage for small groups and extreme shares where the plain margin of error does not; null without responses.`,
  });
  return { score_interval_low: bound(-1), score_interval_high: bound(1) };
}

/** Fisher-z 95 % interval and significance of driver importance (Pearson r). */
export function driverEvidenceMeasures(): MeasureSet {
  const r = ref("importance");
  const n = ref("ratings");
  return {
    importance_low: {
      type: "number",
      sql: fisherBoundSql(r, n, -1),
      title: "Importance 95 % interval, lower bound",
      description: "Lower bound of the 95 % interval of importance (Fisher z: tanh(atanh(r) − 1.96/√(n − 3))); null below 4 ratings.",
    },
    importance_high: {
      type: "number",
      sql: fisherBoundSql(r, n, 1),
      title: "Importance 95 % interval, upper bound",
      description: "Upper bound of the 95 % interval of importance (Fisher z: tanh(atanh(r) + 1.96/√(n − 3))); null below 4 ratings.",
    },
    importance_significant: {
      type: "number",
      sql: fisherSignificantSql(r, n),
      title: "Importance significant",
      description: "1 when importance differs significantly from 0 (|atanh(r)|·√(n − 3) ≥ 1.96, the interval excludes 0), 0 when not; null below 4 ratings.",
    },
  };
}
