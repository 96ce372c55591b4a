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
    coalesce(rows_replayed, 0) as rows_replayed,
    coalesce(response_ids_generated, 0) as response_ids_generated,
    replay_of,
    coalesce(replay_of, ingestion_id) as file_ingestion_id,
    ingested_at
from {{ source('raw', 'ingestions') }}
where dataset = 'responses'
