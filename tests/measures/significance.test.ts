/** Holm's correction and each-group-vs-the-rest (src/measures/significance.ts) against hand
 * computations and R's p.adjust(method = "holm") documented behaviour. */
import { describe, expect, it } from "vitest";
import { npsDifference } from "../../src/measures/intervals.ts";
import { groupsVsRest, holm } from "../../src/measures/significance.ts";

describe("Holm adjusted p-values", () => {
  it("0.01 … 0.05: 0.05, 0.08, 0.09, 0.09, 0.09 (by hand: 5·.01, 4·.02, 3·.03, max(.09, 2·.04), max(.09, .05))", () => {
    const out = holm([0.01, 0.02, 0.03, 0.04, 0.05]);
    [0.05, 0.08, 0.09, 0.09, 0.09].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 12));
  });
  it("keeps input order, caps at 1 and leaves untested groups null", () => {
    const out = holm([0.04, null, 0.005, 0.6]);
    // sorted .005·3 = .015, .04·2 = .08, .6·1 = .6
    expect(out[0]).toBeCloseTo(0.08, 12);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeCloseTo(0.015, 12);
    expect(out[3]).toBeCloseTo(0.6, 12);
    expect(holm([0.5, 0.6])).toEqual([1, 1]);
  });
});

describe("each group against the rest", () => {
  const groups = [
    { key: "low", counts: { promoters: 10, passives: 20, detractors: 30 } },
    { key: "mid", counts: { promoters: 25, passives: 25, detractors: 15 } },
    { key: "high", counts: { promoters: 50, passives: 15, detractors: 5 } },
    { key: "tiny", counts: { promoters: 1, passives: 0, detractors: 9 } },
  ];
  const result = groupsVsRest(groups, { minimumSample: 30 });

  it("compares each group with the sum of the others (tiny included in the rest, not tested itself)", () => {
    const low = result.find((r) => r.key === "low")!;
    // rest of low = mid + high + tiny: 76 P, 40 passives, 29 D of 145
    expect(low.restResponses).toBe(145);
    expect(low.restNps).toBeCloseTo((100 * (76 - 29)) / 145, 10);
    const direct = npsDifference(groups[0]!.counts, { promoters: 76, passives: 40, detractors: 29 })!;
    expect(low.difference).toBeCloseTo(direct.difference, 10);
    expect(low.p).toBeCloseTo(direct.p, 12);
    const tiny = result.find((r) => r.key === "tiny")!;
    expect(tiny.verdict).toBe("too_few");
    expect(tiny.nps).toBeNull();
    expect(tiny.difference).toBeNull();
  });

  it("Holm over the three tested groups; verdicts by sign", () => {
    const ps = result.filter((r) => r.p !== null).map((r) => r.p!);
    expect(ps).toHaveLength(3);
    const adjusted = holm(ps);
    result.filter((r) => r.p !== null).forEach((r, i) => expect(r.pHolm).toBeCloseTo(adjusted[i]!, 12));
    expect(result.find((r) => r.key === "low")!.verdict).toBe("below");
    expect(result.find((r) => r.key === "high")!.verdict).toBe("above");
    expect(result.find((r) => r.key === "mid")!.verdict).toBe("no_difference");
  });

  it("a difference significant alone can be not significant after the correction", () => {
    // 10 groups; one with raw p just under .05 stays unflagged after Holm
    const many = Array.from({ length: 10 }, (_, i) => ({ key: `g${i}`, counts: { promoters: 40, passives: 30, detractors: 30 } }));
    many[0] = { key: "g0", counts: { promoters: 52, passives: 27, detractors: 21 } };
    const r = groupsVsRest(many)[0]!;
    expect(r.p!).toBeLessThan(0.05);
    expect(r.pHolm!).toBeGreaterThan(0.05);
    expect(r.verdict).toBe("no_difference");
  });
});
