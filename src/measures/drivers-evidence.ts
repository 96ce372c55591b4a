/** Drivers with evidence: each driver's importance (Pearson r with the recommend score, as
 * DESIGN.md defines it) with a 95 % interval by Fisher's z transformation and whether it differs
 * from 0, and a relative importance that accounts for the drivers' correlation with each other:
 * the Shapley decomposition of the R² of the linear regression of the recommend score on the four
 * drivers (also known as LMG / general dominance): each driver's average gain in R² when added to
 * every subset of the other drivers. The four shares add up to the model's R² exactly. */
import { Z_95 } from "./nps.ts";

export interface CorrelationInterval {
  r: number;
  n: number;
  low: number;
  high: number;
  /** Fisher z statistic atanh(r) √(n − 3). */
  z: number;
  /** The interval excludes 0 (|z| ≥ 1.96). */
  significant: boolean;
}

/** Fisher-z 95 % interval of a correlation: tanh(atanh(r) ± 1.96 / √(n − 3)); null for n < 4. */
export function fisherInterval(r: number | null, n: number, z = Z_95): CorrelationInterval | null {
  if (r === null || !Number.isFinite(r) || n < 4) return null;
  const rr = Math.min(Math.max(r, -0.9999999), 0.9999999);
  const f = Math.atanh(rr);
  const se = 1 / Math.sqrt(n - 3);
  const stat = f / se;
  return { r, n, low: Math.tanh(f - z * se), high: Math.tanh(f + z * se), z: stat, significant: Math.abs(stat) >= z };
}

/** atanh(x) = ½ ln((1 + x) / (1 − x)): Trino has no atanh, DuckDB reads both. */
export const atanhSql = (x: string): string => `(0.5E0 * ln((1 + ${x}) / (1 - ${x})))`;

/** SQL of the Fisher-z interval bound (side −1 low, +1 high) of correlation `r` over `n` pairs. */
export function fisherBoundSql(r: string, n: string, side: -1 | 1, z = Z_95): string {
  const f = atanhSql(`least(0.9999999, greatest(-0.9999999, ${r}))`);
  return `CASE WHEN ${n} >= 4 THEN tanh(${f} ${side < 0 ? "-" : "+"} ${z} / sqrt(${n} - 3.0)) END`;
}

/** SQL: 1 when the correlation differs significantly from 0 (Fisher z), 0 when not, NULL for n < 4. */
export function fisherSignificantSql(r: string, n: string, z = Z_95): string {
  return `CASE WHEN ${n} < 4 OR ${r} IS NULL THEN NULL WHEN abs(${atanhSql(`least(0.9999999, greatest(-0.9999999, ${r}))`)}) * sqrt(${n} - 3.0) >= ${z} THEN 1 ELSE 0 END`;
}

/** R² of the regression of y on the predictors in `subset`, from the correlation matrix of the
 * predictors (`rxx`) and their correlations with y (`rxy`): r_S' R_SS⁻¹ r_S (Gaussian elimination
 * with partial pivoting). 0 for the empty subset; null when R_SS is singular. */
export function subsetR2(rxx: readonly (readonly number[])[], rxy: readonly number[], subset: readonly number[]): number | null {
  const k = subset.length;
  if (k === 0) return 0;
  const a = subset.map((i) => [...subset.map((j) => rxx[i]![j]!), rxy[i]!]);
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    if (Math.abs(a[pivot]![c]!) < 1e-12) return null;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let j = c; j <= k; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  // beta_i = a[i][k] / a[i][i]; R² = Σ beta_i r_iy
  return subset.reduce((s, i, idx) => s + (a[idx]![k]! / a[idx]![idx]!) * rxy[i]!, 0);
}

