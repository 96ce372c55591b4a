/** Raw data on Trino (issue 25, point 2): DuckDB validates, Trino stores. Every raw-changing
 * command runs the DuckDB ingest it always ran (mappings, quarantine, replay, idempotence,
 * rows_read = loaded + quarantined + duplicates) on a local journal file, then publishes what is
 * new to Iceberg tables in <schema>_raw: DuckDB writes Parquet with the Iceberg types, and Trino
 * commits each file set into its table in one snapshot (ALTER TABLE ... EXECUTE add_files).
 *
 * The order makes a half-finished publish invisible and repairable: the append-only tables
 * (responses, customers, invitations, case events) first, by ingestion id; the small bookkeeping
 * tables (ingestions, quarantine, ...) after them, each replaced whole in one snapshot (CREATE OR
 * REPLACE TABLE); raw.ingestions last. Rows of an ingestion that raw.ingestions on Trino does not
 * list yet are left over from a publish that failed: the next publish deletes them first. */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, tableExists } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import type { TrinoSettings } from "../engine/settings.ts";
import { trinoQuery } from "./client.ts";

/** Append-only raw tables: their rows never change once loaded; new ones come by ingestion. */
export const APPENDED_TABLES: readonly { table: string; ingestionColumn: string }[] = [
  { table: "responses", ingestionColumn: "_ingestion_id" },
  { table: "customers", ingestionColumn: "_ingestion_id" },
  { table: "invitations", ingestionColumn: "_ingestion_id" },
];
/** Small raw tables whose rows change (a replay resolves quarantined rows, counts replayed
 * rows; case events come from imports and from promotor cases update): replaced whole. raw.ingestions is last: it is what makes an ingestion visible. */
export const REPLACED_TABLES: readonly string[] = ["case_events", "case_imports", "case_quarantine", "quarantine", "ingestions"];

/** Where DuckDB writes Parquet for Trino to commit: a directory both see, and its URI as Trino's
 * file system names it (the local server: its local.location). */
export interface StagingArea {
  dir: string;
  uri: string;
}

export const rawSchema = (t: TrinoSettings): string => `${t.schema}_raw`;

/** The row of <schema>_raw._published that names the journal the schema belongs to. */
const JOURNAL_KEY = "(journal)";

interface ColumnType {
  name: string;
  /** What DuckDB writes (a cast where Iceberg has no such type). */
  select: string;
  trino: string;
  /** Computed by DuckDB while publishing (DERIVED_COLUMNS), not stored in the journal. */
  derived?: boolean;
}

/** DuckDB's column types as Iceberg has them: Iceberg has no 8- or 16-bit integers and no JSON. */
export function icebergType(duckdbType: string, column: string, table: string): { cast: string | null; trino: string } {
  const t = duckdbType.toUpperCase();
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) return { cast: null, trino: `decimal(${decimal[1]}, ${decimal[2]})` };
  switch (t) {
    case "VARCHAR":
      return { cast: null, trino: "varchar" };
    case "JSON":
      return { cast: "VARCHAR", trino: "varchar" };
    case "TINYINT":
    case "SMALLINT":
      return { cast: "INTEGER", trino: "integer" };
    case "INTEGER":
      return { cast: null, trino: "integer" };
    case "BIGINT":
      return { cast: null, trino: "bigint" };
    case "HUGEINT":
      return { cast: "DECIMAL(38, 0)", trino: "decimal(38, 0)" };
    case "DOUBLE":
      return { cast: null, trino: "double" };
    case "FLOAT":
      return { cast: "DOUBLE", trino: "double" };
    case "BOOLEAN":
      return { cast: null, trino: "boolean" };
    case "DATE":
      return { cast: null, trino: "date" };
    case "TIMESTAMP":
      return { cast: null, trino: "timestamp(6)" };
    case "TIMESTAMP WITH TIME ZONE":
      return { cast: null, trino: "timestamp(6) with time zone" };
    default:
      throw new PromotorError(`raw.${table}.${column} has the type ${duckdbType}, which Promotor does not publish to Iceberg`, {
        hint: "this is a bug in Promotor: report it with the table and column",
        exitCode: 1,
      });
  }
}

