/** The Cube server configuration (cube.js re-exports it): the same repository, security and
 * dialect as the in-process layer, so REST, SQL API and `promotor query` answer alike.
 *
 * Cube 1.7 removed `dbType`: the driver factory returns a DriverConfig `{ type: "duckdb", … }`,
 * from which Cube both types the data source and builds its own DuckDB driver. */
import { DuckDBInstance } from "@duckdb/node-api";
import { existsSync } from "node:fs";
import { PromotorError } from "../lib/errors.ts";
import { sqlString } from "../lib/duckdb.ts";
import { resolveWarehouse } from "../lib/paths.ts";
import { PRE_AGGREGATIONS_SCHEMA } from "./compiler.ts";
import { configurePlanner } from "./native.ts";
import { DEFAULT_MODEL_DIR, PromotorSchemaRepository } from "./repository.ts";
import { canSwitchSqlUser, checkAuth, checkSqlAuth, contextToGroups } from "./security.ts";
import { PromotorDuckDBQuery } from "./dialect.ts";
import { trinoPreAggregationsSchema, trinoQueryClass } from "./trino.ts";
import type { TrinoSettings } from "../engine/settings.ts";

export interface CubeConfigOptions {
  /** Warehouse file (default: PROMOTOR_WAREHOUSE or warehouse/promotor.duckdb). */
  warehouse?: string;
  model?: string;
  /** Serve Trino's marts instead (issue 25): Cube's Trino driver and its Presto dialect. */
  trino?: TrinoSettings;
}

/** What Cube's Trino driver is given (a DriverConfig: Cube creates @cubejs-backend/trino-driver). */
export interface TrinoDriverConfig {
  type: "trino";
  host: string;
  port: string;
  catalog: string;
  schema: string;
  user: string;
  basic_auth?: { user: string; password: string };
  ssl?: { rejectUnauthorized: boolean };
  /** presto-client polls a running query this often: its 800 ms default (Cube's) makes every
   * question cost most of a second (issue 25). */
  checkInterval: number;
  queryTimeout: number;
}

export function trinoDriverConfig(t: TrinoSettings): TrinoDriverConfig {
  return {
    type: "trino",
    host: t.host,
    port: String(t.port),
    catalog: t.catalog,
    // The session schema; the model's tables are named with their layer's schema in full.
    schema: `${t.schema}_marts`,
    user: t.user,
    ...(t.password !== undefined ? { basic_auth: { user: t.user, password: t.password } } : {}),
    ...(t.tls ? { ssl: { rejectUnauthorized: true } } : {}),
    checkInterval: 50,
    queryTimeout: t.queryTimeoutSeconds,
  };
}

/** What Cube's DuckDB driver is given (a DriverConfig: Cube creates the driver itself). */
export interface DuckDBDriverConfig {
  type: "duckdb";
  databasePath: string;
  initSql: string;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The warehouse's tables and views by schema, read from the file (read-only). */
async function warehouseRelations(warehouse: string): Promise<{ schema: string; name: string }[]> {
  if (!existsSync(warehouse)) {
    throw new PromotorError(`warehouse not found: ${warehouse}`, { hint: "build it first: promotor ingest seeds/sample && promotor build" });
  }
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`ATTACH ${sqlString(warehouse)} AS warehouse (READ_ONLY)`);
    const reader = await connection.runAndReadAll(
      "SELECT table_schema AS s, table_name AS n FROM information_schema.tables WHERE table_catalog = 'warehouse' AND table_schema <> 'information_schema' ORDER BY 1, 2",
    );
    return (reader.getRowObjectsJS() as { s: string; n: string }[]).map((r) => ({ schema: r.s, name: r.n }));
  } catch (error) {
    throw new PromotorError(`cannot read the warehouse ${warehouse}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      hint: "is another process writing it right now? Wait for promotor build to finish",
    });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** DuckDB setup for Cube's driver. The driver's own database is in memory and stays the default
 * catalog, so Cube's `CREATE SCHEMA prod_pre_aggregations` and its rollup tables land in a
 * writable place; the warehouse (snapshot) is attached read-only and every table of it is
 * visible under its usual name (marts.fct_…) through a view in the in-memory catalog. Views and
 * the global time zone hold for every connection the driver opens (it streams on new ones). */
export function duckdbInitSql(warehouse: string, relations: { schema: string; name: string }[]): string {
  const schemas = [...new Set(relations.map((r) => r.schema))];
  return [
    `ATTACH IF NOT EXISTS ${sqlString(warehouse)} AS warehouse (READ_ONLY)`,
    ...schemas.filter((s) => s !== "main").map((s) => `CREATE SCHEMA IF NOT EXISTS memory.${quoteIdent(s)}`),
    ...relations.map(
      (r) => `CREATE OR REPLACE VIEW memory.${quoteIdent(r.schema)}.${quoteIdent(r.name)} AS SELECT * FROM warehouse.${quoteIdent(r.schema)}.${quoteIdent(r.name)}`,
    ),
    `CREATE SCHEMA IF NOT EXISTS memory.${PRE_AGGREGATIONS_SCHEMA}`,
    "SET GLOBAL TimeZone = 'UTC'",
  ].join(";\n");
}

const driverConfigs = new Map<string, Promise<DuckDBDriverConfig>>();

/** The DriverConfig for a warehouse file (the table list is read once per file). */
export function duckdbDriverConfig(warehouse: string): Promise<DuckDBDriverConfig> {
  let config = driverConfigs.get(warehouse);
  if (!config) {
    config = warehouseRelations(warehouse).then((relations) => ({ type: "duckdb" as const, databasePath: ":memory:", initSql: duckdbInitSql(warehouse, relations) }));
    driverConfigs.set(warehouse, config);
    config.catch(() => driverConfigs.delete(warehouse));
  }
  return config;
}

export function cubeConfig(options: CubeConfigOptions = {}) {
  configurePlanner();
  const model = options.model ?? DEFAULT_MODEL_DIR;
  const trino = options.trino;
  const engine = trino
    ? {
        repositoryFactory: () => new PromotorSchemaRepository(model, undefined, "trino"),
        dialectFactory: () => trinoQueryClass(trino),
        driverFactory: () => trinoDriverConfig(trino),
        // Without Cube Store, Cube's orchestrator keeps rollups in the source database: on Trino,
        // Iceberg tables in a schema of Promotor's own (docs/trino.md).
        preAggregationsSchema: trinoPreAggregationsSchema(trino),
      }
    : (() => {
        const warehouse = resolveWarehouse(options.warehouse);
        return {
          repositoryFactory: () => new PromotorSchemaRepository(model),
          dialectFactory: () => PromotorDuckDBQuery,
          // A DriverConfig, not a driver instance: Cube takes the data source type from it.
          driverFactory: () => duckdbDriverConfig(warehouse),
          preAggregationsSchema: PRE_AGGREGATIONS_SCHEMA,
        };
      })();
  return {
    schemaPath: model,
    ...engine,
    // Rollups are built when a query first needs them (and again after a reload); no timer.
    scheduledRefreshTimer: false,
    // JWT (HS256, CUBEJS_API_SECRET from the environment); missing or bad token -> 403.
    checkAuth,
    // Role claim -> Cube group; the model's access_policy blocks turn groups into row filters.
    contextToGroups,
    // Analysts on the SQL API: users from the environment, with the same row-level rules.
    checkSqlAuth,
    // Nobody switches to another SQL user's security context (no __user impersonation).
    canSwitchSqlUser,
  };
}
