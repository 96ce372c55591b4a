/** Intervals for NPS that hold at small n, beside DESIGN.md's Wald margin of error (which stays
 * the published definition). The NPS is the difference of two proportions of one multinomial
 * (promoters − detractors); the Wald interval p − d ± 1.96 √((p + d − (p − d)²)/n) covers far
 * less than 95 % when n is small or a share is near 0 or 1 (zero width at 0 detractors and 0
 * promoters). Rocks (2016, The American Statistician 70(4), "Interval estimation for the Net
 * Promoter Score") found adjusted-Wald intervals among the best: add pseudo-responses before the
 * Wald formula. Promotor adds 3 pseudo-responses to a group — ¾ promoter, 1½ passive,
 * ¾ detractor (as MeasuringU's summary of Rocks) — and, for the difference of two independent
 * groups (a change between periods, a group against the rest), 1½ per group (⅜, ¾, ⅜): half the
 * one-group adjustment per group, as Agresti & Caffo (2000) halve Agresti & Coull's for two
 * binomial proportions. tests/measures/intervals.test.ts shows their coverage at n = 30 by exact
 * enumeration and by a seeded simulation, and agreement with the Wald formula at large n. */
import { npsResponses, type NpsCounts } from "./formulas.ts";
import { Z_95 } from "./nps.ts";
import { ratio } from "./sql.ts";

/** Pseudo-promoters (= pseudo-detractors) added to one group; passives get twice this. */
export const NPS_ADJUSTMENT = 0.75;
/** Pseudo-promoters (= pseudo-detractors) added to each of two groups that are compared. */
export const CHANGE_ADJUSTMENT = 0.375;

export interface NpsInterval {
  /** Interval bounds in NPS points (−100…100). */
  low: number;
  high: number;
  /** Centre of the adjusted interval (not the reported NPS; shown only for checking). */
  centre: number;
}

interface Adjusted {
  /** Adjusted NPS as a proportion difference (−1…1). */
  centre: number;
  /** Its sampling variance (proportion scale). */
  variance: number;
}

/** Adds `a` pseudo-promoters, `a` pseudo-detractors and `2a` pseudo-passives. */
function adjusted(c: NpsCounts, a: number): Adjusted {
  const n = npsResponses(c) + 4 * a;
  const p = (c.promoters + a) / n;
  const d = (c.detractors + a) / n;
  return { centre: p - d, variance: Math.max(0, p + d - (p - d) ** 2) / n };
}

const clip = (x: number): number => Math.min(100, Math.max(-100, x));

/** Adjusted-Wald 95 % interval of one group's NPS (Rocks 2016); null without responses. */
export function npsAdjustedWald(c: NpsCounts, z = Z_95): NpsInterval | null {
  if (npsResponses(c) === 0) return null;
  const { centre, variance } = adjusted(c, NPS_ADJUSTMENT);
  const half = z * Math.sqrt(variance);
  return { low: clip(100 * (centre - half)), high: clip(100 * (centre + half)), centre: 100 * centre };
}

export interface NpsDifference {
  /** Raw difference of the two NPS in points (DESIGN.md's change: NPS₁ − NPS₂). */
  difference: number;
  /** Adjusted-Wald 95 % interval of the difference, in points (−200…200). */
  low: number;
  high: number;
  /** Adjusted difference / its standard error. */
  z: number;
  /** Two-sided p-value of "no difference" from z. */
  p: number;
  /** The interval excludes 0 (equivalently |z| ≥ 1.96). */
  significant: boolean;
}

/** Difference of two independent groups' NPS (first − second) with the adjusted-Wald interval:
 * the change between two periods, or a group against the rest. null when a group is empty. */
export function npsDifference(first: NpsCounts, second: NpsCounts, z = Z_95): NpsDifference | null {
  const n1 = npsResponses(first);
  const n2 = npsResponses(second);
  if (n1 === 0 || n2 === 0) return null;
  const a = adjusted(first, CHANGE_ADJUSTMENT);
  const b = adjusted(second, CHANGE_ADJUSTMENT);
  const centre = a.centre - b.centre;
  const se = Math.sqrt(a.variance + b.variance);
  const stat = centre / se;
  return {
    difference: (100 * (first.promoters - first.detractors)) / n1 - (100 * (second.promoters - second.detractors)) / n2,
    low: 100 * (centre - z * se),
    high: 100 * (centre + z * se),
    z: stat,
    p: twoSidedP(stat),
    significant: Math.abs(stat) >= z,
  };
}

