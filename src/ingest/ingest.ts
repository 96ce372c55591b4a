import type { DuckDBConnection } from "@duckdb/node-api";
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { join } from "node:path";
import { queryRows, sqlIdent, sqlString } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import { projectRoot } from "../lib/paths.ts";
import { CANONICAL_COLUMNS, type CanonicalColumn } from "../survey/canonical.ts";
import { detectDialect, type Dialect } from "./detect.ts";
import { recordStartLines } from "./lines.ts";
import { canonicalMapping, loadMapping, type Mapping } from "./mapping.ts";
import { ensureRawSchema } from "./schema.ts";

export interface ReasonCount {
  reason: string;
  rows: number;
}

export interface IngestResult {
  file: string;
  format: string;
  mapping: string;
  ingestionId: number | null;
  rowsRead: number;
  loaded: number;
  quarantined: number;
  duplicates: number;
  /** Set when the file was ingested before (same SHA-256): nothing was changed. */
  alreadyIngested: { ingestionId: number; ingestedAt: string } | null;
  /** Mapped columns the file does not have (filled with NULL). */
  missingOptionalColumns: string[];
  reasons: ReasonCount[];
}

export interface IngestOptions {
  /** Preset name or YAML path; by default canonical, or the Qualtrics preset for Qualtrics exports. */
  mapping?: string;
  /** Touchpoint codes accepted; default: seeds/reference/touchpoints.csv. */
  touchpoints?: readonly string[];
}

export function referenceTouchpoints(): string[] {
  const text = readFileSync(join(projectRoot, "seeds", "reference", "touchpoints.csv"), "utf8");
  return text
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(",")[0]?.trim() ?? "")
    .filter((t) => t.length > 0);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const scoreName = (c: CanonicalColumn): string => `${c.name}__int`;

/** One validation rule: when `fails` is true, `message` says why (both SQL over a mapped row). */
interface Check {
  fails: string;
  message: string;
}

/** SQL that yields why a mapped row cannot be loaded ("; "-separated), NULL when it can. One
 * boolean test decides; the messages are built only for the rows that fail it. */
