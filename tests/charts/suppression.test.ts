/** One suppression rule in the SVG charts and the embed (#14): charts are drawn from the standard
 * chart queries (the `_reported` members) for many selections, at minimum samples 10, 30 and 50;
 * no mark of a group below the minimum carries a value, every plotted value equals the plain
 * member of a group that meets it, and a page that asks for a lower minimum (the embed's
 * min-sample attribute, `promotor charts --min-sample`) still gets no suppressed figure. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHART_KINDS, chartQueries, QUERY_OF, renderFromRows, type Row, type Selection } from "../../src/charts/index.ts";
import { createSemanticLayer } from "../../src/semantic/index.ts";
import type { CubeQuery } from "../../src/semantic/types.ts";
import { buildFixtureWarehouse, generatedResponses } from "../semantic/fixture.ts";

let fx: Awaited<ReturnType<typeof buildFixtureWarehouse>>;
beforeAll(async () => {
  fx = await buildFixtureWarehouse(generatedResponses(900, 23), "chart-suppression");
});
afterAll(() => fx?.cleanup());

const SELECTIONS: Selection[] = [
  {},
  ...["anna", "bob", "carl", "dirk"].map((am) => ({ filters: [{ member: "account_manager", operator: "equals" as const, values: [am] }] })),
  ...["north", "south"].map((bu) => ({ filters: [{ member: "business_unit", operator: "equals" as const, values: [bu] }] })),
  { dateRange: ["2024-05-01", "2024-06-30"] as [string, string] },
  { dateRange: ["2024-06-01", "2024-06-10"] as [string, string], filters: [{ member: "account_manager", operator: "equals" as const, values: ["bob"] }] },
];

/** The same query with the plain members instead of the `_reported` ones. */
const plain = (q: CubeQuery): CubeQuery => ({ ...q, measures: (q.measures ?? []).map((m) => m.replace(/_reported$/, "")) });

const VALUE_ATTRS = /data-(value|importance|performance|moe)="([^"]*)"/g;

describe.each([10, 30, 50])("charts at minimum sample %i", (minimum) => {
  it("no mark below the minimum carries a value; marks at or above it equal the plain member; asking for min-sample 1 changes nothing", async () => {
    const before = process.env["PROMOTOR_MINIMUM_SAMPLE"];
    process.env["PROMOTOR_MINIMUM_SAMPLE"] = String(minimum);
    const layer = await createSemanticLayer({ warehouse: fx.path, preAggregations: false });
    let hidden = 0;
    let shown = 0;
    try {
      for (const sel of SELECTIONS) {
        const dateRows = (await layer.load(chartQueries.dataDate(sel))).data as Row[];
        for (const kind of CHART_KINDS) {
          const q = chartQueries[QUERY_OF[kind]](sel);
          const rows = (await layer.load(q)).data as Row[];
          const plainRows = (await layer.load(plain(q))).data as Row[];
          for (const asked of [minimum, 1]) {
            const svg = renderFromRows(kind, rows, dateRows, { minSample: asked, idPrefix: "t" });
            // every element with a sample size: below the minimum, no value attribute has a number
            for (const el of svg.match(/<[^>]*data-n="\d+"[^>]*>/g) ?? []) {
              const n = Number(/data-n="(\d+)"/.exec(el)![1]);
              const values = [...el.matchAll(VALUE_ATTRS)].map((m) => m[2]).filter((v) => v !== "");
              if (n < minimum) {
                expect(values, `${kind} ${JSON.stringify(sel)}: ${el}`).toEqual([]);
                hidden++;
              } else if (values.length) shown++;
            }
            if (kind === "tile" || kind === "krs") {
              const n = Number(plainRows[0]?.[kind === "tile" ? "nps.responses" : "krs.responses"] ?? 0);
              if (n < minimum) expect(svg).toContain("too few responses");
            }
          }
          // values drawn at the layer's minimum equal the plain members of the same groups
          if (kind === "trend") {
            const svg = renderFromRows(kind, rows, dateRows, { minSample: minimum, idPrefix: "t" });
            const points = [...svg.matchAll(/class="point"[^>]*data-period="([^"]+)" data-value="([^"]+)"[^>]*data-n="(\d+)"/g)];
            const expected = plainRows.filter((r) => Number(r["nps.responses"]) >= minimum);
            expect(points.length).toBe(expected.length);
            for (const p of points) {
              const r = expected.find((x) => String(x["nps.answered_at.month"]).startsWith(p[1]!))!;
              expect(Number(p[2])).toBeCloseTo(Number(r["nps.score"]), 1);
            }
          }
        }
      }
    } finally {
      await layer.close();
      if (before === undefined) delete process.env["PROMOTOR_MINIMUM_SAMPLE"];
      else process.env["PROMOTOR_MINIMUM_SAMPLE"] = before;
    }
    expect(hidden).toBeGreaterThan(0);
    expect(shown).toBeGreaterThan(0);
  }, 120_000);
});
