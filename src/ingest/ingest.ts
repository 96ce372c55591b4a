import type { DuckDBConnection } from "@duckdb/node-api";
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { join } from "node:path";
import { queryRows, SQL_UTC_NOW, sqlIdent, sqlString } from "../lib/duckdb.ts";
import { NotUtf8, scanEncoding, transcodeToUtf8, type Encoding } from "./encoding.ts";
import { PromotorError } from "../lib/errors.ts";
import { projectRoot } from "../lib/paths.ts";
import { CANONICAL_COLUMNS, type CanonicalColumn } from "../survey/canonical.ts";
import { detectDialect, splitCsvLine, type Dialect } from "./detect.ts";
import { findUnclosedQuote, recordStartLines } from "./lines.ts";
import { canonicalMapping, detectPreset, loadMapping, normalizeHeader, PRESETS, type Mapping } from "./mapping.ts";
import { ensureRawSchema } from "./schema.ts";

export interface ReasonCount {
  reason: string;
  rows: number;
}

/** What ingesting one file gives, whatever the dataset (answers here, the others in
 * src/ingest/dataset.ts): rows_read = loaded + quarantined + duplicates. */
export interface FileIngestCounts {
  file: string;
  format: string;
  mapping: string;
  ingestionId: number | null;
  rowsRead: number;
  loaded: number;
  quarantined: number;
  duplicates: number;
  /** Set when the file was ingested before (same SHA-256): nothing was changed. `quarantined`:
   * its rows still in quarantine (replayable after a fix). */
  alreadyIngested: { ingestionId: number; ingestedAt: string; quarantined?: number } | null;
  /** Mapped columns the file does not have (filled with NULL). */
  missingOptionalColumns: string[];
  reasons: ReasonCount[];
  /** What people should know about how the file was read (e.g. converted from Windows-1252). */
  notices?: string[];
}

export interface IngestResult extends FileIngestCounts {
  /** Loaded rows whose touchpoint is not in the journey map (seeds/reference/touchpoints.csv). */
  unknownTouchpoints: UnknownTouchpoint[];
  /** Rows given a generated response_id (the export has no response id column). */
  generatedIds: number;
}

export interface IngestOptions {
  /** Preset name or YAML path; by default canonical, or the Qualtrics preset for Qualtrics exports. */
  mapping?: string;
  /** Touchpoint codes of the journey map, in journey order; default: seeds/reference/touchpoints.csv. */
  touchpoints?: readonly string[];
  /** Quarantine rows whose touchpoint is not in the journey map (default: load and report them). */
  strictTouchpoints?: boolean;
  /** Worksheet of an .xlsx workbook (default: the mapping's `sheet`, else the first). */
  sheet?: string;
  /** Character encoding of a CSV export (default: the mapping's `encoding`, else decided from
   * the file as a whole: src/ingest/encoding.ts). */
  encoding?: Encoding;
}

export function referenceTouchpoints(path: string = join(projectRoot, "seeds", "reference", "touchpoints.csv")): string[] {
  const [header = "", ...lines] = readFileSync(path, "utf8").split(/\r?\n/);
  const order = splitCsvLine(header, ",").map((h) => h.trim()).indexOf("journey_order");
  const steps = lines
    .filter((l) => l.trim().length > 0)
    .map((l) => splitCsvLine(l, ","))
    .map((f) => ({ touchpoint: f[0]?.trim() ?? "", order: order >= 0 ? Number(f[order]) : 0 }))
    .filter((t) => t.touchpoint.length > 0);
  // In journey order: the order "did you mean" breaks ties by (unknownTouchpointsOf).
  return steps.sort((a, b) => a.order - b.order).map((t) => t.touchpoint);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export const scoreName = (c: CanonicalColumn): string => `${c.name}__int`;

/** canonical column -> where it comes from in the export: its column (1-based number, or the
 * letter in an .xlsx sheet) and header text. */
export type ExportColumns = Record<string, { position: string; header: string }>;

const columnLetter = (n: number): string => (n <= 0 ? "" : columnLetter(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)));

/** Where each mapped canonical column is in the export. */
function exportColumnsOf(mapping: Mapping, sourceColumns: Map<string, string>, letters = false): ExportColumns {
  const headers = [...sourceColumns.values()];
  const out: ExportColumns = {};
  for (const c of CANONICAL_COLUMNS) {
    const wanted = mapping.constants[c.name] === undefined ? mapping.columns[c.name] : undefined;
    const actual = wanted === undefined ? undefined : findColumn(sourceColumns, wanted);
    if (actual === undefined) continue;
    const n = headers.indexOf(actual) + 1;
    out[c.name] = { position: letters ? columnLetter(n) : String(n), header: actual.length > 60 ? `${actual.slice(0, 57)}...` : actual };
  }
  return out;
}

/** One validation rule: when `fails` is true, `message` says why (both SQL over a mapped row). */
interface Check {
  fails: string;
  message: string;
}

/** SQL that yields why a mapped row cannot be loaded ("; "-separated), NULL when it can. One
 * boolean test decides; the messages are built only for the rows that fail it. */
