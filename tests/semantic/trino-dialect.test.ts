/** The semantic layer's Trino dialect without a Trino server (tests/trino runs it on a real one):
 * the model's layer schemas become the target's, the percentile Trino computes equals DuckDB's
 * quantile_cont, Trino's values are typed like DuckDB's, a rollup's table is swapped whole. */
import { createRequire } from "node:module";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { percentileSql } from "../../src/measures/cases.ts";
import { createCompilerApi } from "../../src/semantic/compiler.ts";
import { readingRollup } from "../../src/semantic/layer.ts";
import { DEFAULT_MODEL_DIR, PromotorSchemaRepository } from "../../src/semantic/repository.ts";
import { mapLayerSchemas, trinoPreAggregationsSchema, trinoQueryClass, trinoValue } from "../../src/semantic/trino.ts";

const require = createRequire(import.meta.url);
const target = { catalog: "lake", schema: "cx" };

describe("the Trino dialect of the semantic layer", () => {
  it("names the model's tables by the target's layer schemas, and nothing else", () => {
    expect(mapLayerSchemas("SELECT * FROM marts.fct_nps_responses AS n JOIN intermediate.int_ledger_end e ON true", target)).toBe(
      'SELECT * FROM "lake"."cx_marts".fct_nps_responses AS n JOIN "lake"."cx_intermediate".int_ledger_end e ON true',
    );
    // A column of a table alias, a longer name, a quoted or already mapped one stay as they are.
    for (const untouched of ['"marts".x', "my_marts.fct_x", "t.marts.x", '"lake"."cx_marts".fct_x', "'marts.fct_x'.length"]) {
      expect(mapLayerSchemas(untouched, target)).toBe(untouched.startsWith("'") ? untouched.replace("marts.", '"lake"."cx_marts".') : untouched);
    }
  });

  it("compiles the whole model with Cube's Presto dialect: Trino's schemas, UTC bounds as TIMESTAMP, the rollup schema of the target", async () => {
    const api = createCompilerApi(new PromotorSchemaRepository(DEFAULT_MODEL_DIR, 30, "trino"), {
      dbType: "trino",
      dialectClass: trinoQueryClass(target),
      preAggregationsSchema: trinoPreAggregationsSchema(target),
    });
    try {
      const gateway = require("@cubejs-backend/api-gateway/dist/src/query.js") as {
        normalizeQuery(q: unknown, persistent: boolean): Record<string, unknown>;
        remapToQueryAdapterFormat(q: Record<string, unknown>): Record<string, unknown>;
      };
      const sqlOf = async (q: Record<string, unknown>): Promise<string> => {
        const query = gateway.remapToQueryAdapterFormat(gateway.normalizeQuery({ ...q, timezone: "UTC" }, false));
        query["preAggregationId"] = "__none__";
        return (await api.getSql(query, { requestId: "trino-dialect-test" })).sql[0];
      };
      const nps = await sqlOf({ measures: ["nps.score"], dimensions: ["nps.touchpoint"], timeDimensions: [{ dimension: "nps.answered_at", dateRange: ["2026-01-01", "2026-03-31"] }] });
      const cases = await sqlOf({ measures: ["cases.first_action_hours_median"], dimensions: ["cases.priority"] });
      const sql = [`${nps}\n${cases}`];
      expect(sql[0]).toContain('"lake"."cx_marts".fct_nps_responses');
      expect(sql[0]).toContain('"lake"."cx_marts".fct_cases');
      expect(sql[0]).not.toMatch(/(?<![\w."])marts\./);
      // Bounds as plain UTC timestamps, whatever the session's zone: no from_iso8601_timestamp.
      expect(sql[0]).toContain(`"nps_responses".answered_at >= CAST(replace(replace(?, 'T', ' '), 'Z', '') AS TIMESTAMP(3))`);
      expect(sql[0]).not.toContain("from_iso8601_timestamp");
      expect(sql[0]).not.toContain("quantile_cont");
      expect(sql[0]).toContain("array_sort(array_agg(");
    } finally {
      api.dispose();
    }
  });

  it("computes a percentile on Trino's terms that equals DuckDB's quantile_cont (nulls skipped, none: null)", async () => {
    const db = await (await DuckDBInstance.create(":memory:")).connect();
    // DuckDB reads the Trino form too (array_sort, array_agg … FILTER, 1-based subscripts).
    await db.run("CREATE TABLE t AS SELECT (i % 7) AS g, CASE WHEN i % 11 = 0 OR i % 7 = 6 THEN NULL ELSE (i * 7919 % 1000) / 10.0 END AS x FROM range(1000) r(i)");
    for (const p of [0, 0.1, 0.5, 0.9, 1]) {
      const rows = (await db.runAndReadAll(`SELECT g, ${percentileSql("x", p)} AS duckdb, ${percentileSql("x", p, "trino")} AS trino FROM t GROUP BY g ORDER BY g`)).getRowObjectsJS();
      expect(rows).toHaveLength(7);
      for (const r of rows) {
        if (r["duckdb"] === null) expect(r["trino"], `p ${p}, group ${String(r["g"])}`).toBeNull();
        else expect(Number(r["trino"]), `p ${p}, group ${String(r["g"])}`).toBeCloseTo(Number(r["duckdb"]), 9);
      }
      // Group 6 has no values: both are null.
      expect(rows[6]!["duckdb"]).toBeNull();
    }
    db.closeSync();
  });

  it("types Trino's values as DuckDB's executor does, and swaps a rollup's table name whole", () => {
    expect(trinoValue("2026-01-31 10:00:00.000000", "timestamp(6)")).toBe("2026-01-31T10:00:00.000");
    expect(trinoValue("2026-01-31", "date")).toBe("2026-01-31T00:00:00.000");
    expect(trinoValue("12.50", "decimal(10,2)")).toBe(12.5);
    expect(trinoValue(7, "bigint")).toBe(7);
    expect(trinoValue(null, "double")).toBeNull();
    expect(trinoValue("x", "varchar")).toBe("x");
    const sql = "SELECT a FROM cx_pre_aggregations.nps_by_month AS r JOIN cx_pre_aggregations.nps_by_month_x AS s";
    expect(readingRollup(sql, "cx_pre_aggregations.nps_by_month", '"lake"."cx_pre_aggregations"."layer__nps_by_month_1"')).toBe(
      'SELECT a FROM "lake"."cx_pre_aggregations"."layer__nps_by_month_1" AS r JOIN cx_pre_aggregations.nps_by_month_x AS s',
    );
    expect(readingRollup(sql, "cx_pre_aggregations.nps_by_month", "cx_pre_aggregations.nps_by_month")).toBe(sql);
  });
});
