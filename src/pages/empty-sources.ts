/** Evidence's sources step writes no parquet file for a source that returns no rows (only its
 * schema and a manifest entry): the build's DuckDB-WASM then creates an empty file and fails on it
 * ("too small to be a Parquet file"), or, with a previous build's file left in place, the pages
 * show old figures. A warehouse that has no drivers, no KRS or no account
 * managers is normal (an export with only id, timestamp and score), so after the sources step
 * every empty result is written as a valid parquet file with no rows and the source's columns,
 * from the schema Evidence wrote beside it. */
import { DuckDBInstance } from "@duckdb/node-api";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { sqlString } from "../lib/duckdb.ts";

interface EvidenceColumn {
  name: string;
  evidenceType: string;
}

const DUCKDB_TYPE: Record<string, string> = { string: "VARCHAR", number: "DOUBLE", date: "TIMESTAMP", boolean: "BOOLEAN" };

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Results Evidence wrote a schema for but no rows: the parquet file is missing or empty. */
export function emptyResults(dataDir: string): { parquet: string; schema: string }[] {
  const out: { parquet: string; schema: string }[] = [];
  if (!existsSync(dataDir)) return out;
  for (const source of readdirSync(dataDir)) {
    const sourceDir = join(dataDir, source);
    if (!statSync(sourceDir).isDirectory()) continue;
    for (const query of readdirSync(sourceDir)) {
      const parquet = join(sourceDir, query, `${query}.parquet`);
      const schema = join(sourceDir, query, `${query}.schema.json`);
      if (existsSync(schema) && (!existsSync(parquet) || statSync(parquet).size === 0)) out.push({ parquet, schema });
    }
  }
  return out;
}

/** Rewrites every empty result as a parquet file with no rows; returns the files written. */
export async function repairEmptyResults(dataDir: string): Promise<string[]> {
  const empty = emptyResults(dataDir);
  if (empty.length === 0) return [];
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    for (const { parquet, schema } of empty) {
      const columns = JSON.parse(readFileSync(schema, "utf8")) as EvidenceColumn[];
      const select = columns.map((c) => `CAST(NULL AS ${DUCKDB_TYPE[c.evidenceType] ?? "VARCHAR"}) AS ${ident(c.name)}`).join(", ");
      await connection.run(`COPY (SELECT ${select || "NULL AS empty"} WHERE false) TO ${sqlString(parquet)} (FORMAT parquet)`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return empty.map((e) => e.parquet);
}