export function reasonsSql(touchpoints: readonly string[], mapping: Mapping, strictTouchpoints: boolean, generateIds: boolean, columns: ExportColumns = {}, options: { maxValueBytes?: number } = {}): string {
  const checks: Check[] = [];
  for (const c of CANONICAL_COLUMNS) {
    const col = sqlIdent(c.name);
    // The export's own column, when it is not called like the canonical one: `recommend_score
    // (column 2 "How likely …")`, so a person finds the cell.
    const where = columns[c.name];
    const name = (where && normalizeHeader(where.header) !== c.name ? `${c.name} (column ${where.position} "${where.header}")` : c.name).replaceAll("'", "''");
    if (options.maxValueBytes !== undefined && c.kind === "text") {
      const mb = (options.maxValueBytes / 1e6).toFixed(0);
      checks.push({
        fails: `strlen(${col}) > ${options.maxValueBytes}`,
        message: `format('{} holds a value of {} MB (at most ${mb} MB): a quote left open, or a document pasted into the cell?', '${name}', round(strlen(${col}) / 1e6, 1))`,
      });
    }
    if (c.required && !(generateIds && c.name === "response_id")) checks.push({ fails: `${col} IS NULL`, message: `'missing ${name} (required)'` });
    if (c.kind === "score" && c.scale) {
      const scale = `${c.scale.min}–${c.scale.max}`;
      const typed = sqlIdent(scoreName(c));
      checks.push({
        fails: `${col} IS NOT NULL AND (${typed} IS NULL OR ${typed} NOT BETWEEN ${c.scale.min} AND ${c.scale.max})`,
        message: `CASE WHEN ${typed} IS NULL THEN format('{} ''{}'' is not a whole number on the ${scale} scale', '${name}', ${col})
          ELSE format('{} {} is outside the ${scale} scale', '${name}', ${col}) END`,
      });
    }
    if (c.kind === "timestamp") {
      const hint = mapping.timestampFormat ? `the format ${mapping.timestampFormat.replaceAll("'", "''")} or ISO 8601` : "ISO 8601 (YYYY-MM-DDTHH:MM:SS); set timestamp_format in the mapping for other layouts";
      checks.push({ fails: `${col} IS NOT NULL AND answered_at__ts IS NULL`, message: `format('{} ''{}'' is not a timestamp in ${hint}', '${name}', ${col})` });
    }
    if (c.values) {
      const list = c.values.map(sqlString).join(", ");
      checks.push({ fails: `${col} IS NOT NULL AND ${col} NOT IN (${list})`, message: `format('{} ''{}'' is not one of ${c.values.join(", ")}', '${name}', ${col})` });
    }
  }
  const known = touchpoints.map(sqlString).join(", ");
  checks.push({ fails: `survey_type = 'touchpoint' AND touchpoint IS NULL`, message: `'missing touchpoint (required for touchpoint surveys)'` });
  // By default a touchpoint missing from the journey map is loaded and reported (the marts place
  // it after the known journey until the map names it); strict mode quarantines it.
  if (strictTouchpoints) {
    checks.push({
      fails: `touchpoint IS NOT NULL AND touchpoint NOT IN (${known})`,
      message: `format('unknown touchpoint ''{}'' (strict mode; known: ${touchpoints.join(", ")}; add it to seeds/reference/touchpoints.csv and run promotor quarantine replay)', touchpoint)`,
    });
  }
  if (mapping.npsGroupColumn) {
    checks.push({
      fails: `_nps_group IS NOT NULL AND recommend_score__int IS NOT NULL
        AND (CASE WHEN recommend_score__int >= 9 THEN 'promoter' WHEN recommend_score__int >= 7 THEN 'passive' ELSE 'detractor' END)
            <> (CASE lower(_nps_group) WHEN '3' THEN 'promoter' WHEN '2' THEN 'passive' WHEN '1' THEN 'detractor' ELSE lower(_nps_group) END)`,
      message: `format('${mapping.npsGroupColumn} ''{}'' disagrees with recommend_score {}', _nps_group, recommend_score__int)`,
    });
  }
  // coalesce: a comparison with NULL is NULL, and a check that cannot decide does not fail.
  const anyFails = checks.map((k) => `coalesce(${k.fails}, false)`).join("\n    OR ");
  const messages = checks.map((k) => `CASE WHEN coalesce(${k.fails}, false) THEN ${k.message} END`).join(",\n");
  return `CASE WHEN ${anyFails} THEN NULLIF(concat_ws('; ', ${messages}), '') END`;
}

/** A value without surrounding spaces, '' as NULL. trim() copies every string; most values have
 * no spaces to remove, and testing for them first saved ~2 s per 10 million rows. */
export function cleanText(value: string): string {
  return `CASE WHEN ${value} = '' OR ${value} LIKE ' %' OR ${value} LIKE '% ' THEN NULLIF(trim(${value}), '') ELSE ${value} END`;
}

/** Canonical text columns from the source table, trimmed, '' -> NULL, codes lower-cased. Export
 * columns are found by their header text (case and white space ignored). */
function mappedSelect(mapping: Mapping, sourceColumns: Map<string, string>, missing: string[]): string {
  const lowerCased = new Set(["survey_type", "touchpoint", "language"]);
  const parts = CANONICAL_COLUMNS.map((c) => {
    const constant = mapping.constants[c.name];
    let expr: string;
    if (constant !== undefined) expr = sqlString(constant);
    else {
      const wanted = mapping.columns[c.name];
      const actual = wanted === undefined ? undefined : findColumn(sourceColumns, wanted);
      if (wanted !== undefined && actual === undefined) missing.push(c.name);
      expr = actual === undefined ? "NULL::VARCHAR" : cleanText(`CAST(s.${sqlIdent(actual)} AS VARCHAR)`);
      if (actual !== undefined && mapping.nullValues.length > 0) {
        expr = `CASE WHEN lower(${expr}) IN (${mapping.nullValues.map(sqlString).join(", ")}) THEN NULL ELSE ${expr} END`;
      }
    }
    if (lowerCased.has(c.name)) expr = `lower(${expr})`;
    return `${expr} AS ${sqlIdent(c.name)}`;
  });
  const group = mapping.npsGroupColumn ? findColumn(sourceColumns, mapping.npsGroupColumn) : undefined;
  parts.push(group ? `${cleanText(`CAST(s.${sqlIdent(group)} AS VARCHAR)`)} AS _nps_group` : "NULL::VARCHAR AS _nps_group");
  return parts.join(",\n  ");
}

/** A text timestamp as UTC TIMESTAMP: the mapping's formats, then Excel serial dates (when
 * `excel` is among them, rounded to the second), then ISO 8601. Wall-clock times are in the session time zone, which
 * ingest sets to the mapping's `timezone`; an explicit offset wins. */
export function timestampSql(column: string, mapping: Pick<Mapping, "strptimeFormats" | "excelSerial" | "timezone">): string {
  const col = sqlIdent(column);
  const tries: string[] = [];
  // Formats without an offset give wall-clock times (the session time zone applies); formats with
  // %z carry their offset. Kept in separate calls: in one list, DuckDB would read every result as UTC.
  const wallClock = mapping.strptimeFormats.filter((f) => !f.includes("%z"));
  const withOffset = mapping.strptimeFormats.filter((f) => f.includes("%z"));
  if (wallClock.length > 0) tries.push(`CAST(try_strptime(${col}, [${wallClock.map(sqlString).join(", ")}]) AS TIMESTAMPTZ)`);
  if (withOffset.length > 0) {
    // "GMT-4", "GMT+5:30", "GMT" (as Google Forms writes offsets) become -04:00, +05:30, +00:00 for %z.
    let text = col;
    for (const [from, to] of [
      [" (GMT|UTC)([+-])([0-9]):([0-9]{2})$", " \\20\\3:\\4"],
      [" (GMT|UTC)([+-])([0-9]{2}):([0-9]{2})$", " \\2\\3:\\4"],
      [" (GMT|UTC)([+-])([0-9])$", " \\20\\3:00"],
      [" (GMT|UTC)([+-])([0-9]{2})$", " \\2\\3:00"],
      [" (GMT|UTC)$", " +00:00"],
    ]) text = `regexp_replace(${text}, ${sqlString(from!)}, ${sqlString(to!)})`;
    tries.push(`try_strptime(${text}, [${withOffset.map(sqlString).join(", ")}])`);
  }
  if (mapping.excelSerial) {
    tries.push(`CASE WHEN regexp_full_match(${col}, '[0-9]{1,6}(\\.[0-9]+)?')
      THEN CAST(TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(CAST(${col} AS DOUBLE) * 86400) AS BIGINT) * 1000000) AS TIMESTAMPTZ) END`);
  }
  tries.push(`TRY_CAST(${col} AS TIMESTAMPTZ)`);
  const general = `timezone('UTC', ${tries.length === 1 ? tries[0] : `coalesce(${tries.join(", ")})`})`;
  // Fast path for the common case, ISO 8601 to the second without offset in a UTC mapping
  // ("2026-10-31T23:58:39": 19 characters, ':' before the seconds): a plain cast, ~5 × cheaper
  // than the time-zone-aware one. Everything else (offsets, fractions, other layouts) takes the
  // general path.
  if (mapping.timezone === "UTC" && mapping.strptimeFormats.length === 0) {
    return `CASE WHEN length(${col}) = 19 AND substr(${col}, 17, 1) = ':' THEN TRY_CAST(${col} AS TIMESTAMP) ELSE ${general} END`;
  }
  return general;
}

