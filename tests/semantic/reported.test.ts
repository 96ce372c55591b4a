/** One suppression rule for the API (#14): every public measure that is not the group's count has
 * a `_reported` twin, and at several minimum samples (10, 30, 50) every `_reported` member of a
 * group below it is null while at or above it it equals its plain twin. Also the new interval
 * members against the TypeScript library (independent of the SQL). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSemanticLayer } from "../../src/semantic/index.ts";
import type { SemanticLayer } from "../../src/semantic/types.ts";
import { fisherInterval, npsAdjustedWald } from "../../src/measures/index.ts";
import { buildFixtureWarehouse, generatedResponses } from "./fixture.ts";

const COUNT: Record<string, string> = { nps: "responses", drivers: "ratings", krs: "responses", csat: "responses", ces: "responses" };
/** Measures that are the count itself or say whether the count suffices. */
const NEVER_SUPPRESSED = new Set(["nps.responses", "nps.meets_minimum_sample", "drivers.ratings", "krs.responses", "csat.responses", "ces.responses"]);

let fx: Awaited<ReturnType<typeof buildFixtureWarehouse>>;
beforeAll(async () => {
  fx = await buildFixtureWarehouse(generatedResponses(700, 14), "reported");
});
afterAll(() => fx?.cleanup());

async function withMinimum<T>(minimum: number, f: (layer: SemanticLayer) => Promise<T>): Promise<T> {
  const before = process.env["PROMOTOR_MINIMUM_SAMPLE"];
  process.env["PROMOTOR_MINIMUM_SAMPLE"] = String(minimum);
  const layer = await createSemanticLayer({ warehouse: fx.path, preAggregations: false });
  try {
    return await f(layer);
  } finally {
    await layer.close();
    if (before === undefined) delete process.env["PROMOTOR_MINIMUM_SAMPLE"];
    else process.env["PROMOTOR_MINIMUM_SAMPLE"] = before;
  }
}

describe.each([10, 30, 50])("minimum sample %i", (minimum) => {
  it("every public measure has a _reported twin (or is the count), null below the minimum and equal to the plain value from it", async () => {
    await withMinimum(minimum, async (layer) => {
      const meta = await layer.meta();
      let below = 0;
      let above = 0;
      for (const view of Object.keys(COUNT)) {
        const cube = meta.find((c) => c.name === view)!;
        const measures = cube.measures.map((m) => m.name);
        const plain = measures.filter((m) => !m.endsWith("_reported") && !NEVER_SUPPRESSED.has(m));
        const missing = plain.filter((m) => !measures.includes(`${m}_reported`) && !(m === `${view}.score` && measures.includes(`${view}.score_reported`)));
        expect(missing, `${view}: measures without a _reported twin`).toEqual([]);
        const count = `${view}.${COUNT[view]}`;
        const dims = view === "drivers" ? [`${view}.account_manager`, `${view}.driver`] : [`${view}.account_manager`];
        const q = {
          measures: [count, ...plain, ...plain.map((m) => `${m}_reported`)],
          dimensions: dims,
          timeDimensions: [{ dimension: `${view}.answered_at`, granularity: "month" as const }],
        };
        // also the whole period per manager (larger groups)
        for (const query of [q, { ...q, timeDimensions: [] }]) {
          const rows = (await layer.load(query)).data;
          expect(rows.length).toBeGreaterThan(3);
          for (const row of rows) {
            const n = Number(row[count] ?? 0);
            for (const m of plain) {
              const rep = row[`${m}_reported`] ?? null;
              if (n < minimum) {
                expect(rep, `${m}_reported at n = ${n}`).toBeNull();
                below++;
              } else {
                const v = row[m] ?? null;
                if (v === null) expect(rep).toBeNull();
                else expect(Number(rep)).toBeCloseTo(Number(v), 9);
                above++;
              }
            }
          }
        }
      }
      // the fixture has groups on both sides of every threshold
      expect(below).toBeGreaterThan(0);
      expect(above).toBeGreaterThan(0);
    });
  });
});

describe("interval members", () => {
  it("nps.score_interval_low/high equal the adjusted-Wald interval from the counts; drivers.importance_low/high/significant the Fisher-z interval", async () => {
    await withMinimum(30, async (layer) => {
      const rows = (await layer.load({ measures: ["nps.promoters", "nps.passives", "nps.detractors", "nps.score_interval_low", "nps.score_interval_high"], dimensions: ["nps.account_manager", "nps.touchpoint"] })).data;
      expect(rows.length).toBeGreaterThan(4);
      for (const r of rows) {
        const ci = npsAdjustedWald({ promoters: Number(r["nps.promoters"]), passives: Number(r["nps.passives"]), detractors: Number(r["nps.detractors"]) })!;
        expect(Number(r["nps.score_interval_low"])).toBeCloseTo(ci.low, 9);
        expect(Number(r["nps.score_interval_high"])).toBeCloseTo(ci.high, 9);
      }
      const drivers = (await layer.load({ measures: ["drivers.ratings", "drivers.importance", "drivers.importance_low", "drivers.importance_high", "drivers.importance_significant"], dimensions: ["drivers.driver", "drivers.business_unit"] })).data;
      for (const r of drivers) {
        const ci = fisherInterval(Number(r["drivers.importance"]), Number(r["drivers.ratings"]))!;
        expect(Number(r["drivers.importance_low"])).toBeCloseTo(ci.low, 9);
        expect(Number(r["drivers.importance_high"])).toBeCloseTo(ci.high, 9);
        expect(Number(r["drivers.importance_significant"])).toBe(ci.significant ? 1 : 0);
      }
    });
  });
});
