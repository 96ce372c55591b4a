select
    ingestion_id,
    source_file,
    source_line,
    source_row,
    response_id,
    reason,
    raw_values,
    quarantined_at
from {{ source('raw', 'quarantine') }}