/** Columns that DuckDB computes for Trino while publishing, by table. `_answer_order` is
 * DuckDB's hash of the response id: the order of answers given at the same time in every
 * "latest answer" (macros/customer_aggregates.sql, answer_key). Trino has no such function, and
 * both engines must break those ties alike; unsigned 64-bit, so a decimal on Iceberg. */
const DERIVED_COLUMNS: Record<string, readonly ColumnType[]> = {
  responses: [{ name: "_answer_order", select: `CAST(hash("response_id") AS DECIMAL(20, 0)) AS "_answer_order"`, trino: "decimal(20, 0)", derived: true }],
};

async function columnsOf(duck: DuckDBConnection, table: string): Promise<ColumnType[]> {
  const rows = await queryRows(duck, "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = ? ORDER BY ordinal_position", [table]);
  const stored = rows.map((r) => {
    const name = String(r["column_name"]);
    const type = icebergType(String(r["data_type"]), name, table);
    const quoted = `"${name}"`;
    return { name, select: type.cast ? `CAST(${quoted} AS ${type.cast}) AS ${quoted}` : quoted, trino: type.trino };
  });
  return [...stored, ...(DERIVED_COLUMNS[table] ?? [])];
}

const sqlText = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A Trino table's columns and their types, in table order (none when it does not exist); in
 * the raw schema unless `schema` names another. */
export async function trinoTableColumns(t: TrinoSettings, table: string, schema = rawSchema(t)): Promise<Map<string, string>> {
  const rows = await trinoQuery(t, `SELECT column_name, data_type FROM ${t.catalog}.information_schema.columns WHERE table_schema = ${sqlText(schema)} AND table_name = ${sqlText(table)} ORDER BY ordinal_position`, { withoutSchema: true });
  return new Map(rows.map((r) => [String(r["column_name"]), String(r["data_type"])]));
}

/** Creates the Iceberg table, or adds the columns a newer Promotor gave the DuckDB table. */
async function ensureTable(t: TrinoSettings, table: string, columns: readonly ColumnType[], name = table): Promise<void> {
  const existing = await trinoTableColumns(t, name);
  const qualified = `${t.catalog}.${rawSchema(t)}."${name}"`;
  if (existing.size === 0) {
    await trinoQuery(t, `CREATE TABLE IF NOT EXISTS ${qualified} (${columns.map((c) => `"${c.name}" ${c.trino}`).join(", ")}) WITH (format = 'PARQUET')`, { withoutSchema: true });
    return;
  }
  for (const c of columns) {
    // Rows published before a derived column existed cannot get its values from Trino.
    if (!existing.has(c.name) && c.derived) {
      throw new PromotorError(`${qualified} was published by an earlier Promotor without the column ${c.name}, which Trino cannot compute for the rows it holds`, {
        hint: `drop the schema (DROP SCHEMA ${t.catalog}.${rawSchema(t)} CASCADE) and the marts' schemas, then run promotor --engine trino build: it publishes the journal again`,
        exitCode: 1,
      });
    }
    if (!existing.has(c.name)) await trinoQuery(t, `ALTER TABLE ${qualified} ADD COLUMN "${c.name}" ${c.trino}`, { withoutSchema: true });
  }
}

/** Writes `select` as Parquet into a fresh directory of the staging area and commits it into the
 * table in one snapshot. Nothing written when the select has no rows. */