/** The export column a mapping names: its header text (case and white space ignored), or with
 * `/pattern/` the first header the regular expression matches (case-insensitive). */
export function findColumn(sourceColumns: Map<string, string>, wanted: string): string | undefined {
  const pattern = /^\/(.+)\/$/.exec(wanted.trim());
  if (!pattern) return sourceColumns.get(normalizeHeader(wanted));
  const re = new RegExp(pattern[1]!, "i");
  for (const [normalized, actual] of sourceColumns) if (re.test(normalized) || re.test(actual)) return actual;
  return undefined;
}

export function typedSelect(mapping: Mapping): string {
  const parts = CANONICAL_COLUMNS.filter((c) => c.kind === "score").map(
    (c) => `CASE WHEN regexp_full_match(${sqlIdent(c.name)}, '[0-9]{1,3}') THEN CAST(${sqlIdent(c.name)} AS SMALLINT) END AS ${sqlIdent(scoreName(c))}`,
  );
  parts.push(`${timestampSql("answered_at", mapping)} AS answered_at__ts`);
  return parts.join(",\n  ");
}

/** The values that make two rows "the same response": everything but lineage. For a staged row
 * (typed scores in `<name>__int`) or, with `loaded`, for a row of raw.responses under that alias. */
export function rowHashSql(loaded?: string): string {
  const values = CANONICAL_COLUMNS.map((c) => {
    const column = loaded ? `${loaded}.${sqlIdent(c.name)}` : sqlIdent(c.kind === "score" ? scoreName(c) : c.kind === "timestamp" ? "answered_at__ts" : c.name);
    return c.kind === "text" ? `coalesce(${column}, '')` : `coalesce(CAST(${column} AS VARCHAR), '')`;
  });
  return `md5(concat_ws(chr(31), ${values.join(", ")}))`;
}

export function finalColumns(): string {
  return CANONICAL_COLUMNS.map((c) =>
    c.kind === "score" ? `${sqlIdent(scoreName(c))} AS ${sqlIdent(c.name)}` : c.kind === "timestamp" ? `answered_at__ts AS answered_at` : sqlIdent(c.name),
  ).join(", ");
}

