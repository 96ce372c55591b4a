/** The in-process layer's rollups on Trino live in a schema of their own. Cube's orchestrator,
 * after each rollup it builds, cleans its pre-aggregation schema (PreAggregationLoader's
 * dropOrphanedTables, run here with Cube's own class on a listing client): it reads every table
 * name there as one of its own (`<table>_<content>_<structure>_<time>`) and drops what it does
 * not keep as the newest or a recent version. The layer's names (`layer__<rollup>_<sql hash>_
 * <build>`) parse as such, with the build's hash as a base-32 time: whether Cube dropped them
 * depended on the hashes, and tests/trino once found a build with no rollups of earlier builds
 * left to drop. */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { LAYER_ROLLUP_PREFIX, trinoLayerRollupsSchema, trinoPreAggregationsSchema } from "../../src/semantic/trino.ts";

const require = createRequire(import.meta.url);
const { PreAggregationLoader } = require("@cubejs-backend/query-orchestrator/dist/src/orchestrator/PreAggregationLoader.js") as {
  PreAggregationLoader: new (...args: unknown[]) => {
    withDropLock: (key: string, f: () => Promise<unknown>) => Promise<unknown>;
    dropOrphanedTables(client: unknown, justCreatedTable: string, saveCancelFn: (p: Promise<unknown>) => Promise<unknown>, external: boolean, queryOptions: object): Promise<void>;
  };
};

const target = { catalog: "iceberg", schema: "promotor" };
// One cube rollup built by the layer from two SQL texts (e.g. an executive's and a business unit's)
// in a build whose hash reads as a time in 2006 to Cube.
const layerTables = ["0a1b2c3d", "9f8e7d6c"].map((sql) => `${LAYER_ROLLUP_PREFIX}nps_responses_nps_by_touchpoint_month_${sql}_0123abcd`);

/** The tables Cube's orchestrator drops after building one rollup, with the layer's tables in `layerSchema`. */
async function droppedByCube(layerSchema: string): Promise<string[]> {
  const cubeSchema = trinoPreAggregationsSchema(target);
  const justCreated = `${cubeSchema}.nps_responses_nps_by_touchpoint_month_abcdefgh_ijklmnop_1700000000000`;
  const tables: Record<string, string[]> = { [cubeSchema]: [justCreated.split(".")[1]!] };
  (tables[layerSchema] ??= []).push(...layerTables);
  const dropped: string[] = [];
  const client = {
    getTablesQuery: async (schema: string) => (tables[schema] ?? []).map((table_name) => ({ table_name })),
    dropTable: async (table: string) => void dropped.push(table),
  };
  const preAggregations = {
    addTableUsed: async () => undefined,
    tablesUsed: async () => [],
    tablesTouched: async () => [],
    getRefreshEndReached: async () => false,
    dropPreAggregationsWithoutTouch: false,
    structureVersionPersistTime: 3600,
  };
  const loader = new PreAggregationLoader(undefined, () => undefined, undefined, preAggregations, { preAggregationsSchema: cubeSchema, dataSource: "default" }, {}, undefined, {});
  // Cube's lock goes through its cache driver; one caller here.
  loader.withDropLock = async (_key, f) => f();
  await loader.dropOrphanedTables(client, justCreated, (p) => p, false, {});
  return dropped;
}

describe("the layer's rollups on Trino beside Cube's", () => {
  it("are kept in a schema Cube's orchestrator does not clean", async () => {
    expect(trinoLayerRollupsSchema(target)).not.toBe(trinoPreAggregationsSchema(target));
    expect(await droppedByCube(trinoLayerRollupsSchema(target))).toEqual([]);
  });

  it("would be dropped by Cube in Cube's schema (why they are not there)", async () => {
    expect((await droppedByCube(trinoPreAggregationsSchema(target))).sort()).toEqual(layerTables.map((t) => `promotor_pre_aggregations.${t}`).sort());
  });
});