function reasonsSql(touchpoints: readonly string[], mapping: Mapping): string {
  const checks: Check[] = [];
  for (const c of CANONICAL_COLUMNS) {
    const col = sqlIdent(c.name);
    if (c.required) checks.push({ fails: `${col} IS NULL`, message: `'missing ${c.name} (required)'` });
    if (c.kind === "score" && c.scale) {
      const scale = `${c.scale.min}–${c.scale.max}`;
      const typed = sqlIdent(scoreName(c));
      checks.push({
        fails: `${col} IS NOT NULL AND (${typed} IS NULL OR ${typed} NOT BETWEEN ${c.scale.min} AND ${c.scale.max})`,
        message: `CASE WHEN ${typed} IS NULL THEN format('{} ''{}'' is not a whole number on the ${scale} scale', '${c.name}', ${col})
          ELSE format('{} {} is outside the ${scale} scale', '${c.name}', ${col}) END`,
      });
    }
    if (c.kind === "timestamp") {
      const hint = mapping.timestampFormat ? `the format ${mapping.timestampFormat.replaceAll("'", "''")}` : "ISO 8601 (YYYY-MM-DDTHH:MM:SS)";
      checks.push({ fails: `${col} IS NOT NULL AND answered_at__ts IS NULL`, message: `format('{} ''{}'' is not a timestamp in ${hint}', '${c.name}', ${col})` });
    }
    if (c.values) {
      const list = c.values.map(sqlString).join(", ");
      checks.push({ fails: `${col} IS NOT NULL AND ${col} NOT IN (${list})`, message: `format('{} ''{}'' is not one of ${c.values.join(", ")}', '${c.name}', ${col})` });
    }
  }
  const known = touchpoints.map(sqlString).join(", ");
  checks.push({ fails: `survey_type = 'touchpoint' AND touchpoint IS NULL`, message: `'missing touchpoint (required for touchpoint surveys)'` });
  checks.push({
    fails: `touchpoint IS NOT NULL AND touchpoint NOT IN (${known})`,
    message: `format('unknown touchpoint ''{}'' (known: ${touchpoints.join(", ")}; add new ones to seeds/reference/touchpoints.csv)', touchpoint)`,
  });
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
function cleanText(value: string): string {
  return `CASE WHEN ${value} = '' OR ${value} LIKE ' %' OR ${value} LIKE '% ' THEN NULLIF(trim(${value}), '') ELSE ${value} END`;
}

/** Canonical text columns from the source table, trimmed, '' -> NULL, codes lower-cased. */
function mappedSelect(mapping: Mapping, sourceColumns: Map<string, string>, missing: string[]): string {
  const lowerCased = new Set(["survey_type", "touchpoint", "language"]);
  const parts = CANONICAL_COLUMNS.map((c) => {
    const constant = mapping.constants[c.name];
    let expr: string;
    if (constant !== undefined) expr = sqlString(constant);
    else {
      const wanted = mapping.columns[c.name];
      const actual = wanted === undefined ? undefined : sourceColumns.get(wanted.toLowerCase());
      if (wanted !== undefined && actual === undefined) missing.push(c.name);
      expr = actual === undefined ? "NULL" : cleanText(`CAST(s.${sqlIdent(actual)} AS VARCHAR)`);
    }
    if (lowerCased.has(c.name)) expr = `lower(${expr})`;
    return `${expr} AS ${sqlIdent(c.name)}`;
  });
  const group = mapping.npsGroupColumn ? sourceColumns.get(mapping.npsGroupColumn.toLowerCase()) : undefined;
  parts.push(group ? `${cleanText(`CAST(s.${sqlIdent(group)} AS VARCHAR)`)} AS _nps_group` : "NULL::VARCHAR AS _nps_group");
  return parts.join(",\n  ");
}

function typedSelect(mapping: Mapping): string {
  const parts = CANONICAL_COLUMNS.filter((c) => c.kind === "score").map(
    (c) => `CASE WHEN regexp_full_match(${sqlIdent(c.name)}, '[0-9]{1,3}') THEN CAST(${sqlIdent(c.name)} AS SMALLINT) END AS ${sqlIdent(scoreName(c))}`,
  );
  const ts = mapping.timestampFormat
    ? `timezone('UTC', CAST(try_strptime(answered_at, ${sqlString(mapping.timestampFormat)}) AS TIMESTAMPTZ))`
    : `timezone('UTC', TRY_CAST(answered_at AS TIMESTAMPTZ))`;
  parts.push(`${ts} AS answered_at__ts`);
  return parts.join(",\n  ");
}

/** The values that make two rows "the same response": everything but lineage. For a staged row
 * (typed scores in `<name>__int`) or, with `loaded`, for a row of raw.responses under that alias. */
function rowHashSql(loaded?: string): string {
  const values = CANONICAL_COLUMNS.map((c) => {
    const column = loaded ? `${loaded}.${sqlIdent(c.name)}` : sqlIdent(c.kind === "score" ? scoreName(c) : c.kind === "timestamp" ? "answered_at__ts" : c.name);
    return c.kind === "text" ? `coalesce(${column}, '')` : `coalesce(CAST(${column} AS VARCHAR), '')`;
  });
  return `md5(concat_ws(chr(31), ${values.join(", ")}))`;
}

function finalColumns(): string {
  return CANONICAL_COLUMNS.map((c) =>
    c.kind === "score" ? `${sqlIdent(scoreName(c))} AS ${sqlIdent(c.name)}` : c.kind === "timestamp" ? `answered_at__ts AS answered_at` : sqlIdent(c.name),
  ).join(", ");
}

async function count(connection: DuckDBConnection, sql: string): Promise<number> {
  const rows = await queryRows(connection, sql);
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

/** The table function that reads one export, every value as text (validation happens in SQL, so
 * '7,5' stays text and is rejected, never read as 7 or 75). */
function sourceScan(file: string, dialect: Dialect, withRejects: boolean): string {
  if (dialect.format === "parquet") return `read_parquet(${sqlString(file)})`;
  // store_rejects keeps malformed records (wrong column count) instead of failing.
  const rejects = withRejects ? ", store_rejects = true, rejects_table = 'src_rejects', rejects_scan = 'src_reject_scans'" : "";
  return `read_csv(${sqlString(file)}, header = true, all_varchar = true, delim = ${sqlString(dialect.delimiter)}, quote = '"', escape = '"', max_line_size = 10000000${rejects})`;
}

function readError(file: string, error: unknown): PromotorError {
  return new PromotorError(`cannot read the file: ${(error as Error).message.split("\n")[0]}`, {
    file,
    hint: "check that it is a CSV (UTF-8, , or ; separated) or Parquet export",
    cause: error,
  });
}

/** Column names of the export (reads only its header / schema). */
async function sourceColumnsOf(connection: DuckDBConnection, file: string, dialect: Dialect): Promise<Map<string, string>> {
  try {
    // The same reader options as the load (with rejects), so a malformed record cannot fail the sniff.
    const rows = await queryRows(connection, `DESCRIBE SELECT * FROM ${sourceScan(file, dialect, true)}`);
    return new Map(rows.map((r) => [String(r["column_name"]).toLowerCase(), String(r["column_name"])] as const));
  } catch (error) {
    throw readError(file, error);
  }
}

/** Memory and spill settings for one ingest: DuckDB would otherwise take up to 80 % of RAM;
 * with a limit it spills the staging table to disk next to the warehouse instead. */
async function tuneForIngest(connection: DuckDBConnection): Promise<void> {
  const limit = process.env["PROMOTOR_DUCKDB_MEMORY_LIMIT"] ?? "1000MB";
  await connection.run(`SET memory_limit = ${sqlString(limit)}`);
  const dbFile = (await queryRows(connection, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"))[0]?.["path"];
  if (typeof dbFile === "string" && dbFile.length > 0) await connection.run(`SET temp_directory = ${sqlString(`${dbFile}.tmp`)}`);
}

/** Ingests one file in one transaction. */
export async function ingestFile(connection: DuckDBConnection, file: string, options: IngestOptions = {}): Promise<IngestResult> {
  const dialect = detectDialect(file);
  const mapping = options.mapping ? loadMapping(options.mapping) : dialect.qualtrics ? loadMapping("qualtrics") : canonicalMapping();
  const touchpoints = options.touchpoints ?? referenceTouchpoints();
  await ensureRawSchema(connection);
  const sha = await sha256File(file);
  const seen = await queryRows(connection, `SELECT ingestion_id, CAST(ingested_at AS VARCHAR) AS ingested_at FROM raw.ingestions WHERE file_sha256 = ${sqlString(sha)} ORDER BY ingestion_id LIMIT 1`);
  const base = { file, format: dialect.label, mapping: mapping.name, missingOptionalColumns: [] as string[], reasons: [] as ReasonCount[] };
  if (seen[0]) {
    return { ...base, ingestionId: null, rowsRead: 0, loaded: 0, quarantined: 0, duplicates: 0, alreadyIngested: { ingestionId: Number(seen[0]["ingestion_id"]), ingestedAt: String(seen[0]["ingested_at"]) } };
  }

  await tuneForIngest(connection);
  const sourceColumns = await sourceColumnsOf(connection, file, dialect);
  const missing: string[] = [];
  const select = mappedSelect(mapping, sourceColumns, missing);
  const missingRequired = missing.filter((m) => CANONICAL_COLUMNS.find((c) => c.name === m)?.required);
  if (missingRequired.length > 0) {
    throw new PromotorError(
      `the export has no column for ${missingRequired.map((m) => `${m} (mapped from "${mapping.columns[m]}")`).join(", ")}; it has: ${[...sourceColumns.values()].slice(0, 40).join(", ")}`,
      { file, line: 1, hint: `pass --mapping with a YAML file that maps this export's columns (see mappings/qualtrics.yaml), or rename the header` },
    );
  }
  const extra = mapping.extraHeaderRows;
  const ingestionId = await count(connection, "SELECT coalesce(max(ingestion_id), 0) + 1 FROM raw.ingestions");
  const hadResponses = (await count(connection, "SELECT count(*) FROM (SELECT 1 FROM raw.responses LIMIT 1)")) > 0;

  await connection.run(`SET TimeZone = ${sqlString(mapping.timezone)}`);
  await connection.run("DROP TABLE IF EXISTS src_rejects; DROP TABLE IF EXISTS src_reject_scans;");
  if (dialect.format === "parquet") await connection.run(`CREATE TEMP TABLE src_rejects (line BIGINT, error_type VARCHAR, error_message VARCHAR)`);
  // The staging table is made before the transaction: a temp table is nobody else's business,
  // and rows written inside a transaction are scanned and inserted about twice as slowly.
  // One pass over the file: map, type and check every record, in file order (the staging
  // table's rowid is the record's position among the records the reader accepted). Only what
  // loading needs is kept: typed scores, not their text; the raw text (raw_values) only for
  // rows that go to quarantine.
  const rawValues = `to_json(struct_pack(${CANONICAL_COLUMNS.map((c) => `${c.name} := ${sqlIdent(c.name)}`).join(", ")}))`;
  const kept = [
    ...CANONICAL_COLUMNS.filter((c) => c.kind === "text").map((c) => sqlIdent(c.name)),
    ...CANONICAL_COLUMNS.filter((c) => c.kind === "score").map((c) => sqlIdent(scoreName(c))),
  ];
  try {
    await connection.run(`CREATE OR REPLACE TEMP TABLE checked AS
      WITH mapped AS (SELECT ${select} FROM ${sourceScan(file, dialect, true)} s),
      typed AS (SELECT *, ${typedSelect(mapping)} FROM mapped),
      inferred AS (SELECT * REPLACE (coalesce(survey_type, CASE WHEN touchpoint IS NOT NULL THEN 'touchpoint' ELSE 'relationship' END) AS survey_type) FROM typed),
      reasoned AS (SELECT *, ${reasonsSql(touchpoints, mapping)} AS reason FROM inferred)
      SELECT ${kept.join(", ")}, answered_at__ts, reason, CASE WHEN reason IS NOT NULL THEN ${rawValues} END AS raw_values
      FROM reasoned`);
  } catch (error) {
    throw readError(file, error);
  }
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
    await connection.run(`INSERT INTO raw.responses
      SELECT ${finalColumns()}, ${lineage}, ${rowOf(recOf("c"))} FROM checked c WHERE ${valid} AND ${plain}`);
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
    if (dialect.format === "csv" && recs.length > 0) {
      const lines = await recordStartLines(file, 1, recs);
      await connection.run(`CREATE OR REPLACE TEMP TABLE rejected_lines AS
        SELECT unnest([${[...lines.keys()].join(",")}]::BIGINT[]) AS rec, unnest([${[...lines.values()].join(",")}]::BIGINT[]) AS line`);
      lineSql = "(SELECT line FROM rejected_lines l WHERE l.rec = q.rec)";
    }
    await connection.run(`INSERT INTO raw.quarantine
      SELECT ${ingestionId}, ${sqlString(file)}, ${lineSql}, ${rowOf("q.rec")}, q.response_id, q.reason, q.raw_values, now()::TIMESTAMP
      FROM rejected q ORDER BY q.rec`);

    const loaded = await count(connection, `SELECT count(*) FROM raw.responses WHERE _ingestion_id = ${ingestionId}`);
    const duplicates = await count(connection, `SELECT count(*) FROM classified WHERE outcome = 'duplicate'`);
    const quarantined = recs.length;
    const rowsRead = (await count(connection, `SELECT count(*) FROM checked c WHERE ${recOf("c")} >= ${extra}`)) + (await count(connection, `SELECT count(*) FROM rej WHERE rec >= ${extra}`));
    if (loaded + duplicates + quarantined !== rowsRead) {
      throw new PromotorError(`internal error: ${rowsRead} rows read but ${loaded} loaded + ${quarantined} quarantined + ${duplicates} duplicates`, { file });
    }
    await connection.run(`INSERT INTO raw.ingestions VALUES (${ingestionId}, ${sqlString(file)}, ${sqlString(sha)}, ${sqlString(dialect.label)},
      ${sqlString(mapping.name)}, ${rowsRead}, ${loaded}, ${quarantined}, ${duplicates}, now()::TIMESTAMP)`);
    const reasons = (await queryRows(connection, `SELECT regexp_replace(regexp_replace(regexp_replace(reason, '''[^'']*''', '…', 'g'), 'response_id \\S+ (was|appears)', '… \\1', 'g'), 'from \\S+ |row \\d+', '…', 'g') AS reason, count(*) AS n FROM rejected GROUP BY 1 ORDER BY n DESC, 1 LIMIT 8`)).map((r) => ({ reason: String(r["reason"]), rows: Number(r["n"]) }));
    await connection.run("COMMIT");
    await connection.run("DROP TABLE IF EXISTS checked; DROP TABLE IF EXISTS classified; DROP TABLE IF EXISTS rejected; DROP TABLE IF EXISTS special_ids");
    return { ...base, missingOptionalColumns: missing, reasons, ingestionId, rowsRead, loaded, quarantined, duplicates, alreadyIngested: null };
  } catch (error) {
    await connection.run("ROLLBACK").catch(() => undefined);
    await connection.run("DROP TABLE IF EXISTS checked").catch(() => undefined);
    throw error;
  }
}

