/** Equal answers on both engines (issue 25, point 4): a relation built by DuckDB and the same
 * relation built by Trino, compared row by row on a key. Values are compared by type: texts,
 * integers, booleans and dates exactly, timestamps to the microsecond, decimals and doubles to
 * 1e-9 relative (the two engines add floating-point numbers in different orders). Every
 * difference names the relation, the key and the two values. */
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows } from "../lib/duckdb.ts";
import type { TrinoSettings } from "./settings.ts";
import { trinoQuery } from "../trino/client.ts";

export interface Difference {
  relation: string;
  key: string;
  column: string;
  duckdb: string;
  trino: string;
}

export interface RelationParity {
  relation: string;
  rows: number;
  differences: Difference[];
}

type Kind = "text" | "integer" | "wide" | "number" | "boolean" | "date" | "timestamp";

function kindOf(type: string): Kind {
  const t = type.toLowerCase();
  if (/^(varchar|char|text|json)/.test(t)) return "text";
  // Order keys: HUGEINT on DuckDB, decimal(38, 0) on Trino (macros/dialect.sql, answer_key).
  if (/^(hugeint|uhugeint|ubigint)$/.test(t)) return "wide";
  if (/^(tinyint|smallint|integer|int|bigint|uinteger|usmallint|utinyint)$/.test(t)) return "integer";
  if (/^(double|real|float|decimal)/.test(t)) return "number";
  if (t === "boolean") return "boolean";
  if (t === "date") return "date";
  if (t.startsWith("timestamp")) return "timestamp";
  return "text";
}

/** The column as both engines print it the same way: timestamps to the microsecond as text,
 * numbers as doubles, integers as BIGINT. */
function expression(engine: "duckdb" | "trino", column: string, kind: Kind): string {
  const c = `"${column}"`;
  switch (kind) {
    case "timestamp":
      return engine === "duckdb" ? `strftime(${c}, '%Y-%m-%d %H:%M:%S.%f')` : `cast(cast(${c} as timestamp(6)) as varchar)`;
    case "date":
      return `cast(${c} as varchar)`;
    case "number":
      return `cast(${c} as double)`;
    case "integer":
      return `cast(${c} as bigint)`;
    case "wide":
      return `cast(${c} as varchar)`;
    default:
      return c;
  }
}

const text = (v: unknown): string => (v === null || v === undefined ? "NULL" : typeof v === "string" ? JSON.stringify(v) : String(v));

function equal(kind: Kind, a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (kind === "number") {
    const x = Number(a);
    const y = Number(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
    return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
  }
  if (kind === "integer") return BigInt(a as number | bigint | string) === BigInt(b as number | bigint | string);
  return String(a) === String(b);
}

/** Compares one relation: `duckdbName` (schema.table in the DuckDB file) against `trinoName`
 * (catalog.schema.table), rows matched on `key`. Columns: DuckDB's. */
export async function compareRelation(
  duck: DuckDBConnection,
  t: TrinoSettings,
  duckdbName: string,
  trinoName: string,
  key: readonly string[],
  options: { maxDifferences?: number; ignore?: readonly string[] } = {},
): Promise<RelationParity> {
  const maxDifferences = options.maxDifferences ?? 20;
  const [schema, table] = duckdbName.split(".");
  const columns = (await queryRows(duck, "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position", [schema!, table!])).map((r) => ({
    name: String(r["column_name"]),
    kind: kindOf(String(r["data_type"])),
  })).filter((c) => !(options.ignore ?? []).includes(c.name));
  if (columns.length === 0) throw new Error(`${duckdbName} does not exist in the DuckDB warehouse`);
  const differences: Difference[] = [];
  const keyOf = (row: Record<string, unknown>): string => key.map((k) => text(row[k])).join(" | ");
  const duckRows = await queryRows(duck, `SELECT ${columns.map((c) => `${expression("duckdb", c.name, c.kind)} AS "${c.name}"`).join(", ")} FROM ${duckdbName}`);
  const trinoRows = await trinoQuery(t, `SELECT ${columns.map((c) => `${expression("trino", c.name, c.kind)} AS "${c.name}"`).join(", ")} FROM ${trinoName}`, { withoutSchema: true });
  const byKey = (rows: Record<string, unknown>[], engine: string): Map<string, Record<string, unknown>> => {
    const map = new Map<string, Record<string, unknown>>();
    for (const row of rows) {
      const k = keyOf(row);
      if (map.has(k)) differences.push({ relation: duckdbName, key: k, column: `(${key.join(", ")})`, duckdb: engine === "duckdb" ? "key twice" : "", trino: engine === "trino" ? "key twice" : "" });
      map.set(k, row);
    }
    return map;
  };
  const left = byKey(duckRows, "duckdb");
  const right = byKey(trinoRows, "trino");
  for (const [k, row] of left) {
    const other = right.get(k);
    if (!other) {
      differences.push({ relation: duckdbName, key: k, column: "(row)", duckdb: "present", trino: "missing" });
      continue;
    }
    for (const c of columns) {
      if (!equal(c.kind, row[c.name], other[c.name])) differences.push({ relation: duckdbName, key: k, column: c.name, duckdb: text(row[c.name]), trino: text(other[c.name]) });
    }
  }
  for (const k of right.keys()) if (!left.has(k)) differences.push({ relation: duckdbName, key: k, column: "(row)", duckdb: "missing", trino: "present" });
  return { relation: duckdbName, rows: duckRows.length, differences: differences.slice(0, maxDifferences) };
}

/** One line per difference: relation, key, column and the two values. */
export const describeDifferences = (results: readonly RelationParity[]): string =>
  results
    .flatMap((r) => r.differences.map((d) => `${d.relation} [${d.key}] ${d.column}: duckdb ${d.duckdb}, trino ${d.trino}`))
    .join("\n");
