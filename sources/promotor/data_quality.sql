-- Data quality (hand-written, not generated): what the ingest and the build found, for the
-- data-quality page. Findings from marts.fct_data_quality (touchpoints missing from the journey
-- map, files with rows in quarantine) and, per ingested file, the row accounting
-- rows_read = loaded + quarantined + duplicates. Counts of rows, no metric.
SELECT
  'finding' AS kind,
  check_name,
  subject,
  CAST(rows AS BIGINT) AS rows,
  suggestion,
  CAST(NULL AS VARCHAR) AS file_format,
  CAST(NULL AS BIGINT) AS rows_read,
  CAST(NULL AS BIGINT) AS rows_loaded,
  CAST(NULL AS BIGINT) AS rows_quarantined,
  CAST(NULL AS BIGINT) AS rows_duplicate,
  CAST(NULL AS BIGINT) AS response_ids_generated,
  CAST(NULL AS TIMESTAMP) AS ingested_at
FROM marts.fct_data_quality
UNION ALL
SELECT
  'file',
  NULL,
  source_file,
  CAST(rows_in_quarantine AS BIGINT),
  NULL,
  file_format,
  rows_read,
  rows_loaded,
  rows_quarantined,
  rows_duplicate,
  response_ids_generated,
  ingested_at
FROM marts.fct_ingestion_quality
ORDER BY kind, subject
