select
    ingestion_id,
    source_file,
    file_sha256,
    file_format,
    mapping,
    rows_read,
    rows_loaded,
    rows_quarantined,
    rows_duplicate,
    ingested_at
from {{ source('raw', 'ingestions') }}
