/** Per-person (and any small-group) NPS shrunk toward its unit's NPS: empirical Bayes with a
 * normal random-effects model on the response values −100 / 0 / +100 (detractor / passive /
 * promoter, whose mean is the NPS):
 *
 *   person j's true NPS θ_j ~ N(μ, τ²)           μ = the unit's NPS (all its responses)
 *   observed NPS_j | θ_j  ~ N(θ_j, σ² / n_j)     σ² = pooled within-person variance
 *
 * τ² (how much people truly differ) by the one-way ANOVA method of moments (unbalanced):
 * τ² = max(0, (MSB − MSW) / n₀), n₀ = (N − Σn_j² / N) / (k − 1). The estimate is
 * μ + B_j (NPS_j − μ) with B_j = τ² / (τ² + σ² / n_j): a person with few answers is pulled
 * most of the way to the unit's NPS, one with many keeps most of their own score; with τ² = 0
 * (no evidence that people differ) everyone gets the unit's NPS. Its 95 % interval is
 * estimate ± 1.96 √(B_j σ² / n_j + (1 − B_j)² Var(μ)), Var(μ) = (σ² + n₀τ²) / N (the unit's NPS is
 * itself an estimate); it ignores the uncertainty of τ², so it is a little narrow when the unit
 * has few people. */
import { npsResponses, type NpsCounts } from "./formulas.ts";
import { Z_95 } from "./nps.ts";

export interface ShrunkNps {
  key: string;
  responses: number;
  /** The person's own NPS (points); null without responses. */
  raw: number | null;
  /** Shrunk estimate (points); the unit's NPS for a person without responses. */
  estimate: number | null;
  low: number | null;
  high: number | null;
  /** Weight B_j of the person's own score, 0…1. */
  weight: number | null;
}

export interface ShrinkageFit {
  /** The unit's NPS (points) the estimates are shrunk toward. */
  unitNps: number | null;
  /** Between-person variance τ² and pooled within-person variance σ² (points²). */
  tau2: number | null;
  sigma2: number | null;
  people: ShrunkNps[];
}

/** Sum of squared deviations of one group's −100/0/100 values from its own mean. */
const withinSS = (c: NpsCounts): number => {
  const n = npsResponses(c);
  if (n === 0) return 0;
  const m = (100 * (c.promoters - c.detractors)) / n;
  return c.promoters * (100 - m) ** 2 + c.passives * m ** 2 + c.detractors * (100 + m) ** 2;
};

export function shrinkNps(people: readonly { key: string; counts: NpsCounts }[]): ShrinkageFit {
  const withData = people.filter((p) => npsResponses(p.counts) > 0);
  const k = withData.length;
  const N = withData.reduce((s, p) => s + npsResponses(p.counts), 0);
  const unit = N === 0 ? null : (100 * withData.reduce((s, p) => s + p.counts.promoters - p.counts.detractors, 0)) / N;
  const nothing = (p: { key: string; counts: NpsCounts }): ShrunkNps => ({
    key: p.key, responses: npsResponses(p.counts), raw: null, estimate: unit, low: null, high: null, weight: null,
  });
  if (unit === null || k < 2 || N - k < 1) return { unitNps: unit, tau2: null, sigma2: null, people: people.map(nothing) };
  const msw = withData.reduce((s, p) => s + withinSS(p.counts), 0) / (N - k);
  const msb = withData.reduce((s, p) => s + npsResponses(p.counts) * ((100 * (p.counts.promoters - p.counts.detractors)) / npsResponses(p.counts) - unit) ** 2, 0) / (k - 1);
  const n0 = (N - withData.reduce((s, p) => s + npsResponses(p.counts) ** 2, 0) / N) / (k - 1);
  const tau2 = Math.max(0, (msb - msw) / n0);
  return {
    unitNps: unit,
    tau2,
    sigma2: msw,
    people: people.map((p) => {
      const n = npsResponses(p.counts);
      if (n === 0) return nothing(p);
      const raw = (100 * (p.counts.promoters - p.counts.detractors)) / n;
      const b = tau2 + msw / n === 0 ? 0 : tau2 / (tau2 + msw / n);
      const estimate = unit + b * (raw - unit);
      const varMu = (msw + n0 * tau2) / N;
      const half = Z_95 * Math.sqrt((b * msw) / n + (1 - b) ** 2 * varMu);
      return { key: p.key, responses: n, raw, estimate, low: estimate - half, high: estimate + half, weight: b };
    }),
  };
}
