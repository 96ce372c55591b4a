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
  timeStampCast(value: string): string;
  renderSqlMeasure(name: string, evaluateSql: string, symbol: MeasureSymbol, cubeName: string, ...rest: unknown[]): string;
  multipliedJoinRowResult(cubeName: string): unknown;
  primaryKeySql(primaryKeyName: string, cubeName: string): string;
  cubeEvaluator: { primaryKeys: Record<string, string[]> };
}
interface MeasureSymbol {
  type: string;
  sql?: unknown;
}
type DuckDBQueryClass = new (...args: never[]) => DuckDBQueryInstance;

const { DuckDBQuery } = require("@cubejs-backend/duckdb-driver/dist/src/DuckDBQuery.js") as { DuckDBQuery: DuckDBQueryClass };

export class PromotorDuckDBQuery extends DuckDBQuery {
  override convertTz(field: string): string {
    return this.timezone === "UTC" ? field : super.convertTz(field);
  }

  /** Date-range bounds as TIMESTAMP in UTC: answered_at is a UTC TIMESTAMP, and comparing it with
   * Cube's `'…Z'::timestamptz` cast every row to TIMESTAMPTZ, so DuckDB could not skip row groups
   * by their min/max (a one-quarter question read all 1M rows: 7 × the hand SQL). */
  override timeStampCast(value: string): string {
    return this.timezone === "UTC" ? `${value}::timestamp` : super.timeStampCast(value);
  }

  /** A `count` measure without `sql` counts the primary key: `count(response_id)`, and with
   * filters `count(CASE WHEN … THEN response_id END)`, reading the id strings of every row. The
   * primary key is never NULL (dbt tests it), so where no join multiplies the rows (Cube then
   * needs `count(distinct pk)`) this is `count(*)` and `COALESCE(count_if(…), 0)`: the same
   * numbers without reading the ids (docs/benchmarks.md, issue 13). */
  override renderSqlMeasure(name: string, evaluateSql: string, symbol: MeasureSymbol, cubeName: string, ...rest: unknown[]): string {
    if (symbol.type === "count" && !symbol.sql && typeof evaluateSql === "string" && !this.multipliedJoinRowResult(cubeName)) {
      const keys = this.cubeEvaluator.primaryKeys[cubeName] ?? [];
      if (keys.length === 1) {
        const key = this.primaryKeySql(keys[0]!, cubeName);
        if (evaluateSql === key) evaluateSql = "*";
        else if (evaluateSql.startsWith("CASE WHEN ") && evaluateSql.endsWith(` THEN ${key} END`)) {
          const condition = evaluateSql.slice("CASE WHEN ".length, -` THEN ${key} END`.length);
          const rendered = super.renderSqlMeasure(name, `CASE WHEN ${condition} THEN 1 END`, symbol, cubeName, ...rest);
          // The plain aggregate (not an ungrouped or windowed form): DuckDB's count_if is the
          // same count without a CASE per row (1.8 × → 1.05 × the hand SQL, docs/benchmarks.md);
          // over no rows count_if is NULL where a count is 0, hence the COALESCE.
          return rendered === `count(CASE WHEN ${condition} THEN 1 END)` ? `COALESCE(count_if(${condition}), 0)` : rendered;
        }
      }
    }
    return super.renderSqlMeasure(name, evaluateSql, symbol, cubeName, ...rest);
  }
}

export { SESSION_SQL } from "./session.ts";