/** Standard normal CDF, |error| < 1.5e-7 (erfc by the Chebyshev fit of Numerical Recipes §6.2). */
export function normalCdf(x: number): number {
  return 1 - 0.5 * erfc(x / Math.SQRT2);
}

export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p-value of a standard-normal statistic. */
export const twoSidedP = (z: number): number => Math.min(1, erfc(Math.abs(z) / Math.SQRT2));

/** SQL of the same erfc fit (DuckDB has no erf), for p-values in generated sources. */
export function erfcSql(x: string): string {
  const z = `abs(${x})`;
  const t = `(1.0 / (1.0 + 0.5 * ${z}))`;
  const poly = `(-1.26551223 + ${t} * (1.00002368 + ${t} * (0.37409196 + ${t} * (0.09678418 + ${t} * (-0.18628806 + ${t} * (0.27886807 + ${t} * (-1.13520398 + ${t} * (1.48851587 + ${t} * (-0.82215223 + ${t} * 0.17087277)))))))))`;
  const r = `(${t} * exp(-${z} * ${z} + ${poly}))`;
  return `(CASE WHEN ${x} >= 0 THEN ${r} ELSE 2 - ${r} END)`;
}

/** SQL of the two-sided p-value of a standard-normal statistic. */
export const twoSidedPSql = (z: string): string => `least(1.0, ${erfcSql(`(abs(${z}) / sqrt(2.0))`)})`;

/** SQL (Cube template) of the adjusted-Wald interval bound of one group's NPS, in points:
 * side −1 for the lower bound, +1 for the upper; NULL without responses. */
export function npsAdjustedWaldSql(promoters: string, detractors: string, responses: string, side: -1 | 1, z = Z_95): string {
  const a = NPS_ADJUSTMENT;
  const n = `(${responses} + ${4 * a})`;
  const p = ratio(`(${promoters} + ${a})`, n);
  const d = ratio(`(${detractors} + ${a})`, n);
  const centre = `(${p} - ${d})`;
  const half = `${z} * SQRT(GREATEST(0.0, (${p} + ${d}) - POWER(${p} - ${d}, 2)) / NULLIF(${n}, 0))`;
  const bound = `100.0 * (${centre} ${side < 0 ? "-" : "+"} ${half})`;
  return `CASE WHEN ${responses} > 0 THEN ${side < 0 ? "GREATEST(-100.0, " : "LEAST(100.0, "}${bound}) END`;
}

/** SQL columns of the adjusted-Wald difference between two groups given their counts (column
 * names p1, d1, n1 and p2, d2, n2): [centre, se] as SQL expressions on the proportion scale. */
export function npsDifferenceSql(
  first: { promoters: string; detractors: string; responses: string },
  second: { promoters: string; detractors: string; responses: string },
): { centre: string; se: string; difference: string } {
  const a = CHANGE_ADJUSTMENT;
  const side = (g: typeof first) => {
    const n = `(CAST(${g.responses} AS DOUBLE) + ${4 * a})`;
    const p = `((${g.promoters} + ${a}) / ${n})`;
    const d = `((${g.detractors} + ${a}) / ${n})`;
    return { centre: `(${p} - ${d})`, variance: `(greatest(0.0, ${p} + ${d} - power(${p} - ${d}, 2)) / ${n})` };
  };
  const x = side(first);
  const y = side(second);
  const raw = (g: typeof first) => `(100.0 * (${g.promoters} - ${g.detractors}) / NULLIF(CAST(${g.responses} AS DOUBLE), 0))`;
  return { centre: `(${x.centre} - ${y.centre})`, se: `sqrt(${x.variance} + ${y.variance})`, difference: `(${raw(first)} - ${raw(second)})` };
}