export interface RelativeImportance {
  /** R² of the regression on all predictors. */
  r2: number;
  /** Shapley share of R² per predictor (sums to r2). */
  shapley: number[];
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

/** Shapley decomposition of R² over the predictors (2^p subsets; p is 4 here). */
export function shapleyR2(rxx: readonly (readonly number[])[], rxy: readonly number[]): RelativeImportance | null {
  const p = rxy.length;
  const r2 = new Map<number, number>();
  for (let mask = 0; mask < 1 << p; mask++) {
    const subset = [...Array(p).keys()].filter((i) => mask & (1 << i));
    const v = subsetR2(rxx, rxy, subset);
    if (v === null) return null;
    r2.set(mask, v);
  }
  const shapley = [...Array(p).keys()].map((j) => {
    let s = 0;
    for (let mask = 0; mask < 1 << p; mask++) {
      if (mask & (1 << j)) continue;
      const size = bitCount(mask);
      s += ((factorial(size) * factorial(p - size - 1)) / factorial(p)) * (r2.get(mask | (1 << j))! - r2.get(mask)!);
    }
    return s;
  });
  return { r2: r2.get((1 << p) - 1)!, shapley };
}

export const bitCount = (m: number): number => {
  let c = 0;
  for (let x = m; x; x &= x - 1) c++;
  return c;
};

/** SQL that computes, per row, the R² of every subset of p predictors and their Shapley shares,
 * from columns holding the correlation matrix: `corr(i, j)` names the column of r between
 * predictors i and j (i < j), `corrY(i)` the column of r between predictor i and y. Returns the
 * SELECT-list expressions of successive CTE steps (the sweep operator on the correlation matrix,
 * one pivot per step, so each expression stays small) and the final Shapley expressions.
 * Step s adds, for every subset of size s, columns _s<mask>_<i>_<j> (i ≤ j over unswept
 * predictors and y = index p) from the subset without its highest predictor. */
export function shapleySqlSteps(
  p: number,
  corr: (i: number, j: number) => string,
  corrY: (i: number) => string,
): { steps: string[][]; r2: (mask: number) => string; shapley: string[]; full: string } {
  const y = p;
  const cell = (mask: number, i: number, j: number): string => {
    const [a, b] = i <= j ? [i, j] : [j, i];
    if (mask === 0) {
      if (a === b) return "1.0";
      return b === y ? corrY(a) : corr(a, b);
    }
    return `_s${mask}_${a}_${b}`;
  };
  const steps: string[][] = [];
  for (let size = 1; size <= p; size++) {
    const cols: string[] = [];
    for (let mask = 1; mask < 1 << p; mask++) {
      if (bitCount(mask) !== size) continue;
      const k = 31 - Math.clz32(mask); // highest predictor: pivot of this step
      const parent = mask & ~(1 << k);
      const rest = [...Array(p + 1).keys()].filter((i) => i === y || !(mask & (1 << i)));
      for (const i of rest) {
        for (const j of rest) {
          if (j < i) continue;
          // sweep on pivot k: a_ij − a_ik a_kj / a_kk (only unswept rows/columns are needed)
          cols.push(`${cell(parent, i, j)} - ${cell(parent, i, k)} * ${cell(parent, k, j)} / NULLIF(${cell(parent, k, k)}, 0) AS _s${mask}_${i}_${j}`);
        }
      }
    }
    steps.push(cols);
  }
  const r2 = (mask: number): string => (mask === 0 ? "0.0" : `(1.0 - _s${mask}_${y}_${y})`);
  const shapley = [...Array(p).keys()].map((j) => {
    const terms: string[] = [];
    for (let mask = 0; mask < 1 << p; mask++) {
      if (mask & (1 << j)) continue;
      const size = bitCount(mask);
      const w = (factorial(size) * factorial(p - size - 1)) / factorial(p);
      terms.push(`${w} * (${r2(mask | (1 << j))} - ${r2(mask)})`);
    }
    return `(${terms.join(" + ")})`;
  });
  return { steps, r2, shapley, full: r2((1 << p) - 1) };
}
