/** raw.quarantine for people: list rows by reason and file, show one, replay them after a fix.
 *
 * A replay re-checks the stored text of quarantined rows (`raw_values`: every canonical column as
 * the export had it, after the mapping) with today's journey map and, when given, another
 * mapping's timestamp format and time zone. It is recorded as a new ingestion of the same file
 * (`replay_of` = the file's first ingestion), so the marts and the "test new ingestions only"
 * policy see the rows it loads as new. Rows that now pass are loaded (or counted as exact
 * duplicates); the others stay quarantined with their current reason. The ingestion the rows came
 * from counts them as `rows_replayed`, so per ingestion
 * rows_read = loaded + quarantined + duplicate + replayed, and per file (first ingestion and its
 * replays) rows_read = loaded + quarantined + duplicates. A replay that would change nothing (no
 * row loads, every reason unchanged) is not recorded, so replaying twice changes nothing. */
import type { DuckDBConnection } from "@duckdb/node-api";
import { existsSync } from "node:fs";
import { queryRows, SQL_UTC_NOW, sqlIdent, sqlString } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import { CANONICAL_COLUMNS } from "../survey/canonical.ts";
import { finalColumns, MAX_LINE_BYTES, type ExportColumns, reasonsSql, referenceTouchpoints, rowHashSql, sha256File, stageMappedText, tuneForIngest, typedSelect } from "./ingest.ts";
import { canonicalMapping, loadMapping, PRESETS, type Mapping } from "./mapping.ts";
import { ensureRawSchema } from "./schema.ts";

export interface QuarantineFilter {
  /** Source file (exact path, or a suffix such as the file name). */
  file?: string;
  /** Text the reason contains (case-insensitive). */
  reason?: string;
  /** Rows a later ingestion loaded after all (default: the open ones). */
  resolved?: boolean;
  /** Only this dataset's rows (responses, customers, …); default: every dataset. */
  dataset?: string;
}

export interface QuarantinedRow {
  id: string;
  ingestionId: number;
  file: string;
  line: number | null;
  row: number;
  responseId: string | null;
  reason: string;
}