export async function count(connection: DuckDBConnection, sql: string): Promise<number> {
  const rows = await queryRows(connection, sql);
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

/** The table function that reads one export, every value as text (validation happens in SQL, so
 * '7,5' stays text and is rejected, never read as 7 or 75). */
/** Records up to this size are read at once; a longer one (a value of many megabytes: a quote left
 * open, a pasted document) makes the read start again with room for it, and the value is
 * quarantined with its row (ingestReadable). */
export const MAX_LINE_BYTES = 10_000_000;
/** The longest record read at all; beyond it the file is refused with its size. */
const LONGEST_LINE_BYTES = 512_000_000;

export function sourceScan(file: string, dialect: Dialect, withRejects: boolean, maxLineBytes: number = MAX_LINE_BYTES): string {
  if (dialect.format === "parquet") return `read_parquet(${sqlString(file)})`;
  // store_rejects keeps malformed records (wrong column count) instead of failing.
  const rejects = withRejects ? ", store_rejects = true, rejects_table = 'src_rejects', rejects_scan = 'src_reject_scans'" : "";
  return `read_csv(${sqlString(file)}, header = true, all_varchar = true, delim = ${sqlString(dialect.delimiter)}, quote = '"', escape = '"', max_line_size = ${maxLineBytes}${rejects})`;
}

/** Runs a read with DuckDB's line limit, and again with room for a longer record when DuckDB
 * reports one (it fails the whole read, naming line 1): the values over the limit are then
 * quarantined with their rows (reasonsSql's maxValueBytes), the rest loads. */
export async function readingLongRecords<T>(file: string, dialect: Dialect, read: (maxLineBytes: number) => Promise<T>): Promise<T> {
  for (let maxLineBytes = MAX_LINE_BYTES; ; ) {
    try {
      return await read(maxLineBytes);
    } catch (error) {
      const size = overlongRecord(error);
      if (size === undefined || dialect.format !== "csv") throw error;
      if (size > LONGEST_LINE_BYTES || maxLineBytes >= LONGEST_LINE_BYTES) {
        throw new PromotorError(`a record of ${(size / 1e6).toFixed(0)} MB, longer than the ${LONGEST_LINE_BYTES / 1e6} MB read at all: a quote left open that runs on to the end of the file?`, {
          file: dialect.displayName ?? file, exitCode: 2, cause: error,
          hint: "look for a \" without its closing quote (a quote inside a value is written twice: \"\"), fix it and ingest the file again",
        });
      }
      maxLineBytes = Math.min(LONGEST_LINE_BYTES, Math.max(size + 1024, maxLineBytes * 2));
    }
  }
}

/** The size DuckDB reports for a record longer than max_line_size, if that is the error. */
function overlongRecord(error: unknown): number | undefined {
  const found = /Maximum line size of \d+ bytes exceeded\. Actual Size: ?(\d+)/.exec(error instanceof Error ? error.message : String(error));
  return found ? Number(found[1]) : undefined;
}

/** A read failure explained: what is wrong, where (line and column when it can be found) and
 * what to do. DuckDB's own text follows only as a detail, never alone. */
export async function readError(file: string, dialect: Dialect, error: unknown): Promise<PromotorError> {
  if (error instanceof PromotorError) return error;
  const raw = (error as Error).message.split("\n")[0] ?? "";
  const detail = ` (DuckDB: ${raw.replace(/^[A-Za-z ]+ Error: /, "")})`;
  if (dialect.format === "csv") {
    const open = await findUnclosedQuote(file, dialect.delimiter).catch(() => null);
    if (open) {
      const column = dialect.header[open.field - 1];
      return new PromotorError(
        open.runsOnTo === undefined
          ? `unclosed quote: the quoted value that starts here (field ${open.field}${column ? `, column "${column}"` : ""}) never ends, so the rest of the file would be one value`
          : `unclosed quote: the quoted value that starts here (field ${open.field}${column ? `, column "${column}"` : ""}) runs on to line ${open.runsOnTo}, where a quote ends it in the middle of a value`,
        { file: dialect.displayName ?? file, line: open.line, column: open.column, hint: `close the quote (a quote inside a value is written twice: "") or remove the stray " at line ${open.line}, then ingest the file again`, cause: error },
      );
    }
    if (/unicode|utf-?8|byte sequence/i.test(raw)) {
      return new PromotorError(`the file is not UTF-8 text${detail}`, { file, hint: "save the export as CSV UTF-8 (Excel: Save As > CSV UTF-8), then ingest it again", cause: error });
    }
  }
  if (dialect.format === "parquet") {
    return new PromotorError(`cannot read the Parquet file${detail}`, { file, hint: "export the file again; a Parquet file that DuckDB cannot open is damaged or not Parquet", cause: error });
  }
  return new PromotorError(`cannot read the file${detail}`, {
    file: dialect.displayName ?? file,
    hint: "check that it is a CSV (UTF-8, , or ; separated), an .xlsx workbook or a Parquet export; open it in a text editor to see its first lines",
    cause: error,
  });
}

/** Column names of the export (reads only its header / schema). */
export async function sourceColumnsOf(connection: DuckDBConnection, file: string, dialect: Dialect): Promise<Map<string, string>> {
  try {
    // The same reader options as the load (with rejects), so a malformed record cannot fail the sniff.
    const rows = await readingLongRecords(file, dialect, (maxLineBytes) => queryRows(connection, `DESCRIBE SELECT * FROM ${sourceScan(file, dialect, true, maxLineBytes)}`));
    return new Map(rows.map((r) => [normalizeHeader(String(r["column_name"])), String(r["column_name"])] as const));
  } catch (error) {
    throw await readError(file, dialect, error);
  }
}

/** Memory and spill settings for one ingest: DuckDB would otherwise take up to 80 % of RAM;
 * with a limit it spills the staging table to disk next to the warehouse instead. */
export async function tuneForIngest(connection: DuckDBConnection): Promise<void> {
  const limit = process.env["PROMOTOR_DUCKDB_MEMORY_LIMIT"] ?? "1000MB";
  await connection.run(`SET memory_limit = ${sqlString(limit)}`);
  const dbFile = (await queryRows(connection, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"))[0]?.["path"];
  if (typeof dbFile === "string" && dbFile.length > 0) {
    // DuckDB refuses to set the directory again once it has spilled there (the next file of the
    // same ingest), even to the same path.
    const current = (await queryRows(connection, "SELECT current_setting('temp_directory') AS d"))[0]?.["d"];
    if (current !== `${dbFile}.tmp`) await connection.run(`SET temp_directory = ${sqlString(`${dbFile}.tmp`)}`);
  }
}

export interface UnknownTouchpoint {
  touchpoint: string;
  rows: number;
  /** The journey step it is probably a misspelling of, or null. */
  suggestion: string | null;
}

/** Loaded rows of one ingestion whose touchpoint is not in the journey map (touchpoints, in
 * journey order), with counts and the step it is probably a misspelling of. The suggestion is
 * the rule of marts.fct_data_quality, so ingest and build suggest the same: the step with the
 * highest Jaro-Winkler similarity, when at least 0.9; of equally close ones the earliest. */
export async function unknownTouchpointsOf(connection: DuckDBConnection, ingestionId: number, touchpoints: readonly string[]): Promise<UnknownTouchpoint[]> {
  const known = touchpoints.length > 0 ? `AND touchpoint NOT IN (${touchpoints.map(sqlString).join(", ")})` : "";
  const steps = `(VALUES ${touchpoints.map((t, i) => `(${sqlString(t)}, ${i})`).join(", ")}) AS k(touchpoint, journey_order)`;
  const suggestion =
    touchpoints.length === 0
      ? "NULL::VARCHAR"
      : `(SELECT arg_min(k.touchpoint, (-jaro_winkler_similarity(u.touchpoint, k.touchpoint), k.journey_order)) FROM ${steps}
          WHERE jaro_winkler_similarity(u.touchpoint, k.touchpoint) >= 0.9)`;
  const rows = await queryRows(connection, `WITH u AS (SELECT touchpoint, count(*) AS n FROM raw.responses
      WHERE _ingestion_id = ${ingestionId} AND touchpoint IS NOT NULL ${known} GROUP BY touchpoint)
    SELECT u.touchpoint, u.n, ${suggestion} AS suggestion
    FROM u ORDER BY u.n DESC, u.touchpoint`);
  return rows.map((r) => ({ touchpoint: String(r["touchpoint"]), rows: Number(r["n"]), suggestion: r["suggestion"] == null ? null : String(r["suggestion"]) }));
}

/**
 * Response ids for an export that has none: `g-` + the first 16 hex digits of an MD5 over the
 * row's answers (every canonical value, typed) + `-` + the occurrence of those same answers in
 * this file (1, 2, …, in file order). The same response in a re-export (an overlapping period,
 * another file name) gets the same id and counts once as an exact duplicate; two identical rows
 * inside one file stay two responses.
 */
async function generateResponseIds(connection: DuckDBConnection): Promise<void> {
  await connection.run(`UPDATE checked SET response_id = g.id
    FROM (SELECT rid, 'g-' || substr(h, 1, 16) || '-' || CAST(row_number() OVER (PARTITION BY h ORDER BY rid) AS VARCHAR) AS id
          FROM (SELECT rowid AS rid, ${rowHashSql()} AS h FROM checked)) g
    WHERE checked.rowid = g.rid`);
  // raw_values of rows going to quarantine carry the id too, so a replay keeps it.
  await connection.run(`UPDATE checked SET raw_values = json_merge_patch(raw_values, json_object('response_id', response_id)) WHERE raw_values IS NOT NULL`);
}

/** Ingests one file in one transaction. */
export async function ingestFile(connection: DuckDBConnection, file: string, options: IngestOptions = {}): Promise<IngestResult> {
  const detected = detectDialect(file);
  const mapping = options.mapping ? loadMapping(options.mapping) : detected.format === "csv" ? presetFor(detected) : canonicalMapping();
  const sha = await sha256File(file);
  await ensureRawSchema(connection);
  const seen = await queryRows(connection, `SELECT ingestion_id, CAST(ingested_at AS VARCHAR) AS ingested_at FROM raw.ingestions WHERE file_sha256 = ${sqlString(sha)} AND dataset = 'responses' AND replay_of IS NULL ORDER BY ingestion_id LIMIT 1`);
  if (seen[0]) {
    const id = Number(seen[0]["ingestion_id"]);
    const stillQuarantined = await count(connection, `SELECT count(*) FROM raw.quarantine q JOIN raw.ingestions i USING (ingestion_id) WHERE coalesce(i.replay_of, i.ingestion_id) = ${id} AND q.resolved_by_ingestion IS NULL`);
    return {
      file, format: detected.label, mapping: mapping.name, missingOptionalColumns: [], reasons: [], unknownTouchpoints: [], generatedIds: 0,
      ingestionId: null, rowsRead: 0, loaded: 0, quarantined: 0, duplicates: 0,
      alreadyIngested: { ingestionId: id, ingestedAt: String(seen[0]["ingested_at"]), quarantined: stillQuarantined },
    };
  }
  try {
    if (detected.format === "csv") return await ingestCsv(connection, file, detected, mapping, sha, options);
    if (detected.format !== "xlsx") return await ingestReadable(connection, file, file, detected, mapping, sha, options);
    // An .xlsx sheet is read through a temporary CSV (one record per sheet row). The reader is
    // loaded only for workbooks (~50 ms of every ingest otherwise).
    const sheet = await (await import("./xlsx.ts")).xlsxToCsv(file, options.sheet ?? mapping.sheet);
    try {
      const csv: Dialect = { format: "csv", delimiter: ",", hasBom: false, crlf: false, header: sheet.header, qualtrics: false, label: "csv" };
      const dialect: Dialect = { ...csv, label: `xlsx (sheet "${sheet.sheet}")`, displayName: file, rowPerLine: true };
      const withPreset = options.mapping ? mapping : presetFor(csv);
      return await ingestReadable(connection, file, sheet.csvPath, dialect, withPreset, sha, options);
    } finally {
      sheet.cleanup();
    }
  } catch (error) {
    // No database error reaches people on its own: it comes with the file and what to do.
    if (error instanceof PromotorError) throw error;
    throw new PromotorError(`ingest failed: ${String((error as Error).message ?? error).split("\n")[0]}`, {
      file,
      hint: `nothing of this file was loaded; check it opens as a ${detected.format === "xlsx" ? "workbook" : detected.format.toUpperCase()} export with the mapping "${mapping.name}", and report the message above if it does`,
      cause: error,
    });
  }
}

/** A CSV export in its encoding: as UTF-8 unless it is not (DuckDB's read finds the first bad
 * byte before anything is loaded), then converted from Windows-1252 when the file holds no UTF-8
 * at all; a file that mixes both is refused whole (src/ingest/encoding.ts). */
async function ingestCsv(connection: DuckDBConnection, file: string, detected: Dialect, mapping: Mapping, sha: string, options: IngestOptions): Promise<IngestResult> {
  return readCsvInEncoding(file, detected, options.encoding ?? mapping.encoding, (readPath, dialect, converted) =>
    // A converted header is read again: column names with accents now match the mapping.
    ingestReadable(connection, file, readPath, dialect, converted && !options.mapping ? presetFor(dialect) : mapping, sha, options),
  );
}

/** Reads a CSV export (any dataset) in its encoding: `read` gets the path to read, its dialect,
 * and whether it was converted from Windows-1252 (then the result carries a notice saying so).
 * `read` must throw NotUtf8 (from the reader's rejects) when the bytes are not UTF-8. */
export async function readCsvInEncoding<R extends { format: string; notices?: string[] }>(
  file: string,
  detected: Dialect,
  given: Encoding | undefined,
  read: (readPath: string, dialect: Dialect, converted: boolean) => Promise<R>,
): Promise<R> {
  const convert = async (notice: string): Promise<R> => {
    const converted = await transcodeToUtf8(file, "windows-1252");
    try {
      const again = detectDialect(converted.path);
      const dialect: Dialect = { ...again, hasBom: detected.hasBom, displayName: file, label: detected.label.replace(/\)$/, ", windows-1252)") };
      const result = await read(converted.path, dialect, true);
      return { ...result, format: dialect.label, notices: [...(result.notices ?? []), notice] };
    } finally {
      converted.cleanup();
    }
  };
  if (given === "windows-1252") return await convert("read as Windows-1252 (Latin-1), as the mapping or --encoding says, and converted to UTF-8");
  try {
    return await read(file, detected, false);
  } catch (error) {
    if (!(error instanceof NotUtf8)) throw error;
    if (given === "utf-8") {
      throw new PromotorError("the file is not UTF-8, though the mapping or --encoding says it is; nothing of it was loaded", {
        file, line: error.line, exitCode: 2,
        hint: "save it as CSV UTF-8 (Excel: Save As > CSV UTF-8), or ingest it with --encoding windows-1252 if it was saved as ANSI / Latin-1",
      });
    }
    const scan = await scanEncoding(file);
    if (scan.utf8Chars > 0) {
      throw new PromotorError(`the file mixes two encodings: line ${scan.firstInvalidLine ?? error.line} has bytes that are not UTF-8 (${scan.invalidBytes} in all), while other lines hold UTF-8 letters; nothing of it was loaded`, {
        file, line: scan.firstInvalidLine ?? error.line, exitCode: 2,
        hint: "open it in a text editor and save it as UTF-8 (Excel: Save As > CSV UTF-8), then ingest it again",
      });
    }
    return await convert(`not UTF-8 (first at line ${scan.firstInvalidLine ?? error.line}): read as Windows-1252 (Latin-1) and converted to UTF-8; pass --encoding windows-1252 (or encoding: in the mapping) to say so`);
  }
}

/** The preset whose signature columns the header has (Qualtrics: its ImportId row), else canonical. */
export function presetFor(dialect: Dialect): Mapping {
  if (dialect.qualtrics) return loadMapping("qualtrics");
  const preset = detectPreset(dialect.header);
  return preset ? loadMapping(preset) : canonicalMapping();
}

/** How a mapping meets an export, for ingest and replay alike: the mapped SELECT, the mapped
 * columns the export lacks, whether response ids are generated (no response id in the mapping,
 * or a canonical export without that column), and the required columns nothing fills. */
function mapColumns(mapping: Mapping, sourceColumns: Map<string, string>): { select: string; missing: string[]; generateIds: boolean; missingRequired: string[] } {
  const missing: string[] = [];
  const select = mappedSelect(mapping, sourceColumns, missing);
  const generateIds = mapping.constants["response_id"] === undefined && (mapping.columns["response_id"] === undefined || (mapping.name === "canonical" && missing.includes("response_id")));
  const missingRequired = missing.filter((m) => CANONICAL_COLUMNS.find((c) => c.name === m)?.required && !(generateIds && m === "response_id"));
  return { select, missing, generateIds, missingRequired };
}

async function ingestReadable(connection: DuckDBConnection, file: string, readPath: string, dialect: Dialect, mapping: Mapping, sha: string, options: IngestOptions): Promise<IngestResult> {
  const touchpoints = options.touchpoints ?? referenceTouchpoints();
  const strict = options.strictTouchpoints ?? mapping.strictTouchpoints;
  const base = { file, format: dialect.label, mapping: mapping.name };

  await tuneForIngest(connection);
  const sourceColumns = await sourceColumnsOf(connection, readPath, dialect);
  const { select, missing, generateIds, missingRequired } = mapColumns(mapping, sourceColumns);
  if (missingRequired.length > 0) {
    throw new PromotorError(
      `the export has no column for ${missingRequired.map((m) => `${m} (mapped from "${mapping.columns[m]}")`).join(", ")}; it has: ${[...sourceColumns.values()].slice(0, 40).join(", ")}`,
      {
        file,
        line: 1,
        hint: `${dialect.rowPerLine ? `is it the right sheet? (read: ${dialect.label}; choose one with --sheet NAME) ` : ""}pass --mapping with a preset (${Object.keys(PRESETS).join(", ")}) or a YAML file that maps this export's columns (see docs/ingest.md), or rename the header`,
      },
    );
  }
  const extra = mapping.extraHeaderRows;
  const exportColumns = exportColumnsOf(mapping, sourceColumns, dialect.rowPerLine === true);
  const ingestionId = await count(connection, "SELECT coalesce(max(ingestion_id), 0) + 1 FROM raw.ingestions");
  const hadResponses = (await count(connection, "SELECT count(*) FROM (SELECT 1 FROM raw.responses LIMIT 1)")) > 0;

  await connection.run(`SET TimeZone = ${sqlString(mapping.timezone)}`);
  // The staging table is made before the transaction: a temp table is nobody else's business,
  // and rows written inside a transaction are scanned and inserted about twice as slowly.
  // One pass over the file: map, type and check every record, in file order (the staging
  // table's rowid is the record's position among the records the reader accepted). Only what
  // loading needs is kept: typed scores, not their text; the raw text (raw_values) only for
  // rows that go to quarantine.
  const rawValues = `to_json(struct_pack(${CANONICAL_COLUMNS.map((c) => `${c.name} := ${sqlIdent(c.name)}`).join(", ")}${mapping.npsGroupColumn ? ", _nps_group := _nps_group" : ""}))`;
  const kept = [
    ...CANONICAL_COLUMNS.filter((c) => c.kind === "text").map((c) => sqlIdent(c.name)),
    ...CANONICAL_COLUMNS.filter((c) => c.kind === "score").map((c) => sqlIdent(scoreName(c))),
  ];
  const check = (maxLineBytes: number) =>
    connection.run(`CREATE OR REPLACE TEMP TABLE checked AS
      WITH mapped AS (SELECT ${select} FROM ${sourceScan(readPath, dialect, true, maxLineBytes)} s),
      typed AS (SELECT *, ${typedSelect(mapping)} FROM mapped),
      inferred AS (SELECT * REPLACE (coalesce(survey_type, CASE WHEN touchpoint IS NOT NULL THEN 'touchpoint' ELSE 'relationship' END) AS survey_type) FROM typed),
      reasoned AS (SELECT *, ${reasonsSql(touchpoints, mapping, strict, generateIds, exportColumns, maxLineBytes > MAX_LINE_BYTES ? { maxValueBytes: MAX_LINE_BYTES } : {})} AS reason FROM inferred)
      SELECT ${kept.join(", ")}, answered_at__ts, reason, CASE WHEN reason IS NOT NULL THEN ${rawValues} END AS raw_values
      FROM reasoned`);
  try {
    await readingLongRecords(file, dialect, async (maxLineBytes) => {
      await connection.run("DROP TABLE IF EXISTS src_rejects; DROP TABLE IF EXISTS src_reject_scans;");
      if (dialect.format === "parquet") await connection.run(`CREATE TEMP TABLE src_rejects (line BIGINT, error_type VARCHAR, error_message VARCHAR)`);
      await check(maxLineBytes);
    });
  } catch (error) {
    throw await readError(readPath, dialect, error);
  }
  if (dialect.format === "csv" && readPath === file) {
    // Bytes that are not UTF-8: the caller decides the file's encoding as a whole (ingestCsv).
    const [bad] = await queryRows(connection, "SELECT count(*) AS n, min(line) AS line FROM src_rejects WHERE error_type = 'INVALID ENCODING'");
    if (Number(bad?.["n"] ?? 0) > 0) throw new NotUtf8(Number(bad?.["line"] ?? 1));
  }
  if (generateIds) await generateResponseIds(connection);
  await connection.run("BEGIN TRANSACTION");
  try {
    // DuckDB's reject "line" counts records with the header as 1; turn it into a data-record index.
    await connection.run(`CREATE OR REPLACE TEMP TABLE rej AS
      SELECT line - 2 AS rec, CAST(row_number() OVER (ORDER BY line) - 1 AS BIGINT) AS j,
        CASE WHEN bool_or(error_type = 'MISSING COLUMNS') THEN 'too few fields for the header; check the separators and quotes on this line'
             WHEN bool_or(error_type = 'TOO MANY COLUMNS') THEN 'more fields than the header; a separator inside an unquoted value?'
             ELSE min(error_message) END AS msg
      FROM src_rejects GROUP BY line`);
    const rejects = await count(connection, "SELECT count(*) FROM rej");
    // Positions relative to the first rowid (rows created inside a transaction get rowids from a
    // high base until commit; kept as text: such a base is beyond 2^53).
    const firstRow = (await queryRows(connection, "SELECT CAST(coalesce(min(rowid), 0) AS VARCHAR) AS r FROM checked"))[0]?.["r"];
    const pos = (alias: string): string => `(${alias}.rowid - ${String(firstRow ?? "0")})`;
    // Data-record index of a staged row: its position plus the rejected records before it.
    const recOf = (alias: string): string => (rejects > 0 ? `(${pos(alias)} + (SELECT count(*) FROM rej WHERE rej.rec - rej.j <= ${pos(alias)}))` : pos(alias));
    const rowOf = (rec: string): string => `(${rec} - ${extra} + 1)`;
    const valid = `c.reason IS NULL AND ${recOf("c")} >= ${extra}`;

    // Duplicates: only response ids that occur twice in the file or were loaded before need the
    // row-by-row comparison; every other valid row simply loads (no join, no sort of all rows).
    await connection.run(`CREATE OR REPLACE TEMP TABLE special_ids AS
      SELECT c.response_id FROM checked c WHERE ${valid} GROUP BY c.response_id HAVING count(*) > 1
      ${hadResponses ? `UNION SELECT c.response_id FROM checked c SEMI JOIN raw.responses r ON r.response_id = c.response_id WHERE ${valid}` : ""}`);
    const special = await count(connection, "SELECT count(*) FROM special_ids");
    await connection.run(`CREATE OR REPLACE TEMP TABLE classified AS
      WITH v AS (SELECT c.*, ${recOf("c")} AS rec, ${rowHashSql()} AS row_hash FROM checked c SEMI JOIN special_ids s ON s.response_id = c.response_id WHERE ${valid}),
      firsts AS (SELECT response_id, min(rec) AS first_rec, arg_min(row_hash, rec) AS first_hash FROM v GROUP BY response_id)
      SELECT v.*, f.first_rec, r._source_file AS existing_file, r._source_row AS existing_row,
        CASE
          WHEN r.response_id IS NOT NULL AND ${rowHashSql("r")} = v.row_hash THEN 'duplicate'
          WHEN r.response_id IS NOT NULL THEN 'conflict_existing'
          WHEN v.rec = f.first_rec THEN 'load'
          WHEN v.row_hash = f.first_hash THEN 'duplicate'
          ELSE 'conflict_file'
        END AS outcome
      FROM v JOIN firsts f USING (response_id) LEFT JOIN raw.responses r USING (response_id)`);

    const lineage = `${ingestionId}, ${sqlString(file)}`;
    const plain = special > 0 ? `c.response_id NOT IN (SELECT response_id FROM special_ids)` : "true";
    // Each row carries its source row, so the load need not keep file order: DuckDB then writes in
    // parallel (the staging table above did need it: its rowids are the record positions).
    await connection.run("SET preserve_insertion_order = false");
    await connection.run(`INSERT INTO raw.responses
      SELECT ${finalColumns()}, ${lineage}, ${rowOf(recOf("c"))} FROM checked c WHERE ${valid} AND ${plain}`);
    await connection.run("RESET preserve_insertion_order");
    if (special > 0) {
      await connection.run(`INSERT INTO raw.responses
        SELECT ${finalColumns()}, ${lineage}, ${rowOf("rec")} FROM classified WHERE outcome = 'load' ORDER BY rec`);
    }

    // Everything that is not loaded and not an exact duplicate, with its reason. Conflicting
    // duplicates passed every check, so their text is their typed values written back.
    const typedValues = `to_json(struct_pack(${CANONICAL_COLUMNS.map(
      (c) => `${c.name} := CAST(${c.kind === "score" ? sqlIdent(scoreName(c)) : c.kind === "timestamp" ? "strftime(answered_at__ts, '%Y-%m-%dT%H:%M:%S')" : sqlIdent(c.name)} AS VARCHAR)`,
    ).join(", ")}))`;
    await connection.run(`CREATE OR REPLACE TEMP TABLE rejected AS
      SELECT ${recOf("c")} AS rec, c.response_id, c.reason, c.raw_values FROM checked c WHERE c.reason IS NOT NULL AND ${recOf("c")} >= ${extra}
      UNION ALL
      SELECT rec, response_id,
        CASE outcome
          WHEN 'conflict_existing' THEN format('conflicting duplicate: response_id {} was loaded before from {} (row {}) with different answers', response_id, existing_file, existing_row)
          ELSE format('conflicting duplicate: response_id {} appears earlier in this file (row {}) with different answers', response_id, ${rowOf("first_rec")})
        END, ${typedValues}
      FROM classified WHERE outcome IN ('conflict_existing', 'conflict_file')
      UNION ALL
      SELECT rec, NULL, format('malformed CSV record: {}', msg), NULL FROM rej WHERE rec >= ${extra}`);
    const recs = (await queryRows(connection, "SELECT rec FROM rejected ORDER BY rec")).map((r) => Number(r["rec"]));
    let lineSql = "NULL::BIGINT";
    if (dialect.rowPerLine) lineSql = "q.rec + 2"; // the sheet row: header row 1, data from row 2
    else if (dialect.format === "csv" && recs.length > 0) {
      const lines = await recordStartLines(readPath, 1, recs);
      await connection.run(`CREATE OR REPLACE TEMP TABLE rejected_lines AS
        SELECT unnest([${[...lines.keys()].join(",")}]::BIGINT[]) AS rec, unnest([${[...lines.values()].join(",")}]::BIGINT[]) AS line`);
      lineSql = "(SELECT line FROM rejected_lines l WHERE l.rec = q.rec)";
    }
    await connection.run(`INSERT INTO raw.quarantine (ingestion_id, source_file, source_line, source_row, response_id, reason, raw_values, quarantined_at)
      SELECT ${ingestionId}, ${sqlString(file)}, ${lineSql}, ${rowOf("q.rec")}, q.response_id, q.reason, q.raw_values, ${SQL_UTC_NOW}
      FROM rejected q ORDER BY q.rec`);

    const loaded = await count(connection, `SELECT count(*) FROM raw.responses WHERE _ingestion_id = ${ingestionId}`);
    const duplicates = await count(connection, `SELECT count(*) FROM classified WHERE outcome = 'duplicate'`);
    const quarantined = recs.length;
    const staged = await count(connection, `SELECT count(*) FROM checked c WHERE ${recOf("c")} >= ${extra}`);
    const rowsRead = staged + (await count(connection, `SELECT count(*) FROM rej WHERE rec >= ${extra}`));
    const generatedIds = generateIds ? staged : 0;
    if (loaded + duplicates + quarantined !== rowsRead) {
      throw new PromotorError(`internal error: ${rowsRead} rows read but ${loaded} loaded + ${quarantined} quarantined + ${duplicates} duplicates`, { file });
    }
    await connection.run(`INSERT INTO raw.ingestions (ingestion_id, source_file, file_sha256, file_format, mapping, rows_read, rows_loaded,
        rows_quarantined, rows_duplicate, ingested_at, response_ids_generated, mapping_file, export_columns)
      VALUES (${ingestionId}, ${sqlString(file)}, ${sqlString(sha)}, ${sqlString(dialect.label)},
      ${sqlString(mapping.name)}, ${rowsRead}, ${loaded}, ${quarantined}, ${duplicates}, ${SQL_UTC_NOW}, ${generatedIds}, ${sqlString(mapping.source)},
      ${sqlString(JSON.stringify(exportColumns))})`);
    const resolved = loaded > 0 ? await resolveEarlierQuarantine(connection, ingestionId, file) : 0;
    const unknownTouchpoints = await unknownTouchpointsOf(connection, ingestionId, touchpoints);
    const reasons = (await queryRows(connection, `SELECT regexp_replace(regexp_replace(regexp_replace(reason, '''[^'']*''', '…', 'g'), 'response_id \\S+ (was|appears)', '… \\1', 'g'), 'from \\S+ |row \\d+', '…', 'g') AS reason, count(*) AS n FROM rejected GROUP BY 1 ORDER BY n DESC, 1 LIMIT 8`)).map((r) => ({ reason: String(r["reason"]), rows: Number(r["n"]) }));
    await connection.run("COMMIT");
    await connection.run("DROP TABLE IF EXISTS checked; DROP TABLE IF EXISTS classified; DROP TABLE IF EXISTS rejected; DROP TABLE IF EXISTS special_ids");
    const notices = resolved > 0 ? [`${resolved.toLocaleString("en-US")} row(s) quarantined by earlier ingestions are now loaded from this file: marked resolved (promotor quarantine list --resolved)`] : [];
    return { ...base, missingOptionalColumns: generateIds ? missing.filter((m) => m !== "response_id") : missing, reasons, unknownTouchpoints, generatedIds, ingestionId, rowsRead, loaded, quarantined, duplicates, alreadyIngested: null, notices };
  } catch (error) {
    await connection.run("ROLLBACK").catch(() => undefined);
    await connection.run("DROP TABLE IF EXISTS checked").catch(() => undefined);
    throw error;
  }
}


/** Marks the open quarantine rows of earlier ingestions that this ingestion loaded after all (a
 * corrected file ingested again): the same response id, or, for rows without one, the same file
 * and row. The rows stay (nothing is lost); lists and dashboards count only open ones. Inside
 * the ingestion's transaction. */
async function resolveEarlierQuarantine(connection: DuckDBConnection, ingestionId: number, file: string): Promise<number> {
  const open = await count(connection, `SELECT count(*) FROM raw.quarantine WHERE resolved_by_ingestion IS NULL AND ingestion_id < ${ingestionId}`);
  if (open === 0) return 0;
  const before = await count(connection, `SELECT count(*) FROM raw.quarantine WHERE resolved_by_ingestion = ${ingestionId}`);
  await connection.run(`UPDATE raw.quarantine q SET resolved_by_ingestion = ${ingestionId}
    WHERE q.resolved_by_ingestion IS NULL AND q.ingestion_id < ${ingestionId} AND (
      q.response_id IN (SELECT r.response_id FROM raw.responses r WHERE r._ingestion_id = ${ingestionId})
      OR (q.response_id IS NULL AND q.source_file = ${sqlString(file)}
          AND q.source_row IN (SELECT r._source_row FROM raw.responses r WHERE r._ingestion_id = ${ingestionId})))`);
  return (await count(connection, `SELECT count(*) FROM raw.quarantine WHERE resolved_by_ingestion = ${ingestionId}`)) - before;
}

/**
 * For a replay with a corrected mapping: reads the export again (it must be unchanged) and
 * stages the mapped text of every record as TEMP TABLE `reread` (rec = data-record index, as in
 * ingest, plus the canonical columns and `_nps_group`). Malformed records are not in it.
 * Returns whether the mapping generates response ids (the export has no id column).
 */
export async function stageMappedText(connection: DuckDBConnection, file: string, mapping: Mapping, sheet?: string): Promise<{ generateIds: boolean; columns: ExportColumns }> {
  const detected = detectDialect(file);
  let readPath = file;
  let dialect = detected;
  let cleanup = (): void => undefined;
  if (detected.format === "xlsx") {
    const converted = await (await import("./xlsx.ts")).xlsxToCsv(file, sheet ?? mapping.sheet);
    readPath = converted.csvPath;
    cleanup = converted.cleanup;
    dialect = { format: "csv", delimiter: ",", hasBom: false, crlf: false, header: converted.header, qualtrics: false, label: "xlsx", displayName: file, rowPerLine: true };
  }
  try {
    const sourceColumns = await sourceColumnsOf(connection, readPath, dialect);
    const { select, generateIds, missingRequired } = mapColumns(mapping, sourceColumns);
    if (missingRequired.length > 0) {
      throw new PromotorError(`the export has no column for ${missingRequired.map((m) => `${m} (mapped from "${mapping.columns[m]}")`).join(", ")}`, {
        file,
        line: 1,
        hint: `fix the mapping ${mapping.source} and replay again`,
      });
    }
    try {
      await readingLongRecords(readPath, dialect, async (maxLineBytes) => {
        await connection.run("DROP TABLE IF EXISTS src_rejects; DROP TABLE IF EXISTS src_reject_scans;");
        if (dialect.format === "parquet") await connection.run(`CREATE TEMP TABLE src_rejects (line BIGINT, error_type VARCHAR, error_message VARCHAR)`);
        await connection.run(`CREATE OR REPLACE TEMP TABLE reread_raw AS
          WITH mapped AS (SELECT ${select} FROM ${sourceScan(readPath, dialect, true, maxLineBytes)} s)
          SELECT * REPLACE (coalesce(survey_type, CASE WHEN touchpoint IS NOT NULL THEN 'touchpoint' ELSE 'relationship' END) AS survey_type) FROM mapped`);
      });
    } catch (error) {
      throw await readError(readPath, dialect, error);
    }
    await connection.run(`CREATE OR REPLACE TEMP TABLE reread_rej AS
      SELECT DISTINCT line - 2 AS rec FROM src_rejects`);
    await connection.run(`CREATE OR REPLACE TEMP TABLE reread_rej AS SELECT rec, CAST(row_number() OVER (ORDER BY rec) - 1 AS BIGINT) AS j FROM reread_rej`);
    const firstRow = (await queryRows(connection, "SELECT CAST(coalesce(min(rowid), 0) AS VARCHAR) AS r FROM reread_raw"))[0]?.["r"];
    const pos = `(r.rowid - ${String(firstRow ?? "0")})`;
    await connection.run(`CREATE OR REPLACE TEMP TABLE reread AS
      SELECT ${pos} + (SELECT count(*) FROM reread_rej x WHERE x.rec - x.j <= ${pos}) AS rec, r.* FROM reread_raw r`);
    await connection.run("DROP TABLE IF EXISTS reread_raw; DROP TABLE IF EXISTS reread_rej");
    return { generateIds, columns: exportColumnsOf(mapping, sourceColumns, dialect.rowPerLine === true) };
  } finally {
    cleanup();
  }
}
