/** Runs Cube-generated SQL on the warehouse: an in-memory DuckDB that attaches the warehouse
 * file read-only (so the lead's dbt run can still write it between sessions) plus an in-memory
 * catalog named like Cube's pre-aggregation schema, where rollups are built. */
import { DuckDBInstance, type DuckDBConnection, type DuckDBPreparedStatement } from "@duckdb/node-api";
import { existsSync } from "node:fs";
import { PromotorError } from "../lib/errors.ts";
import { sqlString } from "../lib/duckdb.ts";
import { PRE_AGGREGATIONS_SCHEMA, SESSION_SQL } from "./session.ts";

/** How many statements an executor keeps prepared (least recently used goes first). */
export const PREPARED_STATEMENTS = 200;

export interface Executor {
  /** Runs a query through a prepared statement kept per SQL text: DuckDB then parses, binds and
   * plans Cube's SQL once, not on every call. Binding the mart views (nested views whose unused
   * lookup CASEs are dropped only after binding) cost ~1 ms a call, 8 % of a 13 ms question at
   * 1M responses (docs/benchmarks.md, round 3). DuckDB rebinds a prepared statement when a table
   * it reads changed (a rebuilt rollup), and a statement that failed is prepared afresh next time. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** SQL texts with a prepared statement, least recently used first (for tests). */
  preparedSql(): string[];
  run(sql: string): Promise<void>;
  /** Builds a rollup from Cube's CREATE TABLE … AS statement and returns the table its queries
   * read. Absent: `run` it as it is (DuckDB's in-memory catalog, one per process). */
  rollup?(tableName: string, loadSql: string): Promise<string>;
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
  const statements = new Map<string, Promise<DuckDBPreparedStatement>>();
  const statement = (sql: string): Promise<DuckDBPreparedStatement> => {
    let kept = statements.get(sql);
    if (kept) statements.delete(sql);
    else kept = connection.prepare(sql);
    statements.set(sql, kept);
    if (statements.size > PREPARED_STATEMENTS) {
      // Not destroyed here: another call may still be running it; DuckDB frees it with its handle.
      statements.delete(statements.keys().next().value as string);
    }
    return kept;
  };
  return {
    async query(sql) {
      try {
        const reader = await (await statement(sql)).runAndReadAll();
        return reader.getRowObjectsJS() as Record<string, unknown>[];
      } catch (error) {
        statements.delete(sql);
        throw error;
      }
    },
    preparedSql() {
      return [...statements.keys()];
    },
    async run(sql) {
      await connection.run(sql);
    },
    close() {
      statements.clear();
      connection.closeSync();
      instance.closeSync();
    },
  };
}
