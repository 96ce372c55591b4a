/** Dashboard rollups in DuckDB (no Cube Store): a matching query is served from the rollup and
 * gives the same numbers as the raw query over the marts. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSemanticLayer } from "../../src/semantic/index.ts";
import type { CubeQuery, SemanticLayer } from "../../src/semantic/types.ts";
import { buildFixtureWarehouse, generatedResponses } from "./fixture.ts";

const month = { dimension: "", granularity: "month" as const };
const DASHBOARD: { name: string; rollup: string; query: CubeQuery }[] = [
  {
    name: "NPS by touchpoint by month",
    rollup: "nps_responses.nps_by_touchpoint_month",
    query: {
      measures: ["nps.score", "nps.responses", "nps.score_margin_of_error", "nps.promoter_share", "nps.detractor_share", "nps.average_rating", "nps.score_reported"],
      dimensions: ["nps.touchpoint", "nps.journey_order"],
      timeDimensions: [{ ...month, dimension: "nps.answered_at" }],
      filters: [{ member: "nps.survey_type", operator: "equals", values: ["touchpoint"] }],
      order: [["nps.answered_at", "asc"], ["nps.journey_order", "asc"]],
    },
  },
  {
    name: "NPS by segment by month",
    rollup: "nps_responses.nps_by_segment_month",
    query: {
      measures: ["nps.score", "nps.responses", "nps.score_margin_of_error"],
      dimensions: ["nps.segment"],
      timeDimensions: [{ ...month, dimension: "nps.answered_at", dateRange: ["2023-03-01", "2023-12-31"] }],
      order: [["nps.answered_at", "asc"], ["nps.segment", "asc"]],
    },
  },
  {
    name: "KRS by month",
    rollup: "krs_responses.krs_by_month",
    query: {
      measures: ["krs.score", "krs.satisfaction", "krs.trust", "krs.love", "krs.responses", "krs.love_strong_share"],
      timeDimensions: [{ ...month, dimension: "krs.answered_at" }],
      order: [["krs.answered_at", "asc"]],
    },
  },
  {
    name: "Driver importance and performance by segment",
    rollup: "driver_ratings.drivers_by_segment_month",
    query: {
      measures: ["drivers.importance", "drivers.performance", "drivers.ratings"],
      dimensions: ["drivers.driver", "drivers.segment"],
      order: [["drivers.driver", "asc"], ["drivers.segment", "asc"]],
    },
  },
];

describe("pre-aggregations", () => {
  let withRollups: SemanticLayer;
  let raw: SemanticLayer;
  let cleanup: () => void;
  beforeAll(async () => {
    const fx = await buildFixtureWarehouse(generatedResponses(2500, 3), "preagg");
    cleanup = fx.cleanup;
    withRollups = await createSemanticLayer({ warehouse: fx.path });
    raw = await createSemanticLayer({ warehouse: fx.path, preAggregations: false });
  });
  afterAll(async () => {
    await withRollups?.close();
    await raw?.close();
    cleanup?.();
  });

  for (const { name, rollup, query } of DASHBOARD) {
    it(`${name}: served from ${rollup}, same numbers as the raw query`, async () => {
      const fast = await withRollups.load(query);
      const slow = await raw.load(query);
      expect(fast.preAggregation).toBe(rollup);
      expect(fast.sql).toContain(`prod_pre_aggregations.${rollup.replace(".", "_")}`);
      expect(slow.preAggregation).toBeUndefined();
      expect(slow.sql).toContain("marts.");
      expect(fast.data.length).toBeGreaterThan(3);
      expect(fast.data.length).toBe(slow.data.length);
      fast.data.forEach((row, i) => {
        const other = slow.data[i]!;
        expect(Object.keys(row)).toEqual(Object.keys(other));
        for (const [k, v] of Object.entries(row)) {
          if (typeof v === "number") expect(v, `${k} row ${i}`).toBeCloseTo(other[k] as number, 9);
          else expect(v, `${k} row ${i}`).toEqual(other[k]);
        }
      });
    });
  }

  it("a query the rollups cannot answer (a dimension they lack) runs on the marts", async () => {
    const r = await withRollups.load({ measures: ["nps.score"], dimensions: ["nps.channel"], timeDimensions: [{ dimension: "nps.answered_at", granularity: "month" }] });
    expect(r.preAggregation).toBeUndefined();
    expect(r.sql).toContain("marts.fct_nps_responses");
  });

  it("sql() gives SQL over the marts by default, runnable without the rollup tables", async () => {
    const sql = await withRollups.sql(DASHBOARD[0]!.query);
    expect(sql).toContain("marts.fct_nps_responses");
    expect(sql).not.toContain("prod_pre_aggregations");
    expect(sql).not.toContain("?");
    const viaRollup = await withRollups.sql(DASHBOARD[0]!.query, undefined, { usePreAggregations: true });
    expect(viaRollup).toContain("prod_pre_aggregations");
  });
});
