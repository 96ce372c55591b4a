import type { DuckDBConnection } from "@duckdb/node-api";
import { CANONICAL_COLUMNS } from "../survey/canonical.ts";
import { CUSTOMERS } from "../customers/spec.ts";
import { INVITATIONS } from "../invitations/spec.ts";
import { datasetTableSql } from "./dataset-spec.ts";

/** The datasets beside the responses, each with its raw table. */
export const DATASETS = [CUSTOMERS, INVITATIONS] as const;

const columnType = (kind: string): string => (kind === "score" ? "SMALLINT" : kind === "timestamp" ? "TIMESTAMP" : "VARCHAR");

/** DDL of the raw layer (docs/warehouse.md). Idempotent. */
export async function ensureRawSchema(connection: DuckDBConnection): Promise<void> {
  const canonical = CANONICAL_COLUMNS.map((c) => `${c.name} ${columnType(c.kind)}${c.required ? " NOT NULL" : ""}`).join(",\n  ");
  await connection.run(`
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.ingestions (
  ingestion_id INTEGER PRIMARY KEY,
  source_file VARCHAR NOT NULL,
  file_sha256 VARCHAR NOT NULL,
  file_format VARCHAR NOT NULL,
  mapping VARCHAR NOT NULL,
  rows_read BIGINT NOT NULL,
  rows_loaded BIGINT NOT NULL,
  rows_quarantined BIGINT NOT NULL,
  rows_duplicate BIGINT NOT NULL,
  ingested_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.responses (
  ${canonical},
  _ingestion_id INTEGER NOT NULL,
  _source_file VARCHAR NOT NULL,
  _source_row BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.quarantine (
  ingestion_id INTEGER NOT NULL,
  source_file VARCHAR NOT NULL,
  source_line BIGINT,
  source_row BIGINT NOT NULL,
  response_id VARCHAR,
  reason VARCHAR NOT NULL,
  raw_values JSON,
  quarantined_at TIMESTAMP NOT NULL
);`);
  // 0.2: generated ids, the mapping file (for replays), and replays (an ingestion that re-checks
  // quarantined rows of an earlier one: replay_of names the file's first ingestion; rows handed
  // on to a replay count as rows_replayed of the ingestion they came from). 2.1: quarantine rows
  // that a later ingestion loaded after all are marked resolved by it.
  await connection.run(`
ALTER TABLE raw.ingestions ADD COLUMN IF NOT EXISTS response_ids_generated BIGINT DEFAULT 0;
ALTER TABLE raw.ingestions ADD COLUMN IF NOT EXISTS mapping_file VARCHAR;
ALTER TABLE raw.ingestions ADD COLUMN IF NOT EXISTS rows_replayed BIGINT DEFAULT 0;
ALTER TABLE raw.ingestions ADD COLUMN IF NOT EXISTS replay_of INTEGER;
ALTER TABLE raw.ingestions ADD COLUMN IF NOT EXISTS export_columns VARCHAR;
ALTER TABLE raw.quarantine ADD COLUMN IF NOT EXISTS resolved_by_ingestion INTEGER;`);
  // 2.3: the datasets beside the responses share the ingestion ledger and the quarantine
  // (src/ingest/dataset.ts): which dataset a file was, the date a versioned export describes,
  // and the key of a quarantined record.
  await connection.run(`
ALTER TABLE raw.ingestions ADD COLUMN IF NOT EXISTS dataset VARCHAR DEFAULT 'responses';
ALTER TABLE raw.ingestions ADD COLUMN IF NOT EXISTS as_of DATE;
ALTER TABLE raw.quarantine ADD COLUMN IF NOT EXISTS dataset VARCHAR DEFAULT 'responses';
ALTER TABLE raw.quarantine ADD COLUMN IF NOT EXISTS record_key VARCHAR;
${DATASETS.map((d) => `${datasetTableSql(d)};`).join("\n")}`);
  // Warehouses from before 0.1.1 stored a per-row hash for duplicate checks; it is now computed
  // only for the few rows it compares, and writing it cost a third of the load (docs/benchmarks.md).
  const legacy = await connection.runAndReadAll(
    "SELECT 1 FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'raw' AND table_name = 'responses' AND column_name = '_row_hash'",
  );
  if (legacy.getRows().length > 0) await connection.run("ALTER TABLE raw.responses DROP COLUMN _row_hash");
  await ensureFollowUpSchema(connection);
}

/** Follow-up data (docs/follow-up.md): case events, append-only, never written by dbt, so no
 * rebuild and no --full-refresh can lose one; workbook imports with their counts
 * (rows_read = rows_loaded + rows_quarantined + rows_duplicate), and rejected rows with file,
 * row and reason (replayable). A case's state is derived from its events in dbt. */
export async function ensureFollowUpSchema(connection: DuckDBConnection): Promise<void> {
  await connection.run(`
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.case_events (
  event_id VARCHAR NOT NULL,
  case_id VARCHAR NOT NULL,
  event_at TIMESTAMP NOT NULL,
  recorded_at TIMESTAMP NOT NULL,
  actor VARCHAR NOT NULL,
  status VARCHAR,
  owner VARCHAR,
  root_cause VARCHAR,
  outcome VARCHAR,
  note VARCHAR,
  source VARCHAR NOT NULL,
  import_id INTEGER,
  source_file VARCHAR,
  source_row BIGINT,
  response_id VARCHAR,
  customer_id VARCHAR
);
CREATE TABLE IF NOT EXISTS raw.case_imports (
  import_id INTEGER PRIMARY KEY,
  source_file VARCHAR NOT NULL,
  file_sha256 VARCHAR NOT NULL,
  file_format VARCHAR NOT NULL,
  rows_read BIGINT NOT NULL,
  rows_loaded BIGINT NOT NULL,
  rows_quarantined BIGINT NOT NULL,
  rows_duplicate BIGINT NOT NULL,
  rows_replayed BIGINT NOT NULL DEFAULT 0,
  replay_of INTEGER,
  imported_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.case_quarantine (
  import_id INTEGER NOT NULL,
  source_file VARCHAR NOT NULL,
  source_row BIGINT NOT NULL,
  case_id VARCHAR,
  reason VARCHAR NOT NULL,
  raw_values JSON NOT NULL,
  quarantined_at TIMESTAMP NOT NULL
);
ALTER TABLE raw.case_events ADD COLUMN IF NOT EXISTS response_id VARCHAR;
ALTER TABLE raw.case_events ADD COLUMN IF NOT EXISTS customer_id VARCHAR;`);
}
