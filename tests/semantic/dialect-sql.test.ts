/** The SQL Cube generates through PromotorDuckDBQuery (issue 13): counts without reading the
 * primary key, count_if for filtered counts, UTC date ranges as TIMESTAMP so DuckDB can skip row
 * groups; and the same answers as Cube's own forms (checked against hand-counted data). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSemanticLayer } from "../../src/semantic/layer.ts";
import type { SemanticLayer } from "../../src/semantic/types.ts";
import { buildFixtureWarehouse, SMALL } from "./fixture.ts";

describe("SQL of the DuckDB dialect", () => {
  let layer: SemanticLayer;
  let cleanup: () => void;
  beforeAll(async () => {
    const fx = await buildFixtureWarehouse(SMALL, "dialect-sql");
    cleanup = fx.cleanup;
    layer = await createSemanticLayer({ warehouse: fx.path, preAggregations: false });
  });
  afterAll(async () => {
    await layer?.close();
    cleanup?.();
  });

  it("counts rows with count(*) and filtered counts with count_if, never the id strings", async () => {
    const sql = await layer.sql({ measures: ["nps.responses", "nps.promoters", "nps.detractors", "nps.score"], dimensions: ["nps.channel"] });
    expect(sql).toContain("count(*)");
    expect(sql).toMatch(/COALESCE\(count_if\(\("nps_responses"\.is_promoter = 1\)\), 0\)/);
    expect(sql).not.toMatch(/count\([^)]*response_id/);
    expect(sql).not.toMatch(/THEN "nps_responses"\.response_id END/);
  });

  it("date ranges in UTC are TIMESTAMP bounds (no per-row TIMESTAMPTZ cast); other zones keep Cube's conversion", async () => {
    const q = { measures: ["nps.responses"], timeDimensions: [{ dimension: "nps.answered_at", dateRange: ["2024-01-01", "2024-03-31"] as [string, string] }] };
    const utc = await layer.sql(q);
    expect(utc).toMatch(/answered_at >= '2024-01-01T00:00:00\.000Z?'::timestamp\b/);
    expect(utc).not.toContain("timestamptz");
    const amsterdam = await layer.sql({ ...q, timezone: "Europe/Amsterdam" });
    expect(amsterdam).toContain("timestamptz");
  });

  it("the rewritten counts give the hand-counted numbers, and 0 (not null) over no rows", async () => {
    const all = (await layer.load({ measures: ["nps.responses", "nps.promoters", "nps.passives", "nps.detractors"] })).data[0]!;
    expect(Number(all["nps.responses"])).toBe(SMALL.length);
    const promoters = SMALL.filter((r) => r.rec >= 9).length;
    const detractors = SMALL.filter((r) => r.rec <= 6).length;
    expect(all).toMatchObject({ "nps.promoters": promoters, "nps.detractors": detractors, "nps.passives": SMALL.length - promoters - detractors });
    const none = (await layer.load({ measures: ["nps.responses", "nps.promoters"], filters: [{ member: "nps.channel", operator: "equals", values: ["nobody"] }] })).data;
    expect(none).toEqual([{ "nps.responses": 0, "nps.promoters": 0 }]);
  });
});
