/** Which groups differ from the rest: each group (segment, business unit, touchpoint, account
 * manager) against all other responses of the same question, with the adjusted-Wald difference
 * (src/measures/intervals.ts) and Holm's step-down correction over the groups tested, so that
 * with k groups the chance of calling any group different by luck stays at most 5 %. */
import { npsResponses, npsScore, type NpsCounts } from "./formulas.ts";
import { npsDifference } from "./intervals.ts";
import { DEFAULT_MINIMUM_SAMPLE } from "./types.ts";

/** Holm (1979) adjusted p-values, in the input order: sort ascending, p_(i) × (m − i + 1),
 * made non-decreasing, capped at 1. null entries are not tested and stay null. */
export function holm(pValues: readonly (number | null)[]): (number | null)[] {
  const tested = pValues.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null);
  const m = tested.length;
  tested.sort((a, b) => a.p - b.p || a.i - b.i);
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  tested.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

export type GroupVerdict = "above" | "below" | "no_difference" | "too_few";

export interface GroupVsRest {
  key: string;
  responses: number;
  /** null below the minimum sample. */
  nps: number | null;
  restResponses: number;
  restNps: number | null;
  /** NPS of the group − NPS of the rest, points; null below the minimum sample. */
  difference: number | null;
  /** Adjusted-Wald 95 % interval of the difference (not corrected for multiplicity). */
  low: number | null;
  high: number | null;
  z: number | null;
  p: number | null;
  /** Holm-adjusted p over the groups tested in this family. */
  pHolm: number | null;
  verdict: GroupVerdict;
}

/** Each group against the rest of the family. Groups below the minimum (or whose rest is) are
 * not tested ("too_few") and do not count towards the correction. */
export function groupsVsRest(
  groups: readonly { key: string; counts: NpsCounts }[],
  options: { minimumSample?: number; alpha?: number } = {},
): GroupVsRest[] {
  const minimum = options.minimumSample ?? DEFAULT_MINIMUM_SAMPLE;
  const alpha = options.alpha ?? 0.05;
  const total = groups.reduce(
    (t, g) => ({ promoters: t.promoters + g.counts.promoters, passives: t.passives + g.counts.passives, detractors: t.detractors + g.counts.detractors }),
    { promoters: 0, passives: 0, detractors: 0 },
  );
  const rows = groups.map((g) => {
    const rest = { promoters: total.promoters - g.counts.promoters, passives: total.passives - g.counts.passives, detractors: total.detractors - g.counts.detractors };
    const n = npsResponses(g.counts);
    const rn = npsResponses(rest);
    const tested = n >= minimum && rn >= minimum;
    const d = tested ? npsDifference(g.counts, rest) : null;
    return { g, n, rn, rest, tested, d };
  });
  const adjusted = holm(rows.map((r) => r.d?.p ?? null));
  return rows.map((r, i) => {
    const pHolm = adjusted[i] ?? null;
    const verdict: GroupVerdict = !r.tested || !r.d ? "too_few" : pHolm! < alpha ? (r.d.difference > 0 ? "above" : "below") : "no_difference";
    return {
      key: r.g.key,
      responses: r.n,
      nps: r.n >= minimum ? npsScore(r.g.counts) : null,
      restResponses: r.rn,
      restNps: r.rn >= minimum ? npsScore(r.rest) : null,
      difference: r.d?.difference ?? null,
      low: r.d?.low ?? null,
      high: r.d?.high ?? null,
      z: r.d?.z ?? null,
      p: r.d?.p ?? null,
      pHolm,
      verdict,
    };
  });
}
