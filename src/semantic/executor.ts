/** Runs Cube-generated SQL on the warehouse: an in-memory DuckDB that attaches the warehouse
 * file read-only (so the lead's dbt run can still write it between sessions) plus an in-memory
 * catalog named like Cube's pre-aggregation schema, where rollups are built. */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { existsSync } from "node:fs";
import { PromotorError } from "../lib/errors.ts";
import { sqlString } from "../lib/duckdb.ts";
import { PRE_AGGREGATIONS_SCHEMA, SESSION_SQL } from "./session.ts";

export interface Executor {
  query(sql: string): Promise<Record<string, unknown>[]>;
  run(sql: string): Promise<void>;
  close(): void;
}

export async function openExecutor(warehouse: string): Promise<Executor> {
  if (!existsSync(warehouse)) {
    throw new PromotorError(`warehouse not found: ${warehouse}`, {
      file: warehouse,
      hint: "run `promotor ingest seeds/sample && promotor build` first, or pass --warehouse PATH",
    });
  }
  const instance = await DuckDBInstance.create(":memory:");
  const connection: DuckDBConnection = await instance.connect();
  try {
    await connection.run(`ATTACH ${sqlString(warehouse)} AS warehouse (READ_ONLY)`);
    await connection.run(`USE warehouse`);
    await connection.run(`ATTACH ':memory:' AS ${PRE_AGGREGATIONS_SCHEMA}`);
    await connection.run(SESSION_SQL);
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw new PromotorError(`cannot open the warehouse ${warehouse}: ${error instanceof Error ? error.message : String(error)}`, {
      file: warehouse,
      cause: error,
      hint: "is another process writing it right now? Wait for `promotor build` to finish",
    });
  }
  return {
    async query(sql) {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    },
    async run(sql) {
      await connection.run(sql);
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
