import { sqlIdent } from "../lib/duckdb.ts";
/** What a dataset beside the survey responses declares once (DESIGN.md, "Beyond the answers"):
 * its canonical columns with their types and checks, its key, and whether a later export of the
 * same key is a new version (a slowly changing dimension) or a conflict. The shared pipeline
 * (src/ingest/dataset.ts) does the rest: mapping, .xlsx and CSV, quarantine with file, row and
 * reason, replay, idempotence and the count rows_read = loaded + quarantined + duplicates. */

export type DatasetColumnKind = "text" | "code" | "date" | "timestamp" | "amount";

export interface DatasetColumn {
  name: string;
  /** text: trimmed; code: trimmed and lower-cased; date, timestamp: parsed by the mapping's
   * formats; amount: a decimal number in the mapping's notation (decimal comma or point,
   * optionally with the organisation's currency). */
  kind: DatasetColumnKind;
  required?: boolean;
  /** Allowed values of a code. */
  values?: readonly string[];
  /** One line for docs and messages. */
  description: string;
}

/** A rule over a typed row: when `fails` (SQL, typed columns by their names) holds, `message`
 * (SQL yielding text) says why the row is quarantined. */
export interface DatasetCheck {
  fails: string;
  message: string;
}

export interface DatasetSpec {
  /** Name used on the command line and in raw.ingestions.dataset. */
  name: string;
  /** The raw table its rows are appended to (schema raw). */
  table: string;
  /** The column that identifies a record. */
  key: string;
  columns: readonly DatasetColumn[];
  checks: readonly DatasetCheck[];
  /** true: every export describes the records as of a date (`_as_of`), and a changed record is
   * a new version of it; false: a record loaded before with other values is a conflict. */
  versioned: boolean;
  /** The key is generated from the row's values when the export has no key column. */
  generatedKeyPrefix?: string;
  /** What a person calls one record, for messages ("customer"). */
  noun: string;
  /** Values another dataset should know: loaded rows whose value it does not know are loaded
   * (order of ingestion must not matter) and reported with examples, file and row. */
  references?: readonly { column: string; known: string; says: string; fix: string }[];
}

export const sqlTypeOf = (kind: DatasetColumnKind): string =>
  kind === "date" ? "DATE" : kind === "timestamp" ? "TIMESTAMP" : kind === "amount" ? "DECIMAL(18,2)" : "VARCHAR";

/** DDL of a dataset's raw table: its columns, typed, and lineage. Append-only; dbt never writes it. */
export function datasetTableSql(spec: DatasetSpec): string {
  const columns = spec.columns.map((c) => `${sqlIdent(c.name)} ${sqlTypeOf(c.kind)}${c.required ? " NOT NULL" : ""}`);
  if (spec.versioned) columns.push("_as_of DATE NOT NULL");
  columns.push("_ingestion_id INTEGER NOT NULL", "_source_file VARCHAR NOT NULL", "_source_row BIGINT NOT NULL");
  return `CREATE TABLE IF NOT EXISTS raw.${sqlIdent(spec.table)} (\n  ${columns.join(",\n  ")}\n)`;
}