async function addRows(duck: DuckDBConnection, t: TrinoSettings, staging: StagingArea, table: string, columns: readonly ColumnType[], where: string, target = table): Promise<number> {
  const [count] = await queryRows(duck, `SELECT count(*) AS n FROM raw."${table}" WHERE ${where}`);
  const n = Number(count?.["n"] ?? 0);
  if (n === 0) return 0;
  const stamp = `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const relative = join("ingest", target, stamp);
  const dir = join(staging.dir, relative);
  mkdirSync(dir, { recursive: true });
  try {
    await duck.run(`COPY (SELECT ${columns.map((c) => c.select).join(", ")} FROM raw."${table}" WHERE ${where}) TO ${sqlText(join(dir, "part-0.parquet"))} (FORMAT parquet, COMPRESSION zstd)`);
    await trinoQuery(t, `ALTER TABLE ${t.catalog}.${rawSchema(t)}."${target}" EXECUTE add_files(location => ${sqlText(`${staging.uri.replace(/\/$/, "")}/${relative}`)}, format => 'PARQUET')`, { withoutSchema: true });
  } catch (error) {
    // Never committed: the files are nobody's.
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return n;
}

export interface PublishResult {
  /** Rows appended per table. */
  appended: Record<string, number>;
  /** Rows of an earlier, failed publish that were deleted first. */
  orphansDeleted: number;
  /** The latest ingestion now on Trino. */
  throughIngestion: number;
  /** Bookkeeping tables rewritten because they changed (case events, quarantine, ...). */
  replaced: string[];
}

/** The journal id of a journal file, or null for one that has published nothing yet. */
export async function journalIdOf(duck: DuckDBConnection): Promise<string | null> {
  if (!(await tableExists(duck, "raw", "journal"))) return null;
  const [row] = await queryRows(duck, "SELECT journal_id FROM raw.journal LIMIT 1");
  return row ? String(row["journal_id"]) : null;
}

/** Refuses a journal (null: one that has published nothing yet) whose schema on Trino holds
 * another journal's data. Returns the schema's owner and whether it holds ingestions. */
export async function assertSchemaBelongsTo(t: TrinoSettings, journalId: string | null): Promise<{ owner: string | undefined; hasIngestions: boolean }> {
  const hasIngestions = (await trinoTableColumns(t, "ingestions")).size > 0;
  const hasState = (await trinoTableColumns(t, "_published")).size > 0;
  const owner = hasState
    ? ((await trinoQuery(t, `SELECT fingerprint FROM ${t.catalog}.${rawSchema(t)}."_published" WHERE table_name = ${sqlText(JOURNAL_KEY)}`, { withoutSchema: true }))[0]?.["fingerprint"] as string | undefined)
    : undefined;
  if (owner !== undefined ? owner !== journalId : hasIngestions) {
    throw new PromotorError(`${t.catalog}.${rawSchema(t)} on ${t.host}:${t.port} holds data published from another journal${owner ? ` (${owner})` : ""}, not from this one${journalId ? ` (${journalId})` : ""}`, {
      hint: "publish each journal into its own schema (trino.schema in promotor.yaml, or PROMOTOR_TRINO_SCHEMA), or drop that schema's tables to start it over from this journal",
    });
  }
  return { owner, hasIngestions };
}

/** Publishes the journal's raw tables to Trino: what is new since the last publish. */
export async function publishRaw(duck: DuckDBConnection, t: TrinoSettings, staging: StagingArea): Promise<PublishResult> {
  await trinoQuery(t, `CREATE SCHEMA IF NOT EXISTS ${t.catalog}.${rawSchema(t)}`, { withoutSchema: true });
  if (!(await tableExists(duck, "raw", "ingestions"))) return { appended: {}, orphansDeleted: 0, throughIngestion: 0, replaced: [] };
  // One journal per Trino schema: ingestion ids are the journal's, so two journals publishing
  // into one schema would mix their rows. The journal's id travels with what it publishes.
  await duck.run("CREATE TABLE IF NOT EXISTS raw.journal AS SELECT CAST(uuid() AS VARCHAR) AS journal_id, CAST(now() AS TIMESTAMP) AS created_at");
  const journalId = (await journalIdOf(duck))!;
  const { owner, hasIngestions } = await assertSchemaBelongsTo(t, journalId);
  const stateTable = `${t.catalog}.${rawSchema(t)}."_published"`;
  await trinoQuery(t, `CREATE TABLE IF NOT EXISTS ${stateTable} (table_name varchar, fingerprint varchar)`, { withoutSchema: true });
  const state = new Map((await trinoQuery(t, `SELECT table_name, fingerprint FROM ${stateTable}`, { withoutSchema: true })).map((r) => [String(r["table_name"]), String(r["fingerprint"])]));
  if (owner === undefined) await trinoQuery(t, `INSERT INTO ${stateTable} VALUES (${sqlText(JOURNAL_KEY)}, ${sqlText(journalId)})`, { withoutSchema: true });
  const published = hasIngestions
    ? Number((await trinoQuery(t, `SELECT coalesce(max(ingestion_id), 0) AS n FROM ${t.catalog}.${rawSchema(t)}.ingestions`, { withoutSchema: true }))[0]?.["n"] ?? 0)
    : 0;
  const result: PublishResult = { appended: {}, orphansDeleted: 0, throughIngestion: published, replaced: [] };
  for (const { table, ingestionColumn } of APPENDED_TABLES) {
    if (!(await tableExists(duck, "raw", table))) continue;
    const columns = await columnsOf(duck, table);
    await ensureTable(t, table, columns);
    const qualified = `${t.catalog}.${rawSchema(t)}."${table}"`;
    const [orphans] = await trinoQuery(t, `SELECT count(*) AS n FROM ${qualified} WHERE "${ingestionColumn}" > ${published}`, { withoutSchema: true });
    if (Number(orphans?.["n"] ?? 0) > 0) {
      await trinoQuery(t, `DELETE FROM ${qualified} WHERE "${ingestionColumn}" > ${published}`, { withoutSchema: true });
      result.orphansDeleted += Number(orphans?.["n"]);
    }
    result.appended[table] = await addRows(duck, t, staging, table, columns, `"${ingestionColumn}" > ${published}`);
  }
  // What each replaced table held when last published: unchanged tables are not rewritten.
  for (const table of REPLACED_TABLES) {
    if (!(await tableExists(duck, "raw", table))) continue;
    const columns = await columnsOf(duck, table);
    const [print] = await queryRows(duck, `SELECT count(*) || ':' || coalesce(bit_xor(hash(${columns.map((c) => `"${c.name}"`).join(", ")})), 0) || ':' || ${sqlText(columns.map((c) => `${c.name} ${c.trino}`).join(","))} AS f FROM raw."${table}"`);
    const fingerprint = String(print?.["f"] ?? "");
    const qualified = `${t.catalog}.${rawSchema(t)}."${table}"`;
    if (state.get(table) === fingerprint && (await trinoTableColumns(t, table)).size > 0) continue;
    // A fresh table holding the whole DuckDB table, then swapped in by one CREATE OR REPLACE.
    const next = `${table}__next`;
    const qualifiedNext = `${t.catalog}.${rawSchema(t)}."${next}"`;
    await trinoQuery(t, `DROP TABLE IF EXISTS ${qualifiedNext}`, { withoutSchema: true });
    await ensureTable(t, next, columns, next);
    await addRows(duck, t, staging, table, columns, "true", next);
    await trinoQuery(t, `CREATE OR REPLACE TABLE ${qualified} AS SELECT * FROM ${qualifiedNext}`, { withoutSchema: true });
    await trinoQuery(t, `DROP TABLE ${qualifiedNext}`, { withoutSchema: true });
    // Recorded after the swap: a publish that dies between the two rewrites the table again.
    await trinoQuery(t, `DELETE FROM ${stateTable} WHERE table_name = ${sqlText(table)}`, { withoutSchema: true });
    await trinoQuery(t, `INSERT INTO ${stateTable} VALUES (${sqlText(table)}, ${sqlText(fingerprint)})`, { withoutSchema: true });
    result.replaced.push(table);
  }
  const [latest] = await queryRows(duck, "SELECT coalesce(max(ingestion_id), 0) AS n FROM raw.ingestions");
  result.throughIngestion = Number(latest?.["n"] ?? 0);
  return result;
}
