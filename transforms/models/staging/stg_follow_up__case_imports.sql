{{ config(tags=['follow_up']) }}
select
    import_id,
    source_file,
    file_sha256,
    file_format,
    rows_read,
    rows_loaded,
    rows_quarantined,
    rows_duplicate,
    rows_replayed,
    replay_of,
    coalesce(replay_of, import_id) as file_import_id,
    imported_at
from {{ source('raw', 'case_imports') }}
