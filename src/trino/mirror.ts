/** The follow-up cases as Trino has built them, copied into the journal for `promotor --engine
 * trino cases` (issue 25). The cases command checks every change against the case's current
 * state (src/cases/cases.ts) and reads it from the marts; on Trino those are Iceberg tables and
 * views, so the command gets a copy of what it reads: every case, the answers that may still
 * open one (triggers not yet a case), the open answers' reasons and the recovery of each case.
 * The copy lives in the journal's schema trino_mirror, behind views with the marts' names. */
import { appendFileSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { describeTrino, type TrinoSettings } from "../engine/settings.ts";
import { openWarehouse, queryRows, tableExists } from "../lib/duckdb.ts";
import { trinoQuery, trinoStream } from "./client.ts";
import { trinoTableColumns } from "./publish.ts";

export interface Mirrored {
  /** The view the DuckDB code reads (layer.table, as in the DuckDB warehouse). */
  view: string;
  /** Only these columns (all when absent). */
  columns?: readonly string[];
  /** Which rows, over the relation as `r` (`{marts}` is the Trino schema of the marts). */
  where?: string;
}

const MIRRORED: readonly Mirrored[] = [
  { view: "marts.fct_cases" },
  { view: "marts.fct_case_recovery" },
  // Answers that may still open a case: those not yet a case.
  { view: "intermediate.int_case_triggers", where: "r.response_id NOT IN (SELECT opening_response_id FROM {marts}.fct_cases)" },
  // The reasons of the cases' opening answers (the workbook and `cases list` show them).
  { view: "marts.fct_nps_responses", columns: ["response_id", "recommend_reason"], where: "r.response_id IN (SELECT opening_response_id FROM {marts}.fct_cases)" },
];

/** Trino's type as DuckDB's; decimals without scale hold order keys (HUGEINT on DuckDB). */
function duckdbType(trinoType: string): string {
  const t = trinoType.toLowerCase();
  if (t.startsWith("varchar") || t.startsWith("char")) return "VARCHAR";
  if (t.startsWith("timestamp")) return t.includes("with time zone") ? "TIMESTAMPTZ" : "TIMESTAMP";
  if (/^decimal\(\d+,\s*0\)$/.test(t)) return "HUGEINT";
  if (t.startsWith("decimal")) return t.toUpperCase();
  const simple: Record<string, string> = { integer: "INTEGER", bigint: "BIGINT", smallint: "SMALLINT", tinyint: "TINYINT", double: "DOUBLE", real: "FLOAT", boolean: "BOOLEAN", date: "DATE" };
  return simple[t] ?? "VARCHAR";
}

/** Streams one Trino query into a newline-delimited JSON file, batch by batch (a mart of
 * millions of rows never sits in memory); returns the rows written. */
async function trinoQueryToFile(t: TrinoSettings, sql: string, file: string): Promise<number> {
  writeFileSync(file, "");
  let count = 0;
  await trinoStream(
    t,
    sql,
    (rows, columns) => {
      appendFileSync(file, rows.map((values) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c.name, values[i]])))).join("\n") + "\n");
      count += rows.length;
    },
    { withoutSchema: true, limitSinceLastRows: true },
  );
  return count;
}

/** Copies one relation from Trino into a DuckDB table, typed as Trino types it. */
async function copyRelation(db: DuckDBConnection, t: TrinoSettings, m: Mirrored, table: string, dir: string): Promise<number> {
  const schemaOf = (layer: string): string => `${t.catalog}.${t.schema}_${layer}`;
  const [layer, name] = m.view.split(".") as [string, string];
  const columns = [...(await trinoTableColumns(t, name, `${t.schema}_${layer}`))].filter(([n]) => m.columns === undefined || m.columns.includes(n));
  const names = columns.map(([n]) => n);
  const types = columns.map(([, type]) => duckdbType(type));
  // Every value travels as text: no number passes through a JavaScript double (order keys
  // have 38 digits).
  const where = m.where ? ` WHERE ${m.where.replaceAll("{marts}", schemaOf("marts"))}` : "";
  const file = join(dir, `${m.view}.ndjson`);
  const rows = await trinoQueryToFile(t, `SELECT ${names.map((n) => `CAST(r."${n}" AS varchar) AS "${n}"`).join(", ")} FROM ${schemaOf(layer)}."${name}" AS r${where}`, file);
  const struct = `{${names.map((n) => `'${n}': 'VARCHAR'`).join(", ")}}`;
  const source = rows > 0 ? `read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = ${struct})` : `(SELECT ${names.map((n) => `NULL::VARCHAR AS "${n}"`).join(", ")} WHERE false)`;
  await db.run(`CREATE OR REPLACE TABLE ${table} AS SELECT ${names.map((n, i) => `CAST("${n}" AS ${types[i]}) AS "${n}"`).join(", ")} FROM ${source}`);
  rmSync(file, { force: true });
  return rows;
}

