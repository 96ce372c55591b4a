select
    ingestion_id,
    source_file,
    source_line,
    source_row,
    response_id,
    reason,
    raw_values,
    quarantined_at,
    resolved_by_ingestion,
    resolved_by_ingestion is not null as is_resolved
from {{ source('raw', 'quarantine') }}
where dataset = 'responses'
