/** Driver evidence (src/measures/drivers-evidence.ts): Fisher-z interval against a textbook
 * example, R² of subsets against ordinary least squares on raw data solved independently here,
 * Shapley shares against closed forms, and the SQL sweep against the TypeScript. */
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { fisherBoundSql, fisherInterval, fisherSignificantSql, shapleyR2, shapleySqlSteps, subsetR2 } from "../../src/measures/drivers-evidence.ts";

describe("Fisher-z interval of a correlation", () => {
  it("r = .5, n = 28: tanh(atanh(.5) ± 1.96/5) = [.15602, .73582]", () => {
    const ci = fisherInterval(0.5, 28)!;
    expect(ci.low).toBeCloseTo(0.15602133478739186, 10);
    expect(ci.high).toBeCloseTo(0.7358217825567178, 10);
    expect(ci.significant).toBe(true);
  });
  it("r = .3 at n = 30 is not significant (interval includes 0); n < 4 gives null", () => {
    const ci = fisherInterval(0.3, 30)!;
    expect(ci.low).toBeLessThan(0);
    expect(ci.significant).toBe(false);
    expect(fisherInterval(0.9, 3)).toBeNull();
  });
  it("SQL bounds and flag equal the TypeScript", async () => {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    try {
      const row = (await c.runAndReadAll(`SELECT ${fisherBoundSql("0.5", "28", -1)} lo, ${fisherBoundSql("0.5", "28", 1)} hi, ${fisherSignificantSql("0.3", "30")} s1, ${fisherSignificantSql("0.5", "28")} s2, ${fisherBoundSql("0.5", "3", 1)} nil`)).getRowObjectsJS()[0]!;
      expect(row["lo"]).toBeCloseTo(0.15602133478739186, 10);
      expect(row["hi"]).toBeCloseTo(0.7358217825567178, 10);
      expect(row["s1"]).toBe(0);
      expect(row["s2"]).toBe(1);
      expect(row["nil"]).toBeNull();
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});

/** Deterministic correlated data: 4 drivers from two latent factors plus noise. */
function data(n: number): { x: number[][]; y: number[] } {
  let s = 7;
  const u = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const g = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const f1 = g();
    const f2 = g();
    const row = [f1 + 0.5 * g(), 0.6 * f1 + 0.8 * f2 + g(), f2 + 0.7 * g(), 0.5 * f1 + 0.5 * f2 + 0.6 * g()];
    x.push(row);
    y.push(0.9 * row[0]! + 0.2 * row[1]! + 0.4 * row[2]! + 0.3 * row[3]! + g());
  }
  return { x, y };
}
const corr = (a: number[], b: number[]): number => {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0, saa = 0, sbb = 0;
  a.forEach((v, i) => { sab += (v - ma) * (b[i]! - mb); saa += (v - ma) ** 2; sbb += (b[i]! - mb) ** 2; });
  return sab / Math.sqrt(saa * sbb);
};
/** R² of OLS with intercept on raw data by the normal equations, solved by Cramer-free Gauss-Jordan. */
function olsR2(x: number[][], y: number[], cols: number[]): number {
  const X = x.map((r) => [1, ...cols.map((c) => r[c]!)]);
  const k = X[0]!.length;
  const A = Array.from({ length: k }, (_, i) => [...Array.from({ length: k }, (_, j) => X.reduce((s, r) => s + r[i]! * r[j]!, 0)), X.reduce((s, r, t) => s + r[i]! * y[t]!, 0)]);
  for (let c = 0; c < k; c++) {
    const piv = A[c]![c]!;
    for (let j = 0; j <= k; j++) A[c]![j]! /= piv;
    for (let r = 0; r < k; r++) if (r !== c) { const f = A[r]![c]!; for (let j = 0; j <= k; j++) A[r]![j]! -= f * A[c]![j]!; }
  }
  const beta = A.map((r) => r[k]!);
  const fit = X.map((r) => r.reduce((s, v, j) => s + v * beta[j]!, 0));
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  const sse = y.reduce((s, v, i) => s + (v - fit[i]!) ** 2, 0);
  const sst = y.reduce((s, v) => s + (v - my) ** 2, 0);
  return 1 - sse / sst;
}

describe("relative importance: Shapley decomposition of R²", () => {
  const { x, y } = data(800);
  const cols = [0, 1, 2, 3].map((j) => x.map((r) => r[j]!));
  const rxx = cols.map((a) => cols.map((b) => corr(a, b)));
  const rxy = cols.map((a) => corr(a, y));

  it("R² of every subset from the correlation matrix equals OLS on the raw data", () => {
    for (const subset of [[0], [1, 2], [0, 2, 3], [0, 1, 2, 3]]) {
      expect(subsetR2(rxx, rxy, subset)).toBeCloseTo(olsR2(x, y, subset), 8);
    }
  });

  it("shares add up to the model R², and equal r² for uncorrelated drivers", () => {
    const s = shapleyR2(rxx, rxy)!;
    expect(s.shapley.reduce((a, b) => a + b, 0)).toBeCloseTo(s.r2, 12);
    expect(s.r2).toBeCloseTo(olsR2(x, y, [0, 1, 2, 3]), 8);
    const identity = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const o = shapleyR2(identity, [0.5, 0.3, 0.1])!;
    [0.25, 0.09, 0.01].forEach((v, i) => expect(o.shapley[i]).toBeCloseTo(v, 12));
  });

  it("two drivers: closed form ½[r₁² + (R² − r₂²)]", () => {
    const r12 = 0.6, r1 = 0.7, r2 = 0.5;
    const R2 = (r1 ** 2 + r2 ** 2 - 2 * r1 * r2 * r12) / (1 - r12 ** 2);
    const s = shapleyR2([[1, r12], [r12, 1]], [r1, r2])!;
    expect(s.r2).toBeCloseTo(R2, 12);
    expect(s.shapley[0]).toBeCloseTo(0.5 * (r1 ** 2 + (R2 - r2 ** 2)), 12);
  });

  it("the SQL sweep gives the same R² and shares in DuckDB", async () => {
    const steps = shapleySqlSteps(4, (i, j) => `c${i}${j}`, (i) => `cy${i}`);
    const base = [
      ...[0, 1, 2, 3].flatMap((i) => [0, 1, 2, 3].filter((j) => j > i).map((j) => `${rxx[i]![j]} AS c${i}${j}`)),
      ...[0, 1, 2, 3].map((i) => `${rxy[i]} AS cy${i}`),
    ];
    let sql = `WITH s0 AS (SELECT ${base.join(", ")})`;
    steps.steps.forEach((cols, k) => { sql += `, s${k + 1} AS (SELECT *, ${cols.join(", ")} FROM s${k})`; });
    sql += ` SELECT ${steps.full} AS r2, ${steps.shapley.map((e, j) => `${e} AS sh${j}`).join(", ")} FROM s${steps.steps.length}`;
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    try {
      const row = (await c.runAndReadAll(sql)).getRowObjectsJS()[0]!;
      const s = shapleyR2(rxx, rxy)!;
      expect(row["r2"]).toBeCloseTo(s.r2, 10);
      s.shapley.forEach((v, j) => expect(row[`sh${j}`]).toBeCloseTo(v, 10));
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});