/** SQL selecting the quarantine rows a filter names (alias `q`); also the replay of other datasets. */
export function quarantineWhereSql(filter: QuarantineFilter, alias = "q"): string {
  const parts = [`${alias}.resolved_by_ingestion IS ${filter.resolved ? "NOT NULL" : "NULL"}`];
  if (filter.file) parts.push(`(${alias}.source_file = ${sqlString(filter.file)} OR ${alias}.source_file LIKE ${sqlString(`%/${filter.file.replace(/^\.?\//, "")}`)})`);
  if (filter.reason) parts.push(`contains(lower(${alias}.reason), ${sqlString(filter.reason.toLowerCase())})`);
  if (filter.dataset) parts.push(`${alias}.dataset = ${sqlString(filter.dataset)}`);
  return parts.join(" AND ");
}

/** How many rows later ingestions loaded after all (marked resolved, kept). */
export async function resolvedCount(connection: DuckDBConnection, filter: QuarantineFilter = {}): Promise<number> {
  await ensureRawSchema(connection);
  return Number((await queryRows(connection, `SELECT count(*) AS n FROM raw.quarantine q WHERE ${quarantineWhereSql({ ...filter, resolved: true })}`))[0]?.["n"] ?? 0);
}

/** The reason without its row-specific values: 'recommend_score …' instead of '… '7,5' …'. */
const REASON_KIND = `regexp_replace(regexp_replace(regexp_replace(regexp_replace(split_part(reason, ' (known:', 1),
  '''[^'']*''', '…', 'g'), '([a-z_]+) -?[0-9]+ is outside', '\\1 … is outside', 'g'),
  'response_id \\S+ (was|appears)', 'response_id … \\1', 'g'), ' from \\S+ \\(row [0-9]+\\)| \\(row [0-9]+\\)', '', 'g')`;

export async function quarantineSummary(connection: DuckDBConnection, filter: QuarantineFilter = {}): Promise<{ dataset: string; file: string; reason: string; rows: number; lines: string }[]> {
  await ensureRawSchema(connection);
  const rows = await queryRows(
    connection,
    `SELECT dataset, source_file, ${REASON_KIND} AS kind, count(*) AS n,
       array_to_string(list(CAST(coalesce(source_line, source_row) AS VARCHAR) ORDER BY coalesce(source_line, source_row))[1:8], ', ') AS lines
     FROM raw.quarantine q WHERE ${quarantineWhereSql(filter)} GROUP BY ALL ORDER BY dataset DESC, source_file, n DESC, kind`,
  );
  return rows.map((r) => {
    const n = Number(r["n"]);
    return { dataset: String(r["dataset"]), file: String(r["source_file"]), reason: String(r["kind"]), rows: n, lines: n > 8 ? `${String(r["lines"])}, …` : String(r["lines"]) };
  });
}

export async function quarantineRows(connection: DuckDBConnection, filter: QuarantineFilter = {}, limit = 50): Promise<{ rows: QuarantinedRow[]; total: number }> {
  await ensureRawSchema(connection);
  const total = Number((await queryRows(connection, `SELECT count(*) n FROM raw.quarantine q WHERE ${quarantineWhereSql(filter)}`))[0]?.["n"] ?? 0);
  const rows = await queryRows(
    connection,
    `SELECT ingestion_id, source_file, source_line, source_row, response_id, reason FROM raw.quarantine q
     WHERE ${quarantineWhereSql(filter)} ORDER BY source_file, source_row LIMIT ${Math.max(0, Math.floor(limit))}`,
  );
  return {
    total,
    rows: rows.map((r) => ({
      id: `${r["ingestion_id"]}:${r["source_row"]}`,
      ingestionId: Number(r["ingestion_id"]),
      file: String(r["source_file"]),
      line: r["source_line"] === null ? null : Number(r["source_line"]),
      row: Number(r["source_row"]),
      responseId: r["response_id"] === null ? null : String(r["response_id"]),
      reason: String(r["reason"]),
    })),
  };
}

/** One quarantined row by id (`<ingestion>:<row>` as `list` prints it) or response id. */
export async function quarantinedRow(connection: DuckDBConnection, id: string): Promise<QuarantinedRow & { values: Record<string, string | null> | null }> {
  await ensureRawSchema(connection);
  const m = /^#?(\d+):(\d+)$/.exec(id.trim());
  const where = m ? `ingestion_id = ${Number(m[1])} AND source_row = ${Number(m[2])}` : `response_id = ${sqlString(id.trim())}`;
  const rows = await queryRows(connection, `SELECT ingestion_id, source_file, source_line, source_row, response_id, reason, CAST(raw_values AS VARCHAR) AS raw FROM raw.quarantine WHERE ${where} ORDER BY ingestion_id DESC LIMIT 1`);
  const r = rows[0];
  if (!r) throw new PromotorError(`no quarantined row ${id}`, { hint: "use an id from promotor quarantine list (<ingestion>:<row>) or a response id" });
  const values = r["raw"] === null ? null : (JSON.parse(String(r["raw"])) as Record<string, string | null>);
  return {
    id: `${r["ingestion_id"]}:${r["source_row"]}`,
    ingestionId: Number(r["ingestion_id"]),
    file: String(r["source_file"]),
    line: r["source_line"] === null ? null : Number(r["source_line"]),
    row: Number(r["source_row"]),
    responseId: r["response_id"] === null ? null : String(r["response_id"]),
    reason: String(r["reason"]),
    values,
  };
}

export interface ReplayOptions extends QuarantineFilter {
  /** Mapping (preset or YAML) whose timestamp format, time zone and touchpoint mode apply. */
  mapping?: string;
  strictTouchpoints?: boolean;
  touchpoints?: readonly string[];
}

export interface ReplayFileResult {
  file: string;
  /** Where the values came from: the export read again with the new mapping, or the stored text. */
  source: "export" | "stored values";
  replayIngestionId: number | null;
  replayed: number;
  loaded: number;
  duplicates: number;
  stillQuarantined: number;
  /** Malformed records: no values to re-check (fix the file and ingest it again). */
  notReplayable: number;
}

/** The mapping a file was ingested with, when it can still be found. */
function originalMapping(name: string, file: string | null): Mapping {
  if (file && file !== "(built in)" && existsSync(file)) return loadMapping(file);
  if (PRESETS[name]) return loadMapping(name);
  return canonicalMapping();
}

export async function replayQuarantine(connection: DuckDBConnection, given: ReplayOptions = {}): Promise<ReplayFileResult[]> {
  await ensureRawSchema(connection);
  // Survey answers only; the other datasets replay through src/ingest/dataset.ts.
  const options: ReplayOptions = { ...given, dataset: "responses" };
  await tuneForIngest(connection);
  const touchpoints = options.touchpoints ?? referenceTouchpoints();
  const files = await queryRows(
    connection,
    `SELECT coalesce(i.replay_of, i.ingestion_id) AS root, any_value(q.source_file) AS file,
       count(*) FILTER (WHERE q.raw_values IS NOT NULL) AS replayable, count(*) FILTER (WHERE q.raw_values IS NULL) AS malformed
     FROM raw.quarantine q JOIN raw.ingestions i ON i.ingestion_id = q.ingestion_id
     WHERE ${quarantineWhereSql(options)} GROUP BY ALL ORDER BY root`,
  );
  const results: ReplayFileResult[] = [];
  for (const f of files) {
    const root = Number(f["root"]);
    const [first] = await queryRows(connection, `SELECT mapping, mapping_file, file_sha256, export_columns FROM raw.ingestions WHERE ingestion_id = ${root}`);
    const mapping = options.mapping ? loadMapping(options.mapping) : originalMapping(String(first?.["mapping"] ?? "canonical"), (first?.["mapping_file"] as string | null) ?? null);
    const strict = options.strictTouchpoints ?? mapping.strictTouchpoints;
    const file = String(f["file"]);
    const sha = String(first?.["file_sha256"] ?? "");
    // With a new mapping, read the export again when it is still there, unchanged: a mapping fix
    // may change which column a value comes from, which the stored values cannot show.
    let reread: { generateIds: boolean; extra: number; columns: ExportColumns } | null = null;
    if (options.mapping && existsSync(file) && (await sha256File(file)) === sha) {
      const original = originalMapping(String(first?.["mapping"] ?? "canonical"), (first?.["mapping_file"] as string | null) ?? null);
      if (original.extraHeaderRows !== mapping.extraHeaderRows) {
        throw new PromotorError(`the new mapping skips ${mapping.extraHeaderRows} header rows where the first ingest skipped ${original.extraHeaderRows}: the rows would not line up`, {
          file,
          hint: "keep extra_header_rows as it was for a replay; a file read with other header rows is a new export: fix it and ingest it as a new file",
        });
      }
      const staged = await stageMappedText(connection, file, mapping);
      reread = { ...staged, extra: mapping.extraHeaderRows };
    }
    // Reasons name the export's columns as the first ingest saw them (a new mapping may move them).
    const columns = reread?.columns ?? (JSON.parse(String(first?.["export_columns"] ?? "{}")) as ExportColumns);
    const result = await replayFile(connection, root, file, sha, mapping, strict, touchpoints, options, reread, columns);
    results.push({ ...result, notReplayable: Number(f["malformed"]) - (reread ? result.recoveredMalformed : 0) });
  }
  return results;
}

async function replayFile(
  connection: DuckDBConnection,
  root: number,
  file: string,
  sha: string,
  mapping: Mapping,
  strict: boolean,
  touchpoints: readonly string[],
  filter: QuarantineFilter,
  reread: { generateIds: boolean; extra: number } | null,
  columns: ExportColumns,
): Promise<Omit<ReplayFileResult, "notReplayable"> & { recoveredMalformed: number }> {
  const n = async (sql: string): Promise<number> => Number(Object.values((await queryRows(connection, sql))[0] ?? {})[0] ?? 0);
  await connection.run(`SET TimeZone = ${sqlString(mapping.timezone)}`);
  const textColumns = reread
    ? CANONICAL_COLUMNS.map((c) => (c.name === "response_id" && reread.generateIds ? "q.response_id" : `t.${sqlIdent(c.name)}`) + ` AS ${sqlIdent(c.name)}`).join(", ") + ", t._nps_group"
    : CANONICAL_COLUMNS.map((c) => `NULLIF(q.stored.${sqlIdent(c.name)}, '') AS ${sqlIdent(c.name)}`).join(", ") + ", q.stored._nps_group AS _nps_group";
  // The stored values parsed once per row: `->>` per column parsed the whole JSON each time,
  // which for a quarantined 10 MB value ran out of DuckDB's memory.
  const storedShape = JSON.stringify(Object.fromEntries([...CANONICAL_COLUMNS.map((c) => [c.name, "VARCHAR"]), ["_nps_group", "VARCHAR"]]));
  const from = reread
    ? `raw.quarantine q JOIN raw.ingestions i ON i.ingestion_id = q.ingestion_id JOIN reread t ON t.rec = q.source_row + ${reread.extra} - 1`
    : `(SELECT *, json_transform(raw_values, ${sqlString(storedShape)}) AS stored FROM raw.quarantine) q JOIN raw.ingestions i ON i.ingestion_id = q.ingestion_id`;
  const newValues = `to_json(struct_pack(${CANONICAL_COLUMNS.map((c) => `${c.name} := ${sqlIdent(c.name)}`).join(", ")}, _nps_group := _nps_group))`;
  // The stored text (or, with a new mapping, the export read again), re-typed and re-checked
  // exactly as ingest does.
  await connection.run(`CREATE OR REPLACE TEMP TABLE replay_checked AS
    WITH src0 AS (
      SELECT q.ingestion_id AS from_ingestion, q.source_line, q.source_row, q.reason AS old_reason, q.raw_values AS stored_values,
        ${textColumns}
      FROM ${from}
      WHERE coalesce(i.replay_of, i.ingestion_id) = ${root} AND ${reread ? "true" : "q.raw_values IS NOT NULL"} AND ${quarantineWhereSql(filter)}
    ),
    src AS (SELECT *, ${reread ? newValues : "stored_values"} AS old_values FROM src0),
    typed AS (SELECT *, ${typedSelect(mapping)} FROM src),
    reasoned AS (SELECT *, ${reasonsSql(touchpoints, mapping, strict, false, columns, { maxValueBytes: MAX_LINE_BYTES })} AS reason FROM typed)
    SELECT * FROM reasoned`);
  const replayed = await n("SELECT count(*) FROM replay_checked");
  const source = reread ? ("export" as const) : ("stored values" as const);
  const recoveredMalformed = reread ? await n("SELECT count(*) FROM replay_checked WHERE stored_values IS NULL") : 0;
  if (replayed === 0) return { file, source, replayIngestionId: null, replayed: 0, loaded: 0, duplicates: 0, stillQuarantined: 0, recoveredMalformed };
  // Valid rows: the first of each response id (in file order) loads unless the warehouse has it;
  // the same answers again are a duplicate, other answers a conflict.
  await connection.run(`CREATE OR REPLACE TEMP TABLE replay_classified AS
    WITH v AS (SELECT c.*, ${rowHashSql()} AS row_hash FROM replay_checked c WHERE c.reason IS NULL),
    firsts AS (SELECT response_id, min(source_row) AS first_row, arg_min(row_hash, source_row) AS first_hash FROM v GROUP BY response_id)
    SELECT v.*, r._source_file AS existing_file, r._source_row AS existing_row, f.first_row,
      CASE
        WHEN r.response_id IS NOT NULL AND ${rowHashSql("r")} = v.row_hash THEN 'duplicate'
        WHEN r.response_id IS NOT NULL THEN 'conflict_existing'
        WHEN v.source_row = f.first_row THEN 'load'
        WHEN v.row_hash = f.first_hash THEN 'duplicate'
        ELSE 'conflict_file'
      END AS outcome
    FROM v JOIN firsts f USING (response_id) LEFT JOIN raw.responses r USING (response_id)`);
  await connection.run(`CREATE OR REPLACE TEMP TABLE replay_outcome AS
    SELECT c.from_ingestion, c.source_line, c.source_row, c.response_id, c.old_values, c.old_reason,
      CASE
        WHEN c.reason IS NOT NULL THEN c.reason
        WHEN k.outcome = 'conflict_existing' THEN format('conflicting duplicate: response_id {} was loaded before from {} (row {}) with different answers', k.response_id, k.existing_file, k.existing_row)
        WHEN k.outcome = 'conflict_file' THEN format('conflicting duplicate: response_id {} appears earlier in this file (row {}) with different answers', k.response_id, k.first_row)
      END AS reason,
      coalesce(k.outcome, 'quarantine') AS outcome
    FROM replay_checked c LEFT JOIN replay_classified k ON k.source_row = c.source_row AND k.from_ingestion = c.from_ingestion`);
  const loaded = await n("SELECT count(*) FROM replay_outcome WHERE outcome = 'load'");
  const duplicates = await n("SELECT count(*) FROM replay_outcome WHERE outcome = 'duplicate'");
  const changedReasons = await n("SELECT count(*) FROM replay_outcome WHERE outcome NOT IN ('load', 'duplicate') AND reason IS DISTINCT FROM old_reason");
  const still = replayed - loaded - duplicates;
  if (loaded === 0 && duplicates === 0 && changedReasons === 0) {
    return { file, source, replayIngestionId: null, replayed, loaded: 0, duplicates: 0, stillQuarantined: still, recoveredMalformed };
  }
  const ingestionId = await n("SELECT coalesce(max(ingestion_id), 0) + 1 FROM raw.ingestions");
  await connection.run("BEGIN TRANSACTION");
  try {
    await connection.run(`INSERT INTO raw.responses
      SELECT ${finalColumns()}, ${ingestionId}, ${sqlString(file)}, source_row FROM replay_classified WHERE outcome = 'load' ORDER BY source_row`);
    await connection.run(`DELETE FROM raw.quarantine q USING replay_outcome o WHERE q.ingestion_id = o.from_ingestion AND q.source_row = o.source_row`);
    await connection.run(`INSERT INTO raw.quarantine (ingestion_id, source_file, source_line, source_row, response_id, reason, raw_values, quarantined_at)
      SELECT ${ingestionId}, ${sqlString(file)}, source_line, source_row, response_id, reason, old_values, ${SQL_UTC_NOW}
      FROM replay_outcome WHERE outcome NOT IN ('load', 'duplicate') ORDER BY source_row`);
    await connection.run(`UPDATE raw.ingestions i SET rows_quarantined = i.rows_quarantined - m.n, rows_replayed = coalesce(i.rows_replayed, 0) + m.n
      FROM (SELECT from_ingestion, count(*) AS n FROM replay_outcome GROUP BY from_ingestion) m WHERE i.ingestion_id = m.from_ingestion`);
    await connection.run(`INSERT INTO raw.ingestions (ingestion_id, source_file, file_sha256, file_format, mapping, rows_read, rows_loaded,
        rows_quarantined, rows_duplicate, ingested_at, response_ids_generated, mapping_file, rows_replayed, replay_of)
      VALUES (${ingestionId}, ${sqlString(file)}, ${sqlString(sha)}, 'replay', ${sqlString(mapping.name)}, ${replayed}, ${loaded},
        ${still}, ${duplicates}, ${SQL_UTC_NOW}, 0, ${sqlString(mapping.source)}, 0, ${root})`);
    await connection.run("COMMIT");
  } catch (error) {
    await connection.run("ROLLBACK").catch(() => undefined);
    throw error;
  }
  await connection.run("DROP TABLE IF EXISTS replay_checked; DROP TABLE IF EXISTS replay_classified; DROP TABLE IF EXISTS replay_outcome");
  await connection.run("DROP TABLE IF EXISTS reread");
  return { file, source, replayIngestionId: ingestionId, replayed, loaded, duplicates, stillQuarantined: still, recoveredMalformed };
}
