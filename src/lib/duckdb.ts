import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type Row = Record<string, DuckDBValue>;

export interface Warehouse {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  close(): void;
}

/** Opens (and creates, unless read-only) the DuckDB warehouse file. */
export async function openWarehouse(path: string, options: { readOnly?: boolean } = {}): Promise<Warehouse> {
  if (!options.readOnly) mkdirSync(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(path, options.readOnly ? { access_mode: "READ_ONLY" } : {});
  const connection = await instance.connect();
  return {
    instance,
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs a query and returns plain JS rows (BIGINT -> number when safe, timestamps -> Date). */
export async function queryRows(connection: DuckDBConnection, sql: string, params?: Record<string, unknown> | unknown[]): Promise<Record<string, unknown>[]> {
  const reader = params
    ? await connection.runAndReadAll(sql, params as never)
    : await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) out[k] = typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    return out;
  });
}

/** The current time as a UTC TIMESTAMP, whatever the session's TimeZone (ingest sets it to the
 * mapping's zone; `now()::TIMESTAMP` would give that zone's wall-clock time). */
export const SQL_UTC_NOW = "(now() AT TIME ZONE 'UTC')";

/** Whether the warehouse has this table (in its own catalog, not an attached one). */
export async function tableExists(connection: DuckDBConnection, schema: string, name: string): Promise<boolean> {
  const rows = await connection.runAndReadAll(
    `SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ${sqlString(schema)} AND table_name = ${sqlString(name)}`,
  );
  return rows.getRows().length > 0;
}

/** Whether the warehouse has this table or view (dbt makes some marts views). */
export async function relationExists(connection: DuckDBConnection, schema: string, name: string): Promise<boolean> {
  if (await tableExists(connection, schema, name)) return true;
  const rows = await connection.runAndReadAll(
    `SELECT 1 FROM duckdb_views() WHERE database_name = current_database() AND schema_name = ${sqlString(schema)} AND view_name = ${sqlString(name)}`,
  );
  return rows.getRows().length > 0;
}

export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
export const sqlIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
