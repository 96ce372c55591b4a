/** Empirical-Bayes shrinkage of per-person NPS (src/measures/shrinkage.ts) against a second
 * implementation written here from the individual −100/0/100 response values. */
import { describe, expect, it } from "vitest";
import { shrinkNps } from "../../src/measures/shrinkage.ts";

const values = (c: { promoters: number; passives: number; detractors: number }): number[] => [
  ...Array(c.promoters).fill(100),
  ...Array(c.passives).fill(0),
  ...Array(c.detractors).fill(-100),
];
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** One-way random-effects ANOVA by the textbook (Searle, Casella & McCulloch 1992, §3.6). */
function reference(groups: number[][]) {
  const all = groups.flat();
  const N = all.length;
  const k = groups.length;
  const grand = mean(all);
  const ssw = groups.reduce((s, g) => s + g.reduce((t, x) => t + (x - mean(g)) ** 2, 0), 0);
  const ssb = groups.reduce((s, g) => s + g.length * (mean(g) - grand) ** 2, 0);
  const msw = ssw / (N - k);
  const msb = ssb / (k - 1);
  const n0 = (N - groups.reduce((s, g) => s + g.length ** 2, 0) / N) / (k - 1);
  const tau2 = Math.max(0, (msb - msw) / n0);
  return { grand, msw, tau2, est: groups.map((g) => grand + (tau2 / (tau2 + msw / g.length)) * (mean(g) - grand)) };
}

describe("empirical-Bayes NPS per person", () => {
  const people = [
    { key: "a", counts: { promoters: 30, passives: 40, detractors: 10 } },
    { key: "b", counts: { promoters: 5, passives: 3, detractors: 2 } },
    { key: "c", counts: { promoters: 10, passives: 30, detractors: 40 } },
    { key: "d", counts: { promoters: 60, passives: 50, detractors: 30 } },
    { key: "e", counts: { promoters: 3, passives: 0, detractors: 0 } },
  ];
  const fit = shrinkNps(people);
  const ref = reference(people.map((p) => values(p.counts)));

  it("unit NPS, σ², τ² and every estimate equal the ANOVA computed from the individual answers", () => {
    expect(fit.unitNps).toBeCloseTo(ref.grand, 10);
    expect(fit.sigma2).toBeCloseTo(ref.msw, 8);
    expect(fit.tau2).toBeCloseTo(ref.tau2, 8);
    expect(fit.tau2!).toBeGreaterThan(0);
    fit.people.forEach((p, i) => expect(p.estimate).toBeCloseTo(ref.est[i]!, 8));
  });

  it("few answers are pulled most of the way to the unit, many keep their own score; raw is kept beside it", () => {
    const e = fit.people.find((p) => p.key === "e")!;
    expect(e.raw).toBe(100);
    expect(e.estimate!).toBeLessThan(60);
    const d = fit.people.find((p) => p.key === "d")!;
    expect(d.weight!).toBeGreaterThan(e.weight!);
    for (const p of fit.people) {
      expect(p.low!).toBeLessThan(p.estimate!);
      expect(p.high!).toBeGreaterThan(p.estimate!);
      // between the unit and the raw score
      expect(Math.min(p.raw!, fit.unitNps!) - 1e-9).toBeLessThanOrEqual(p.estimate!);
      expect(p.estimate!).toBeLessThanOrEqual(Math.max(p.raw!, fit.unitNps!) + 1e-9);
    }
  });

  it("identical people: τ² = 0, everyone gets the unit's NPS with an interval that still has width", () => {
    const same = shrinkNps([1, 2, 3].map((i) => ({ key: `p${i}`, counts: { promoters: 4 * i, passives: 4 * i, detractors: 2 * i } })));
    expect(same.tau2).toBe(0);
    for (const p of same.people) {
      expect(p.estimate).toBeCloseTo(20, 10);
      expect(p.high! - p.low!).toBeGreaterThan(5);
    }
  });

  it("a person without responses gets no raw score and no interval", () => {
    const f = shrinkNps([...people, { key: "none", counts: { promoters: 0, passives: 0, detractors: 0 } }]);
    const none = f.people.find((p) => p.key === "none")!;
    expect(none.raw).toBeNull();
    expect(none.low).toBeNull();
  });
});
