/** The ingest pipeline of the datasets beside the responses (customers, …; src/ingest/dataset-spec.ts):
 * one export in one transaction, with the survey exports' guarantees.
 *
 * - Read: CSV (UTF-8, or Windows-1252 converted), .xlsx (a sheet), Parquet; every value as
 *   text, mapped by the dataset mapping (src/ingest/dataset-mapping.ts), '' and null_values
 *   as NULL.
 * - Check: each column's type (dates, amounts in the mapping's notation, codes), required
 *   columns, the dataset's own rules; a failing row goes to raw.quarantine with its file, line,
 *   row, key and reason, and its text (raw_values), so `promotor quarantine replay` can load it
 *   after a fix. Malformed CSV records are quarantined too (without values: fix the file).
 * - Keys: a key twice in one export with different values loads neither row (both quarantined:
 *   which one is right is for a person to say); the same values twice load once (a duplicate).
 *   Against the warehouse, for a versioned dataset a record equal to the version in effect at
 *   the export's date is a duplicate ("unchanged"), a changed one a new version, and another
 *   export of the same date with other values a conflict; for other datasets a key loaded
 *   before with other values is a conflict.
 * - Count: rows_read = loaded + quarantined + duplicates, or the transaction is rolled back.
 * - Idempotence: a file whose SHA-256 was ingested before for the dataset changes nothing.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { basename } from "node:path";
import { queryRows, SQL_UTC_NOW, sqlIdent, sqlString } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import type { DatasetSpec } from "./dataset-spec.ts";
import { datasetPresetFor, loadDatasetMapping, type DatasetMapping } from "./dataset-mapping.ts";
import { detectDialect, type Dialect } from "./detect.ts";
import { NotUtf8, type Encoding } from "./encoding.ts";
import { cleanText, count, findColumn, readCsvInEncoding, readError, readingLongRecords, sha256File, sourceColumnsOf, sourceScan, tuneForIngest, type ExportColumns, type FileIngestCounts, type ReasonCount } from "./ingest.ts";
import { recordStartLines } from "./lines.ts";
import { quarantineWhereSql, type ReplayFileResult } from "./quarantine.ts";
import { normalizeHeader } from "./mapping.ts";
import { ensureRawSchema } from "./schema.ts";

export interface DatasetIngestOptions {
  /** Preset name or YAML path; by default the identity mapping, or a preset the header matches. */
  mapping?: string;
  sheet?: string;
  encoding?: Encoding;
  /** The date the export describes (versioned datasets): YYYY-MM-DD. Default: a date in the
   * file name (customers-2026-10-31.csv), else today (UTC). */
  asOf?: string;
}

