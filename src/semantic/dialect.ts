/** Cube's DuckDB dialect, with one change: answered_at is stored as a UTC TIMESTAMP (warehouse
 * contract), so a query in UTC needs no time-zone conversion. Cube's
 * `timezone('UTC', answered_at::timestamptz)` is the identity then, yet cost two thirds of a
 * 10-million-row query without a rollup and depended on the session's time zone
 * (docs/benchmarks.md). Other zones keep Cube's conversion, on a session set to UTC. */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

interface DuckDBQueryInstance {
  timezone: string;
  convertTz(field: string): string;
}
type DuckDBQueryClass = new (...args: never[]) => DuckDBQueryInstance;

const { DuckDBQuery } = require("@cubejs-backend/duckdb-driver/dist/src/DuckDBQuery.js") as { DuckDBQuery: DuckDBQueryClass };

export class PromotorDuckDBQuery extends DuckDBQuery {
  override convertTz(field: string): string {
    return this.timezone === "UTC" ? field : super.convertTz(field);
  }
}

export { SESSION_SQL } from "./session.ts";
