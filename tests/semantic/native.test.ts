/** Planner choice: Cube's JavaScript planner here (no @cubejs-backend/native); where the native
 * module exists, the default Tesseract planner must give the same numbers. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chosenPlanner, createSemanticLayer, cubeNativeStatus, hasCubeNative, jsOnlyNativeInstance } from "../../src/semantic/index.ts";
import { openWarehouse, queryRows } from "../../src/lib/duckdb.ts";
import type { SemanticLayer } from "../../src/semantic/types.ts";
import { buildFixtureWarehouse, SMALL } from "./fixture.ts";

const native = cubeNativeStatus();
if (!native.available) console.warn(`skipping the Tesseract-planner comparison: ${native.reason}`);

describe("planner and native module", () => {
  let fx: Awaited<ReturnType<typeof buildFixtureWarehouse>>;
  let layer: SemanticLayer;
  beforeAll(async () => {
    fx = await buildFixtureWarehouse(SMALL, "native");
    layer = await createSemanticLayer({ warehouse: fx.path, preAggregations: false });
  });
  afterAll(async () => {
    await layer?.close();
    fx?.cleanup();
  });

  it("uses the JavaScript planner exactly when the native module is missing", () => {
    expect(chosenPlanner()).toBe(hasCubeNative() ? "tesseract" : "javascript");
    expect(() => jsOnlyNativeInstance.newJinjaEngine().loadTemplate()).toThrow(/need @cubejs-backend\/native/);
  });

  it("sql() output runs as is on the warehouse file (what Evidence sources store)", async () => {
    const query = { measures: ["nps.score", "nps.responses"], dimensions: ["nps.segment"], order: { "nps.segment": "asc" as const } };
    const sql = await layer.sql(query);
    const wh = await openWarehouse(fx.path, { readOnly: true });
    try {
      const rows = await queryRows(wh.connection, sql);
      // business: r02 P, r04 Pa, r07 Pa, r08 D, r11 P, r12 D -> 0; retail: r01 P, r03 D, r05 D, r06 P, r09 P, r10 D -> 0
      expect(rows).toEqual([
        { nps__segment: "business", nps__score: 0, nps__responses: 6 },
        { nps__segment: "retail", nps__score: 0, nps__responses: 6 },
      ]);
    } finally {
      wh.close();
    }
  });

  it.skipIf(!native.available)("Tesseract planner gives the same numbers as the JavaScript planner", async () => {
    const js = await layer.load({ measures: ["nps.score", "nps.score_margin_of_error"], dimensions: ["nps.business_unit"], order: { "nps.business_unit": "asc" } });
    const saved = process.env["CUBEJS_TESSERACT_SQL_PLANNER"];
    process.env["CUBEJS_TESSERACT_SQL_PLANNER"] = "true";
    const tesseract = await createSemanticLayer({ warehouse: fx.path, preAggregations: false });
    try {
      const t = await tesseract.load({ measures: ["nps.score", "nps.score_margin_of_error"], dimensions: ["nps.business_unit"], order: { "nps.business_unit": "asc" } });
      expect(t.data).toEqual(js.data);
    } finally {
      await tesseract.close();
      if (saved === undefined) delete process.env["CUBEJS_TESSERACT_SQL_PLANNER"];
      else process.env["CUBEJS_TESSERACT_SQL_PLANNER"] = saved;
    }
  });
});