export interface DatasetIngestResult extends FileIngestCounts {
  dataset: string;
  /** Versioned datasets: the date the export describes, and where it came from. */
  asOf: string | null;
  asOfSource: string | null;
  alreadyIngested: { ingestionId: number; ingestedAt: string; quarantined: number } | null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The export's date: --as-of, else a YYYY-MM-DD in the file name, else today. */
export function asOfOf(file: string, given: string | undefined, today: Date = new Date()): { asOf: string; source: string } {
  if (given !== undefined) {
    if (!ISO_DATE.test(given) || Number.isNaN(Date.parse(`${given}T00:00:00Z`))) {
      throw new PromotorError(`--as-of "${given}" is not a date`, { hint: "write the date the export describes as YYYY-MM-DD, e.g. --as-of 2026-10-31", exitCode: 2 });
    }
    return { asOf: given, source: "--as-of" };
  }
  const named = /(\d{4}-\d{2}-\d{2})/.exec(basename(file))?.[1];
  if (named && !Number.isNaN(Date.parse(`${named}T00:00:00Z`))) return { asOf: named, source: "the file name" };
  return { asOf: today.toISOString().slice(0, 10), source: "today (no date in the file name; pass --as-of YYYY-MM-DD for an older export)" };
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** An amount in the mapping's notation as DECIMAL(18,2), NULL when it is not one. Spaces and
 * the organisation's currency (code or symbol, before or after) are allowed; thousands
 * separators only in groups of three. `numericCells`: an .xlsx number cell, written as a plain
 * number whatever the notation. */
export function amountSql(column: string, mapping: Pick<DatasetMapping, "decimal" | "currency">, numericCells = false): string {
  const marks = [mapping.currency.code, ...mapping.currency.symbols].sort((a, b) => b.length - a.length).map(escapeRegex).join("|");
  const bare = `regexp_replace(regexp_replace(${column}, '[\\s\\x{00A0}]', '', 'g'), '^(-?)(?:${marks})|(?:${marks})$', '\\1', 'i')`;
  const [group, dec] = mapping.decimal === "comma" ? ["\\.", ","] : [",", "\\."];
  const pattern = `-?([0-9]{1,3}(${group}[0-9]{3})+|[0-9]+)(${dec}[0-9]+)?`;
  const normalized = mapping.decimal === "comma" ? `replace(replace(b, '.', ''), ',', '.')` : `replace(b, ',', '')`;
  // Written out per use rather than as a subquery: a scalar subquery per row is far slower.
  const b = `(${bare})`;
  const plain = numericCells ? `WHEN regexp_full_match(${b}, '-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?') THEN TRY_CAST(TRY_CAST(${b} AS DOUBLE) AS DECIMAL(18,2)) ` : "";
  return `(CASE ${plain}WHEN regexp_full_match(${b}, '${pattern}') THEN TRY_CAST(${normalized.replaceAll("(b,", () => `(${b},`)} AS DECIMAL(18,2)) END)`;
}

/** A date (or timestamp) by the mapping's formats, an Excel serial day, then ISO 8601. */
export function dateSql(column: string, mapping: Pick<DatasetMapping, "dateFormats" | "excelSerial">, type: "DATE" | "TIMESTAMP"): string {
  const tries: string[] = [];
  if (mapping.dateFormats.length > 0) tries.push(`CAST(try_strptime(${column}, [${mapping.dateFormats.map(sqlString).join(", ")}]) AS ${type})`);
  if (mapping.excelSerial) tries.push(`CASE WHEN regexp_full_match(${column}, '[0-9]{1,6}(\\.[0-9]+)?') THEN CAST(TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(CAST(${column} AS DOUBLE) * 86400) AS BIGINT) * 1000000) AS ${type}) END`);
  tries.push(`TRY_CAST(TRY_CAST(${column} AS TIMESTAMP) AS ${type})`);
  return tries.length === 1 ? tries[0]! : `coalesce(${tries.join(", ")})`;
}

/** A column's typed value from its text (mapped) column. */
function typedSql(spec: DatasetSpec, mapping: DatasetMapping, name: string, numericCells: boolean): string {
  const c = spec.columns.find((x) => x.name === name)!;
  const t = `t.${sqlIdent(name)}`;
  if (c.kind === "code") return `lower(${t})`;
  if (c.kind === "date") return dateSql(t, mapping, "DATE");
  if (c.kind === "timestamp") return dateSql(t, mapping, "TIMESTAMP");
  if (c.kind === "amount") return amountSql(t, mapping, numericCells);
  return t;
}

/** Why a typed row cannot load ("; "-separated), NULL when it can. */
function reasonSql(spec: DatasetSpec, mapping: DatasetMapping, columns: ExportColumns): string {
  const checks: { fails: string; message: string }[] = [];
  for (const c of spec.columns) {
    const where = columns[c.name];
    const label = (where && normalizeHeader(where.header) !== c.name ? `${c.name} (column ${where.position} "${where.header}")` : c.name).replaceAll("'", "''");
    const text = `t.${sqlIdent(c.name)}`;
    const typed = `y.${sqlIdent(c.name)}`;
    if (c.required) checks.push({ fails: `${text} IS NULL`, message: `'missing ${label} (required)'` });
    if (c.kind === "date" || c.kind === "timestamp") {
      const formats = mapping.dateFormats.length > 0 ? `the mapping''s date_format or YYYY-MM-DD` : "YYYY-MM-DD (set date_format in the mapping for other layouts)";
      checks.push({ fails: `${text} IS NOT NULL AND ${typed} IS NULL`, message: `format('{} ''{}'' is not a date in ${formats}', '${label}', ${text})` });
    }
    if (c.kind === "amount") {
      const example = mapping.decimal === "comma" ? "1.234,56 or € 1.234,56" : "1,234.56 or € 1,234.56";
      const symbol = mapping.currency.symbols[0] ?? mapping.currency.code;
      checks.push({
        fails: `${text} IS NOT NULL AND ${typed} IS NULL`,
        message: `format('{} ''{}'' is not an amount in ${mapping.currency.code} with a decimal ${mapping.decimal} (e.g. ${example.replace("€", symbol)}); another currency, or set decimal: and currency: in the mapping', '${label}', ${text})`,
      });
    }
    if (c.values) {
      checks.push({ fails: `${typed} IS NOT NULL AND ${typed} NOT IN (${c.values.map(sqlString).join(", ")})`, message: `format('{} ''{}'' is not one of ${c.values.join(", ")}', '${label}', ${text})` });
    }
  }
  // The dataset's rules read the typed row (y) and its date.
  for (const k of spec.checks) {
    // Column names outside quoted text become the typed row's (y) columns; the export's date is t's.
    const onTyped = (sql: string): string =>
      sql.split(/('(?:[^']|'')*')/).map((part, i) => (i % 2 === 1 ? part : part.replace(/(?<![.\w])([a-z_]+)\b/g, (m) => (spec.columns.some((c) => c.name === m) ? `y.${sqlIdent(m)}` : m === "_as_of" ? "t._as_of" : m)))).join("");
    checks.push({ fails: onTyped(k.fails), message: onTyped(k.message) });
  }
  const anyFails = checks.map((k) => `coalesce(${k.fails}, false)`).join(" OR ");
  return `CASE WHEN ${anyFails} THEN NULLIF(concat_ws('; ', ${checks.map((k) => `CASE WHEN coalesce(${k.fails}, false) THEN ${k.message} END`).join(", ")}), '') END`;
}

/** The values that make two records "the same": every typed column, as text. */
const rowHash = (spec: DatasetSpec, alias: string): string =>
  // md5_number: 16 bytes instead of 32 characters per row, which counts at millions of keys.
  `md5_number(concat_ws(chr(31), ${spec.columns.map((c) => `coalesce(CAST(${alias}.${sqlIdent(c.name)} AS VARCHAR), '')`).join(", ")}))`;

interface Batch {
  ingestionId: number;
  file: string;
  /** Replays: the file's first ingestion. */
  replayOf: number | null;
}

/** The first line of each of these data records (0-based) in the file. */
type LinesOf = (recs: number[]) => Promise<Map<number, number>>;

interface Outcome {
  loaded: number;
  quarantined: number;
  duplicates: number;
  rowsRead: number;
  reasons: ReasonCount[];
}

/**
 * Checks and loads the staged text rows (TEMP TABLE ds_input: rec, source_row, source_line,
 * _as_of, the dataset's columns as text) as one batch, inside the caller's transaction; returns
 * the counts. Rows already marked with a `_malformed` reason go to quarantine as they are.
 */
async function loadBatch(connection: DuckDBConnection, spec: DatasetSpec, mapping: DatasetMapping, batch: Batch, columns: ExportColumns, numericCells: boolean, linesOf?: LinesOf): Promise<Outcome> {
  const key = sqlIdent(spec.key);
  const raw = `raw.${sqlIdent(spec.table)}`;
  const typed = spec.columns.map((c) => `${typedSql(spec, mapping, c.name, numericCells)} AS ${sqlIdent(c.name)}`).join(", ");
  const rawValues = `to_json(struct_pack(${spec.columns.map((c) => `${c.name} := t.${sqlIdent(c.name)}`).join(", ")}${spec.versioned ? ", _as_of := strftime(t._as_of, '%Y-%m-%d')" : ""}))`;
  await connection.run(`CREATE OR REPLACE TEMP TABLE ds_checked AS
    WITH y AS (SELECT t.rec, ${typed} FROM ds_input t)
    SELECT t.rec, t.source_row, t.source_line, t._as_of, t._malformed, ${spec.columns.map((c) => `y.${sqlIdent(c.name)}`).join(", ")},
      coalesce(t._malformed, ${reasonSql(spec, mapping, columns)}) AS reason
    FROM ds_input t JOIN y USING (rec)`);
  // Keys of valid rows: one value set per key in the batch, or a conflict.
  // versions: 1 when every row of the key holds the same values, 2 when not; the rows of a key
  // are listed only for keys that occur more than once (a list per key costs memory at millions).
  await connection.run(`CREATE OR REPLACE TEMP TABLE ds_keys AS
    SELECT ${key}, count(*) AS n, CASE WHEN min(h) = max(h) THEN 1 ELSE 2 END AS versions, min(rec) AS first_rec, arg_min(h, rec) AS h, NULL::VARCHAR AS rows
    FROM (SELECT c.rec, c.${key}, ${rowHash(spec, "c")} AS h FROM ds_checked c WHERE c.reason IS NULL) GROUP BY ${key}`);
  await connection.run(`UPDATE ds_keys SET rows = l.rows FROM (
      SELECT c.${key}, array_to_string(list(CAST(c.source_row AS VARCHAR) ORDER BY c.rec)[1:5], ', ') AS rows
      FROM ds_checked c SEMI JOIN (SELECT ${key} FROM ds_keys WHERE n > 1) k USING (${key}) WHERE c.reason IS NULL GROUP BY c.${key}) l
    WHERE ds_keys.${key} = l.${key}`);
  // Against the warehouse. Versioned: the version in effect at the export's date, and any of
  // the same date. Otherwise: the key's row.
  const asOf = spec.versioned ? "(SELECT any_value(_as_of) FROM ds_input)" : "NULL";
  const latest = "(r._as_of, r._ingestion_id)";
  const existing = spec.versioned
    ? `LEFT JOIN (SELECT r.${key}, arg_max(r.h, ${latest}) AS prev_h, any_value(r.h) FILTER (WHERE r._as_of = ${asOf}) AS same_date_h,
          arg_max(r._ingestion_id, ${latest}) AS prev_ingestion, arg_max(r._source_row, ${latest}) AS prev_row
        FROM (SELECT r.${key}, r._as_of, r._ingestion_id, r._source_row, ${rowHash(spec, "r")} AS h FROM ${raw} r WHERE r._as_of <= ${asOf}) r
        SEMI JOIN ds_keys k USING (${key}) GROUP BY r.${key}) e USING (${key})`
    : `LEFT JOIN (SELECT r.${key}, any_value(${rowHash(spec, "r")}) AS prev_h, NULL::HUGEINT AS same_date_h, any_value(r._ingestion_id) AS prev_ingestion, any_value(r._source_row) AS prev_row
        FROM ${raw} r SEMI JOIN ds_keys k USING (${key}) GROUP BY r.${key}) e USING (${key})`;
  const otherValues = spec.versioned ? "with other values as of the same date" : "with other values";
  await connection.run(`CREATE OR REPLACE TEMP TABLE ds_outcome AS
    SELECT c.rec, c.source_row, c.source_line, c.${key}, c._malformed IS NOT NULL AS is_malformed,
      CASE
        WHEN c.reason IS NOT NULL THEN 'quarantine'
        WHEN k.versions > 1 THEN 'conflict'
        WHEN c.rec <> k.first_rec THEN 'duplicate'
        WHEN e.same_date_h IS NOT NULL AND e.same_date_h <> k.h THEN 'conflict'
        WHEN ${spec.versioned ? "false" : "e.prev_h IS NOT NULL AND e.prev_h <> k.h"} THEN 'conflict'
        WHEN e.prev_h = k.h THEN 'duplicate'
        ELSE 'load'
      END AS outcome,
      CASE
        WHEN c.reason IS NOT NULL THEN c.reason
        WHEN k.versions > 1 THEN format('${spec.key} {} appears {} times in this file with different values (rows {}): which is right? fix the export and ingest it again', c.${key}, k.n, k.rows)
        WHEN c.rec = k.first_rec AND ((e.same_date_h IS NOT NULL AND e.same_date_h <> k.h) OR ${spec.versioned ? "false" : "(e.prev_h IS NOT NULL AND e.prev_h <> k.h)"})
          THEN format('${spec.key} {} was loaded before from {} (row {}) ${otherValues}', c.${key}, i.source_file, e.prev_row)
      END AS reason
    FROM ds_checked c LEFT JOIN ds_keys k USING (${key}) ${existing} LEFT JOIN raw.ingestions i ON i.ingestion_id = e.prev_ingestion`);
  if (linesOf) {
    const recs = (await queryRows(connection, "SELECT rec FROM ds_outcome WHERE outcome IN ('quarantine', 'conflict') AND source_line IS NULL ORDER BY rec")).map((r) => Number(r["rec"]));
    if (recs.length > 0) {
      const lines = await linesOf(recs);
      await connection.run(`CREATE OR REPLACE TEMP TABLE ds_lines AS SELECT unnest([${[...lines.keys()].join(",")}]::BIGINT[]) AS rec, unnest([${[...lines.values()].join(",")}]::BIGINT[]) AS line`);
      await connection.run("UPDATE ds_outcome SET source_line = l.line FROM ds_lines l WHERE l.rec = ds_outcome.rec");
      await connection.run("DROP TABLE ds_lines");
    }
  }
  const lineage = `${batch.ingestionId}, ${sqlString(batch.file)}, c.source_row`;
  await connection.run(`INSERT INTO ${raw} SELECT ${spec.columns.map((c) => `c.${sqlIdent(c.name)}`).join(", ")}${spec.versioned ? ", c._as_of" : ""}, ${lineage}
    FROM ds_checked c JOIN ds_outcome o USING (rec) WHERE o.outcome = 'load' ORDER BY c.rec`);
  await connection.run(`INSERT INTO raw.quarantine (ingestion_id, source_file, source_line, source_row, response_id, reason, raw_values, quarantined_at, dataset, record_key)
    SELECT ${batch.ingestionId}, ${sqlString(batch.file)}, o.source_line, o.source_row, NULL, o.reason, CASE WHEN NOT o.is_malformed THEN ${rawValues} END, ${SQL_UTC_NOW}, ${sqlString(spec.name)}, o.${key}
    FROM ds_outcome o JOIN ds_input t USING (rec) WHERE o.outcome IN ('quarantine', 'conflict') ORDER BY o.rec`);
  const [c] = await queryRows(connection, `SELECT count(*) AS n, count(*) FILTER (WHERE outcome = 'load') AS loaded, count(*) FILTER (WHERE outcome IN ('quarantine', 'conflict')) AS quarantined,
    count(*) FILTER (WHERE outcome = 'duplicate') AS duplicates FROM ds_outcome`);
  const reasons = (
    await queryRows(connection, `SELECT regexp_replace(regexp_replace(regexp_replace(reason, '''[^'']*''', '…', 'g'), '(${spec.key}) \\S+ (appears|was)', '\\1 … \\2', 'g'), '-?[0-9]+\\.[0-9]{2}\\b|[0-9]{4}-[0-9]{2}-[0-9]{2}|\\(rows? [0-9, ]+\\)|from \\S+ \\(row [0-9]+\\)', '…', 'g') AS reason, count(*) AS n
      FROM ds_outcome WHERE reason IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1 LIMIT 8`)
  ).map((r) => ({ reason: String(r["reason"]), rows: Number(r["n"]) }));
  const out = { rowsRead: Number(c?.["n"] ?? 0), loaded: Number(c?.["loaded"] ?? 0), quarantined: Number(c?.["quarantined"] ?? 0), duplicates: Number(c?.["duplicates"] ?? 0), reasons };
  if (out.loaded + out.quarantined + out.duplicates !== out.rowsRead) {
    throw new PromotorError(`internal error: ${out.rowsRead} rows read but ${out.loaded} loaded + ${out.quarantined} quarantined + ${out.duplicates} duplicates`, { file: batch.file });
  }
  // Open quarantine rows of earlier ingestions of this dataset whose key now loaded: resolved.
  await connection.run(`UPDATE raw.quarantine q SET resolved_by_ingestion = ${batch.ingestionId}
    WHERE q.dataset = ${sqlString(spec.name)} AND q.resolved_by_ingestion IS NULL AND q.ingestion_id < ${batch.ingestionId}
      AND q.record_key IN (SELECT ${key} FROM ds_outcome WHERE outcome IN ('load', 'duplicate'))`);
  await connection.run("DROP TABLE IF EXISTS ds_checked; DROP TABLE IF EXISTS ds_keys; DROP TABLE IF EXISTS ds_outcome");
  return out;
}

/** Reads one export into TEMP TABLE ds_input (the mapped text, in file order). */
async function stageExport(
  connection: DuckDBConnection,
  spec: DatasetSpec,
  file: string,
  readPath: string,
  dialect: Dialect,
  mapping: DatasetMapping,
  asOf: string | null,
): Promise<{ columns: ExportColumns; missing: string[]; generatedKeys: boolean; linesOf?: LinesOf }> {
  const sourceColumns = await sourceColumnsOf(connection, readPath, dialect);
  const headers = [...sourceColumns.values()];
  const missing: string[] = [];
  const columns: ExportColumns = {};
  const select = spec.columns.map((c) => {
    const constant = mapping.constants[c.name];
    if (constant !== undefined) return `${sqlString(constant)} AS ${sqlIdent(c.name)}`;
    const wanted = mapping.columns[c.name];
    const actual = wanted === undefined ? undefined : findColumn(sourceColumns, wanted);
    if (actual === undefined) {
      if (wanted !== undefined) missing.push(c.name);
      return `NULL::VARCHAR AS ${sqlIdent(c.name)}`;
    }
    const n = headers.indexOf(actual) + 1;
    columns[c.name] = { position: dialect.rowPerLine ? String.fromCharCode(64 + n) : String(n), header: actual };
    let expr = cleanText(`CAST(s.${sqlIdent(actual)} AS VARCHAR)`);
    if (mapping.nullValues.length > 0) expr = `CASE WHEN lower(${expr}) IN (${mapping.nullValues.map(sqlString).join(", ")}) THEN NULL ELSE ${expr} END`;
    return `${expr} AS ${sqlIdent(c.name)}`;
  });
  // No key column (and a dataset that may generate its keys): one per row from its values.
  const generateKeys = spec.generatedKeyPrefix !== undefined && mapping.constants[spec.key] === undefined && (mapping.columns[spec.key] === undefined || (mapping.name === "canonical" && missing.includes(spec.key)));
  const missingRequired = missing.filter((m) => spec.columns.find((c) => c.name === m)?.required && !(generateKeys && m === spec.key));
  if (missingRequired.length > 0) {
    throw new PromotorError(`the export has no column for ${missingRequired.map((m) => `${m} (mapped from "${mapping.columns[m]}")`).join(", ")}; it has: ${headers.slice(0, 30).join(", ")}`, {
      file,
      line: 1,
      exitCode: 2,
      hint: `pass --mapping with a preset or a YAML file that maps this export's columns (docs/ingest.md, "Other datasets"), or rename the header`,
    });
  }
  try {
    await readingLongRecords(readPath, dialect, async (maxLineBytes) => {
      await connection.run("DROP TABLE IF EXISTS src_rejects; DROP TABLE IF EXISTS src_reject_scans;");
      if (dialect.format === "parquet") await connection.run(`CREATE TEMP TABLE src_rejects (line BIGINT, error_type VARCHAR, error_message VARCHAR)`);
      await connection.run(`CREATE OR REPLACE TEMP TABLE ds_read AS SELECT ${select.join(", ")} FROM ${sourceScan(readPath, dialect, true, maxLineBytes)} s`);
    });
  } catch (error) {
    throw await readError(readPath, dialect, error);
  }
  if (dialect.format === "csv" && readPath === file) {
    const [bad] = await queryRows(connection, "SELECT count(*) AS n, min(line) AS line FROM src_rejects WHERE error_type = 'INVALID ENCODING'");
    if (Number(bad?.["n"] ?? 0) > 0) throw new NotUtf8(Number(bad?.["line"] ?? 1));
  }
  // A staged row's record index: its position plus the malformed records before it.
  await connection.run(`CREATE OR REPLACE TEMP TABLE ds_rej AS
    SELECT line - 2 AS rec, CAST(row_number() OVER (ORDER BY line) - 1 AS BIGINT) AS j,
      CASE WHEN bool_or(error_type = 'MISSING COLUMNS') THEN 'too few fields for the header; check the separators and quotes on this line'
           WHEN bool_or(error_type = 'TOO MANY COLUMNS') THEN 'more fields than the header; a separator inside an unquoted value?'
           ELSE min(error_message) END AS msg
    FROM src_rejects GROUP BY line`);
  const firstRow = (await queryRows(connection, "SELECT CAST(coalesce(min(rowid), 0) AS VARCHAR) AS r FROM ds_read"))[0]?.["r"];
  const pos = `(r.rowid - ${String(firstRow ?? "0")})`;
  const asOfSql = asOf === null ? "NULL::DATE" : `DATE ${sqlString(asOf)}`;
  const texts = spec.columns.map((c) => sqlIdent(c.name));
  const rejects = await count(connection, "SELECT count(*) FROM ds_rej");
  const recOf = rejects > 0 ? `${pos} + (SELECT count(*) FROM ds_rej x WHERE x.rec - x.j <= ${pos})` : pos;
  await connection.run(`CREATE OR REPLACE TEMP TABLE ds_input AS
    SELECT rec, rec + 1 AS source_row, CAST(NULL AS BIGINT) AS source_line, ${asOfSql} AS _as_of, NULL::VARCHAR AS _malformed, ${texts.join(", ")} FROM (
      SELECT ${recOf} AS rec, r.* FROM ds_read r)
    UNION ALL
    SELECT rec, rec + 1, NULL, ${asOfSql}, format('malformed CSV record: {}', msg), ${texts.map(() => "NULL").join(", ")} FROM ds_rej`);
  if (generateKeys) {
    // prefix + 16 hex digits of an MD5 over the row's values + the occurrence of those values in
    // the file: the same record in a re-export gets the same key (and counts once, a duplicate);
    // two identical rows of one file stay two records.
    const others = spec.columns.filter((c) => c.name !== spec.key).map((c) => `coalesce(${sqlIdent(c.name)}, '')`).join(", ");
    await connection.run(`UPDATE ds_input SET ${sqlIdent(spec.key)} = g.id FROM (
        SELECT rec, ${sqlString(spec.generatedKeyPrefix!)} || substr(h, 1, 16) || '-' || CAST(row_number() OVER (PARTITION BY h ORDER BY rec) AS VARCHAR) AS id
        FROM (SELECT rec, md5(concat_ws(chr(31), ${others})) AS h FROM ds_input WHERE _malformed IS NULL)) g
      WHERE ds_input.rec = g.rec`);
  }
  // A sheet's row is its line (header = 1); a CSV record's first line is found for the rows
  // that go to quarantine only (loadBatch), by reading the file's line breaks.
  if (dialect.rowPerLine) await connection.run("UPDATE ds_input SET source_line = rec + 2");
  await connection.run("DROP TABLE IF EXISTS ds_read; DROP TABLE IF EXISTS ds_rej");
  const linesOf = dialect.format === "csv" && !dialect.rowPerLine ? (recs: number[]) => recordStartLines(readPath, 1, recs) : undefined;
  return { columns, missing: generateKeys ? missing.filter((m) => m !== spec.key) : missing, generatedKeys: generateKeys, ...(linesOf ? { linesOf } : {}) };
}

async function nextIngestionId(connection: DuckDBConnection): Promise<number> {
  return await count(connection, "SELECT coalesce(max(ingestion_id), 0) + 1 FROM raw.ingestions");
}

/** Ingests one export of a dataset in one transaction. */
export async function ingestDataset(connection: DuckDBConnection, spec: DatasetSpec, file: string, options: DatasetIngestOptions = {}): Promise<DatasetIngestResult> {
  const detected = detectDialect(file);
  const sha = await sha256File(file);
  await ensureRawSchema(connection);
  const { asOf, source: asOfSource } = spec.versioned ? asOfOf(file, options.asOf) : { asOf: null, source: null };
  const given = options.mapping ? loadDatasetMapping(spec, options.mapping) : undefined;
  const seen = await queryRows(connection, `SELECT ingestion_id, CAST(ingested_at AS VARCHAR) AS ingested_at FROM raw.ingestions
    WHERE file_sha256 = ${sqlString(sha)} AND dataset = ${sqlString(spec.name)} AND replay_of IS NULL ORDER BY ingestion_id LIMIT 1`);
  if (seen[0]) {
    const id = Number(seen[0]["ingestion_id"]);
    const still = await count(connection, `SELECT count(*) FROM raw.quarantine q JOIN raw.ingestions i USING (ingestion_id) WHERE coalesce(i.replay_of, i.ingestion_id) = ${id} AND q.resolved_by_ingestion IS NULL`);
    return {
      dataset: spec.name, file, format: detected.label, mapping: given?.name ?? "", ingestionId: null, rowsRead: 0, loaded: 0, quarantined: 0, duplicates: 0,
      asOf, asOfSource, alreadyIngested: { ingestionId: id, ingestedAt: String(seen[0]["ingested_at"]), quarantined: still }, missingOptionalColumns: [], reasons: [],
    };
  }
  await tuneForIngest(connection);
  const run = async (readPath: string, dialect: Dialect): Promise<DatasetIngestResult> => {
    const mapping = given ?? datasetPresetFor(spec, dialect.header);
    const { columns, missing, generatedKeys, linesOf } = await stageExport(connection, spec, file, readPath, dialect, mapping, asOf);
    const ingestionId = await nextIngestionId(connection);
    await connection.run("BEGIN TRANSACTION");
    try {
      const out = await loadBatch(connection, spec, mapping, { ingestionId, file, replayOf: null }, columns, dialect.rowPerLine === true, linesOf);
      await connection.run(`INSERT INTO raw.ingestions (ingestion_id, source_file, file_sha256, file_format, mapping, rows_read, rows_loaded, rows_quarantined, rows_duplicate,
          ingested_at, response_ids_generated, mapping_file, export_columns, dataset, as_of)
        VALUES (${ingestionId}, ${sqlString(file)}, ${sqlString(sha)}, ${sqlString(dialect.label)}, ${sqlString(mapping.name)}, ${out.rowsRead}, ${out.loaded}, ${out.quarantined}, ${out.duplicates},
          ${SQL_UTC_NOW}, ${generatedKeys ? out.rowsRead : 0}, ${sqlString(mapping.source)}, ${sqlString(JSON.stringify(columns))}, ${sqlString(spec.name)}, ${asOf === null ? "NULL" : `DATE ${sqlString(asOf)}`})`);
      await connection.run("COMMIT");
      const referenceNotices: string[] = [];
      for (const ref of spec.references ?? []) {
        const col = sqlIdent(ref.column);
        const unknown = await queryRows(connection, `SELECT count(*) OVER () AS n, ${col} AS v, _source_row AS row FROM raw.${sqlIdent(spec.table)} t
          WHERE t._ingestion_id = ${ingestionId} AND ${col} IS NOT NULL AND ${col} NOT IN (${ref.known}) ORDER BY _source_row LIMIT 3`);
        if (unknown.length > 0) {
          referenceNotices.push(`${Number(unknown[0]!["n"]).toLocaleString("en-US")} ${ref.says}, e.g. ${unknown.map((u) => `${String(u["v"])} (row ${String(u["row"])})`).join(", ")}: ${ref.fix}`);
        }
      }
      const notices = generatedKeys ? [`no ${spec.key} column: ${out.rowsRead.toLocaleString("en-US")} keys generated from the values (${spec.generatedKeyPrefix}<hash>-<n>; the same record in a re-export gets the same key)`, ...referenceNotices] : referenceNotices;
      return { dataset: spec.name, file, format: dialect.label, mapping: mapping.name, ingestionId, ...out, asOf, asOfSource, alreadyIngested: null, missingOptionalColumns: missing, notices };
    } catch (error) {
      await connection.run("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      await connection.run("DROP TABLE IF EXISTS ds_input").catch(() => undefined);
    }
  };
  try {
    if (detected.format === "csv") return await readCsvInEncoding(file, detected, options.encoding ?? given?.encoding, (readPath, dialect) => run(readPath, dialect));
    if (detected.format === "parquet") return await run(file, detected);
    const sheet = await (await import("./xlsx.ts")).xlsxToCsv(file, options.sheet ?? given?.sheet);
    try {
      return await run(sheet.csvPath, { format: "csv", delimiter: ",", hasBom: false, crlf: false, header: sheet.header, qualtrics: false, label: `xlsx (sheet "${sheet.sheet}")`, displayName: file, rowPerLine: true });
    } finally {
      sheet.cleanup();
    }
  } catch (error) {
    if (error instanceof PromotorError || error instanceof NotUtf8) throw error;
    throw new PromotorError(`ingest failed: ${String((error as Error).message ?? error).split("\n")[0]}`, {
      file,
      hint: `nothing of this file was loaded; check it opens as a ${detected.format === "xlsx" ? "workbook" : detected.format.toUpperCase()} export of ${spec.name}, and report the message above if it does`,
      cause: error,
    });
  }
}

/** As a replay of answers reports it, without `source`: a dataset's replay reads the stored values. */
export type DatasetReplayResult = Omit<ReplayFileResult, "source">;

/** Re-checks the open quarantine rows of a dataset from their stored text (with `mapping`, that
 * mapping's date, amount and currency notation), per file: the rows that now pass load as a new
 * ingestion (replay_of = the file's first), the others stay with their current reason. The
 * count holds per ingestion with rows_replayed, as for responses (src/ingest/quarantine.ts). */
export async function replayDataset(connection: DuckDBConnection, spec: DatasetSpec, options: { file?: string; mapping?: string } = {}): Promise<DatasetReplayResult[]> {
  await ensureRawSchema(connection);
  // The open rows of this dataset (and file): the filter `promotor quarantine list` uses.
  const open = quarantineWhereSql({ dataset: spec.name, ...(options.file ? { file: options.file } : {}) });
  const roots = await queryRows(connection, `SELECT coalesce(i.replay_of, i.ingestion_id) AS root, any_value(q.source_file) AS file,
      count(*) FILTER (WHERE q.raw_values IS NULL) AS malformed
    FROM raw.quarantine q JOIN raw.ingestions i USING (ingestion_id)
    WHERE ${open} GROUP BY ALL ORDER BY root`);
  const results: DatasetReplayResult[] = [];
  for (const r of roots) {
    const root = Number(r["root"]);
    const file = String(r["file"]);
    const [first] = await queryRows(connection, `SELECT mapping, mapping_file, file_sha256, export_columns FROM raw.ingestions WHERE ingestion_id = ${root}`);
    const mappingFile = (first?.["mapping_file"] as string | null) ?? null;
    const mapping = options.mapping
      ? loadDatasetMapping(spec, options.mapping)
      : mappingFile && mappingFile !== "(built in)"
        ? loadDatasetMapping(spec, mappingFile)
        : datasetPresetFor(spec, [spec.key]);
    const shape = JSON.stringify(Object.fromEntries([...spec.columns.map((c) => [c.name, "VARCHAR"]), ["_as_of", "VARCHAR"]]));
    const where = `${open} AND q.raw_values IS NOT NULL AND coalesce(i.replay_of, i.ingestion_id) = ${root}`;
    await connection.run(`CREATE OR REPLACE TEMP TABLE ds_replayed AS SELECT q.ingestion_id AS from_ingestion, q.source_row, q.reason AS old_reason FROM raw.quarantine q JOIN raw.ingestions i USING (ingestion_id) WHERE ${where}`);
    await connection.run(`CREATE OR REPLACE TEMP TABLE ds_input AS
      SELECT CAST(row_number() OVER (ORDER BY source_row) - 1 AS BIGINT) AS rec, source_row, source_line, TRY_CAST(s._as_of AS DATE) AS _as_of, NULL::VARCHAR AS _malformed,
        ${spec.columns.map((c) => `NULLIF(s.${sqlIdent(c.name)}, '') AS ${sqlIdent(c.name)}`).join(", ")}
      FROM (SELECT q.source_row, q.source_line, json_transform(q.raw_values, ${sqlString(shape)}) AS s FROM raw.quarantine q JOIN raw.ingestions i USING (ingestion_id) WHERE ${where})`);
    const replayed = await count(connection, "SELECT count(*) FROM ds_input");
    const ingestionId = await nextIngestionId(connection);
    await connection.run("BEGIN TRANSACTION");
    try {
      const columns = JSON.parse(String(first?.["export_columns"] ?? "{}")) as ExportColumns;
      const out = await loadBatch(connection, spec, mapping, { ingestionId, file, replayOf: root }, columns, false);
      const changed = await count(connection, `SELECT count(*) FROM raw.quarantine n JOIN ds_replayed o USING (source_row) WHERE n.ingestion_id = ${ingestionId} AND n.reason IS DISTINCT FROM o.old_reason`);
      if (out.loaded === 0 && out.duplicates === 0 && changed === 0) {
        // Nothing would change: not recorded, so replaying twice changes nothing.
        await connection.run("ROLLBACK");
        results.push({ file, replayIngestionId: null, replayed, loaded: 0, duplicates: 0, stillQuarantined: replayed, notReplayable: Number(r["malformed"]) });
        continue;
      }
      await connection.run(`DELETE FROM raw.quarantine q USING ds_replayed o WHERE q.ingestion_id = o.from_ingestion AND q.source_row = o.source_row AND q.dataset = ${sqlString(spec.name)}`);
      await connection.run(`UPDATE raw.ingestions i SET rows_quarantined = i.rows_quarantined - m.n, rows_replayed = coalesce(i.rows_replayed, 0) + m.n
        FROM (SELECT from_ingestion, count(*) AS n FROM ds_replayed GROUP BY from_ingestion) m WHERE i.ingestion_id = m.from_ingestion`);
      await connection.run(`INSERT INTO raw.ingestions (ingestion_id, source_file, file_sha256, file_format, mapping, rows_read, rows_loaded, rows_quarantined, rows_duplicate,
          ingested_at, response_ids_generated, mapping_file, rows_replayed, replay_of, dataset, as_of)
        SELECT ${ingestionId}, ${sqlString(file)}, file_sha256, 'replay', ${sqlString(mapping.name)}, ${out.rowsRead}, ${out.loaded}, ${out.quarantined}, ${out.duplicates},
          ${SQL_UTC_NOW}, 0, ${sqlString(mapping.source)}, 0, ${root}, ${sqlString(spec.name)}, as_of FROM raw.ingestions WHERE ingestion_id = ${root}`);
      await connection.run("COMMIT");
      results.push({ file, replayIngestionId: ingestionId, replayed, loaded: out.loaded, duplicates: out.duplicates, stillQuarantined: out.quarantined, notReplayable: Number(r["malformed"]) });
    } catch (error) {
      await connection.run("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      await connection.run("DROP TABLE IF EXISTS ds_input; DROP TABLE IF EXISTS ds_replayed").catch(() => undefined);
    }
  }
  return results;
}
