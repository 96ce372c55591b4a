/** Independent computations of the metrics straight from fixture rows, written from DESIGN.md's
 * definitions without the measure library, to check what Cube's SQL returns. */
import type { FixtureResponse } from "./fixture.ts";

export function npsOf(scores: number[]) {
  const n = scores.length;
  if (n === 0) return { n, score: null, moe: null, promoters: 0, detractors: 0, passives: 0, avg: null };
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  const passives = n - promoters - detractors;
  const p = promoters / n;
  const d = detractors / n;
  return {
    n,
    promoters,
    passives,
    detractors,
    score: 100 * (p - d),
    moe: 100 * 1.96 * Math.sqrt((p + d - (p - d) ** 2) / n),
    avg: scores.reduce((a, b) => a + b, 0) / n,
  };
}

export const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function pearson(xs: number[], ys: number[]): number | null {
  const mx = mean(xs);
  const my = mean(ys);
  if (mx === null || my === null || xs.length < 2) return null;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  });
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

export function krsOf(rows: FixtureResponse[]) {
  const k = rows.flatMap((r) => (r.krs ? [r.krs] : []));
  const s = mean(k.map((x) => x[0]));
  const t = mean(k.map((x) => x[1]));
  const l = mean(k.map((x) => x[2]));
  return { n: k.length, satisfaction: s, trust: t, love: l, score: s === null ? null : (s + t! + l!) / 3 };
}

export function csatOf(rows: FixtureResponse[]) {
  const c = rows.flatMap((r) => (r.csat === null ? [] : [r.csat]));
  return { n: c.length, score: c.length ? (100 * c.filter((x) => x >= 4).length) / c.length : null, avg: mean(c) };
}

export function cesOf(rows: FixtureResponse[]) {
  const c = rows.flatMap((r) => (r.ces === null ? [] : [r.ces]));
  return { n: c.length, score: mean(c), easyShare: c.length ? (100 * c.filter((x) => x >= 5).length) / c.length : null };
}

export function groupBy<T>(rows: T[], key: (r: T) => string | null): Map<string | null, T[]> {
  const m = new Map<string | null, T[]>();
  for (const r of rows) {
    const k = key(r);
    m.set(k, [...(m.get(k) ?? []), r]);
  }
  return m;
}

/** Cube result rows keyed by one dimension value. */
export function byKey(data: Record<string, unknown>[], member: string): Map<unknown, Record<string, unknown>> {
  return new Map(data.map((row) => [row[member], row]));
}
