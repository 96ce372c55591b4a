/** The same definitions as plain numbers, for places that compute outside SQL (change
 * significance between periods, charts, tests of the SQL). null = not computable (no responses). */
import { Z_95 } from "./nps.ts";

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export const npsResponses = (c: NpsCounts): number => c.promoters + c.passives + c.detractors;

export function npsCategory(score: number): "promoter" | "passive" | "detractor" {
  if (!Number.isInteger(score) || score < 0 || score > 10) throw new RangeError(`recommend score ${score} is not an integer 0–10`);
  return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
}

export function npsScore(c: NpsCounts): number | null {
  const n = npsResponses(c);
  return n === 0 ? null : (100 * (c.promoters - c.detractors)) / n;
}

/** V = 100² × (p + d − (p − d)²): variance of one response's NPS contribution. */
export function npsVariance(c: NpsCounts): number | null {
  const n = npsResponses(c);
  if (n === 0) return null;
  const p = c.promoters / n;
  const d = c.detractors / n;
  return 100 ** 2 * Math.max(0, p + d - (p - d) ** 2);
}

export function npsMarginOfError(c: NpsCounts): number | null {
  const v = npsVariance(c);
  return v === null ? null : Z_95 * Math.sqrt(v / npsResponses(c));
}

export interface ChangeSignificance {
  change: number;
  z: number | null;
  significant: boolean;
}

/** z = (NPS₁ − NPS₂) / √(V₁/n₁ + V₂/n₂); significant at |z| >= 1.96. null when a period is empty. */
export function npsChange(current: NpsCounts, previous: NpsCounts): ChangeSignificance | null {
  const s1 = npsScore(current);
  const s2 = npsScore(previous);
  const v1 = npsVariance(current);
  const v2 = npsVariance(previous);
  if (s1 === null || s2 === null || v1 === null || v2 === null) return null;
  const se = Math.sqrt(v1 / npsResponses(current) + v2 / npsResponses(previous));
  const change = s1 - s2;
  if (se === 0) return { change, z: null, significant: change !== 0 };
  const z = change / se;
  return { change, z, significant: Math.abs(z) >= Z_95 };
}

/** Minimum-sample rule: the value, or null when n is below the minimum. */
export const reported = <T>(value: T | null, n: number, minimum = 30): T | null => (n >= minimum ? value : null);