/** What `contacts` reads beyond the cases: the customers' current segment and business unit. */
export const CONTACTS_EXTRA: readonly Mirrored[] = [{ view: "marts.dim_customers", columns: ["customer_id", "segment", "business_unit"] }];

/** Copies the cases (and `extra`) from Trino into the journal. Returns false when Trino has no
 * cases yet (nothing built): the command then says so itself. */
export async function mirrorCases(journal: DuckDBConnection, t: TrinoSettings, extra: readonly Mirrored[] = []): Promise<boolean> {
  const [present] = await trinoQuery(t, `SELECT count(*) AS n FROM ${t.catalog}.information_schema.tables WHERE table_schema = '${t.schema}_marts' AND table_name = 'fct_cases'`, { withoutSchema: true });
  if (Number(present?.["n"] ?? 0) === 0) return false;
  const dir = mkdtempSync(join(tmpdir(), "promotor-mirror-"));
  try {
    await journal.run("CREATE SCHEMA IF NOT EXISTS trino_mirror; CREATE SCHEMA IF NOT EXISTS marts; CREATE SCHEMA IF NOT EXISTS intermediate");
    for (const m of [...MIRRORED, ...extra]) {
      const table = `trino_mirror."${m.view.replace(".", "__")}"`;
      await copyRelation(journal, t, m, table, dir);
      // A journal that was once built on DuckDB holds the mart as a table: the copy replaces it.
      const [layer, name] = m.view.split(".") as [string, string];
      if (await tableExists(journal, layer, name)) await journal.run(`DROP TABLE ${m.view}`);
      await journal.run(`CREATE OR REPLACE VIEW ${m.view} AS SELECT * FROM ${table}`);
    }
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the pages read (the Cube model's tables, the hand-written sources' and the ledger's end):
 * every mart and every reference table, and intermediate.int_ledger_end. */
async function pageRelations(t: TrinoSettings): Promise<Mirrored[]> {
  const rows = await trinoQuery(t, `SELECT table_schema, table_name FROM ${t.catalog}.information_schema.tables WHERE table_schema IN ('${t.schema}_marts', '${t.schema}_reference') ORDER BY 1, 2`, { withoutSchema: true });
  const out: Mirrored[] = rows.map((r) => ({ view: `${String(r["table_schema"]).slice(t.schema.length + 1)}.${String(r["table_name"])}` }));
  out.push({ view: "intermediate.int_ledger_end" });
  return out;
}

/** The marts Trino built, copied into a DuckDB file for the pages (issue 25: "the same sources
 * built from Trino"): the pages' sources wrap Cube's SQL in DuckDB statistics (src/pages/
 * statistics-sql.ts), so they run unchanged on the copy. Copied again only when Trino built
 * since (`version`); written to a new file and renamed, so a failed copy leaves the last one. */
export async function copyMartsForPages(file: string, t: TrinoSettings, version: string, log: (line: string) => void): Promise<{ copied: boolean; rows: number }> {
  if (existsSync(file)) {
    const db = await openWarehouse(file, { readOnly: true });
    try {
      const [row] = await queryRows(db.connection, "SELECT version FROM trino_copy.source").catch(() => []);
      if (row?.["version"] === version) return { copied: false, rows: 0 };
    } finally {
      db.close();
    }
  }
  const next = `${file}.next`;
  rmSync(next, { force: true });
  const dir = mkdtempSync(join(tmpdir(), "promotor-pages-copy-"));
  const db = await openWarehouse(next);
  let rows = 0;
  try {
    await db.connection.run("CREATE SCHEMA marts; CREATE SCHEMA reference; CREATE SCHEMA intermediate; CREATE SCHEMA trino_copy");
    for (const m of await pageRelations(t)) {
      const [layer, name] = m.view.split(".") as [string, string];
      rows += await copyRelation(db.connection, t, m, `${layer}."${name}"`, dir);
    }
    await db.connection.run(`CREATE TABLE trino_copy.source AS SELECT '${version}' AS version, '${describeTrino(t).replace(/'/g, "''")}' AS trino, now() AS copied_at`);
  } catch (error) {
    db.close();
    rmSync(next, { force: true });
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  db.close();
  renameSync(next, file);
  log(`copied ${rows.toLocaleString("en-US")} rows of Trino's marts (${describeTrino(t)}) into ${file} for the pages`);
  return { copied: true, rows };
}
