/** The typed measure library itself: the formulas on hand-counted numbers, the emitted Cube
 * module, and the shape of the measure sets (references resolve, building blocks additive). */
import { describe, expect, it } from "vitest";
import {
  cesMeasures,
  csatMeasures,
  driverMeasures,
  krsMeasures,
  measureModule,
  modelMeasureSets,
  npsCategory,
  npsChange,
  npsMarginOfError,
  npsMeasures,
  npsScore,
  reported,
  sqlFunctionSource,
  type MeasureSet,
} from "../../src/measures/index.ts";

describe("formulas (hand-counted)", () => {
  it("NPS: 5 promoters, 3 passives, 2 detractors of 10 -> 30", () => {
    expect(npsScore({ promoters: 5, passives: 3, detractors: 2 })).toBe(30);
  });
  it("NPS of nobody is null, never 0", () => {
    expect(npsScore({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
    expect(npsMarginOfError({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });
  it("margin of error: p = .5, d = .2, n = 10 -> 100·1.96·√((.7 − .09)/10)", () => {
    // .7 − .3² = .61; √(.061) = .246981...; × 196 = 48.408...
    expect(npsMarginOfError({ promoters: 5, passives: 3, detractors: 2 })).toBeCloseTo(196 * Math.sqrt(0.061), 10);
    expect(npsMarginOfError({ promoters: 5, passives: 3, detractors: 2 })).toBeCloseTo(48.4083, 3);
  });
  it("all promoters / all detractors / n = 1: margin 0", () => {
    expect(npsScore({ promoters: 4, passives: 0, detractors: 0 })).toBe(100);
    expect(npsMarginOfError({ promoters: 4, passives: 0, detractors: 0 })).toBe(0);
    expect(npsScore({ promoters: 0, passives: 0, detractors: 3 })).toBe(-100);
    expect(npsMarginOfError({ promoters: 0, passives: 0, detractors: 3 })).toBe(0);
    expect(npsScore({ promoters: 0, passives: 1, detractors: 0 })).toBe(0);
  });
  it("categories at the boundaries 6/7 and 8/9", () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual(["detractor", "detractor", "passive", "passive", "promoter", "promoter"]);
    expect(() => npsCategory(11)).toThrow(RangeError);
    expect(() => npsCategory(7.5)).toThrow(RangeError);
  });
  it("change significance: z = ΔNPS / √(V₁/n₁ + V₂/n₂)", () => {
    // period 1: 60 P, 20 Pa, 20 D of 100 -> NPS 40, V = 10⁴(.8 − .16) = 6400
    // period 2: 40 P, 30 Pa, 30 D of 100 -> NPS 10, V = 10⁴(.7 − .01) = 6900
    const c = npsChange({ promoters: 60, passives: 20, detractors: 20 }, { promoters: 40, passives: 30, detractors: 30 })!;
    expect(c.change).toBeCloseTo(30, 10);
    expect(c.z).toBeCloseTo(30 / Math.sqrt(64 + 69), 10);
    expect(c.significant).toBe(true);
    const small = npsChange({ promoters: 3, passives: 1, detractors: 1 }, { promoters: 2, passives: 2, detractors: 1 })!;
    expect(small.significant).toBe(false);
    expect(npsChange({ promoters: 0, passives: 0, detractors: 0 }, { promoters: 1, passives: 0, detractors: 0 })).toBeNull();
  });
  it("minimum sample", () => {
    expect(reported(42, 29)).toBeNull();
    expect(reported(42, 30)).toBe(42);
    expect(reported(42, 5, 5)).toBe(42);
  });
});

describe("emitting Cube JavaScript", () => {
  it("turns {member} templates into arrow functions with those parameters", () => {
    expect(sqlFunctionSource("100.0 * {promoters} / NULLIF({responses}, 0)")).toBe(
      "(promoters, responses) => `100.0 * ${promoters} / NULLIF(${responses}, 0)`",
    );
    expect(sqlFunctionSource("{CUBE}.x = 1 AND {CUBE}.y = 2")).toBe("(CUBE) => `${CUBE}.x = 1 AND ${CUBE}.y = 2`");
  });
  it("escapes backticks, backslashes and ${ in SQL so they stay literal", () => {
    const sql = "a LIKE 'x\\%' AND b = `q` AND c = '$' || '${' AND {CUBE}.d = 1";
    const src = sqlFunctionSource(sql);
    const fn = new Function(`return ${src}`)() as (cube: string) => string;
    expect(fn("t")).toBe("a LIKE 'x\\%' AND b = `q` AND c = '$' || '${' AND t.d = 1");
  });
  it("the generated module is valid JavaScript whose sql functions render the formulas", () => {
    const src = measureModule(30).replaceAll("export const ", "exports.");
    const exports: Record<string, Record<string, { sql?: (...a: string[]) => string; filters?: { sql: (c: string) => string }[] }>> = {};
    new Function("exports", src)(exports);
    const score = exports["npsMeasures"]!["score"]!;
    expect(score.sql!("P", "D", "N")).toBe("100.0 * CAST((P - D) AS DOUBLE) / NULLIF(N, 0)");
    expect(exports["npsMeasures"]!["promoters"]!.filters![0]!.sql("t")).toBe("t.is_promoter = 1");
    expect(Object.keys(exports).sort()).toEqual(["caseMeasures", "caseRecoveryMeasures", "cesMeasures", "churnMeasures", "csatMeasures", "driverMeasures", "driverModelMeasures", "invitationMeasures", "krsMeasures", "ledgerMeasures", "npsMeasures", "responseDimensions", "revenueHistoryMeasures"]);
  });
  it("minimum sample is configurable", () => {
    expect(npsMeasures({ minimumSample: 50 })["score_reported"]!.sql).toContain(">= 50");
    expect(measureModule(12)).toContain(">= 12 THEN");
  });
});

const references = (sql: string | undefined): string[] => [...(sql ?? "").matchAll(/\{([A-Za-z_]\w*)\}/g)].map((m) => m[1]!).filter((n) => n !== "CUBE");

describe.each(Object.entries(modelMeasureSets()))("measure set %s", (_name, set: MeasureSet) => {
  it("every measure has a description and every {reference} names a member of the set", () => {
    for (const [name, m] of Object.entries(set)) {
      expect(m.description.length, name).toBeGreaterThan(10);
      for (const r of references(m.sql)) expect(Object.keys(set), `${name} -> ${r}`).toContain(r);
    }
  });
  it("non-additive measures are number measures over additive count/sum measures only (rollup-safe)", () => {
    for (const [name, m] of Object.entries(set)) {
      if (m.type !== "number") {
        expect(["count", "sum"], name).toContain(m.type);
        expect(references(m.sql), name).toEqual([]);
      }
    }
    const leaves = (name: string): string[] => {
      const m = set[name]!;
      return m.type === "number" ? references(m.sql).flatMap(leaves) : [m.type];
    };
    for (const name of Object.keys(set)) for (const t of leaves(name)) expect(["count", "sum"]).toContain(t);
  });
  it("no division by a member without NULLIF (empty group -> null, not an error)", () => {
    for (const [name, m] of Object.entries(set)) expect(m.sql ?? "", name).not.toMatch(/\/\s*\(?\{/);
  });
});

describe("measure names", () => {
  it("cover the semantic contract", () => {
    expect(Object.keys(npsMeasures())).toEqual(expect.arrayContaining(["responses", "promoters", "passives", "detractors", "promoter_share", "passive_share", "detractor_share", "score", "score_margin_of_error", "average_rating"]));
    expect(Object.keys(krsMeasures())).toEqual(expect.arrayContaining(["responses", "satisfaction", "trust", "love", "score"]));
    expect(Object.keys(driverMeasures())).toEqual(expect.arrayContaining(["ratings", "performance", "importance"]));
    expect(Object.keys(csatMeasures())).toEqual(expect.arrayContaining(["responses", "score"]));
    expect(Object.keys(cesMeasures())).toEqual(expect.arrayContaining(["responses", "score", "easy_share"]));
  });
});
