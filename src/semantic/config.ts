/** The Cube server configuration (cube.js re-exports it): the same repository, security and
 * dialect as the in-process layer, so REST, SQL API and `promotor query` answer alike. */
import { createRequire } from "node:module";
import { sqlString } from "../lib/duckdb.ts";
import { resolveWarehouse } from "../lib/paths.ts";
import { PRE_AGGREGATIONS_SCHEMA } from "./compiler.ts";
import { configurePlanner } from "./native.ts";
import { DEFAULT_MODEL_DIR, PromotorSchemaRepository } from "./repository.ts";
import { checkAuth, checkSqlAuth, contextToGroups } from "./security.ts";
import { PromotorDuckDBQuery, SESSION_SQL } from "./dialect.ts";

const require = createRequire(import.meta.url);

export interface CubeConfigOptions {
  /** Warehouse file (default: PROMOTOR_WAREHOUSE or warehouse/promotor.duckdb). */
  warehouse?: string;
  model?: string;
}

/** DuckDB session setup for Cube's driver: the warehouse attached read-only as the default
 * catalog, and an in-memory catalog for rollups (Cube names them prod_pre_aggregations.*). */
export function duckdbInitSql(warehouse: string): string {
  return [
    `ATTACH IF NOT EXISTS ${sqlString(warehouse)} AS warehouse (READ_ONLY)`,
    `USE warehouse`,
    `ATTACH IF NOT EXISTS ':memory:' AS ${PRE_AGGREGATIONS_SCHEMA}`,
    SESSION_SQL,
  ].join(";\n");
}

export function cubeConfig(options: CubeConfigOptions = {}) {
  configurePlanner();
  const warehouse = resolveWarehouse(options.warehouse);
  const model = options.model ?? DEFAULT_MODEL_DIR;
  return {
    dbType: "duckdb",
    schemaPath: model,
    repositoryFactory: () => new PromotorSchemaRepository(model),
    dialectFactory: () => PromotorDuckDBQuery,
    driverFactory: () => {
      const { DuckDBDriver } = require("@cubejs-backend/duckdb-driver") as {
        DuckDBDriver: new (config: { databasePath?: string; initSql?: string }) => unknown;
      };
      return new DuckDBDriver({ databasePath: ":memory:", initSql: duckdbInitSql(warehouse) });
    },
    preAggregationsSchema: PRE_AGGREGATIONS_SCHEMA,
    // JWT (HS256, CUBEJS_API_SECRET from the environment); missing or bad token -> 403.
    checkAuth,
    // Role claim -> Cube group; the model's access_policy blocks turn groups into row filters.
    contextToGroups,
    // Analysts on the SQL API: users from the environment, with the same row-level rules.
    checkSqlAuth,
  };
}
