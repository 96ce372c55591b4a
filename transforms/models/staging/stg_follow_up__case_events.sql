{{ config(tags=['follow_up']) }}
select
    event_id,
    case_id,
    response_id,
    customer_id,
    event_at,
    recorded_at,
    actor,
    status,
    owner,
    root_cause,
    outcome,
    note,
    source,
    import_id,
    source_file,
    source_row
from {{ source('raw', 'case_events') }}
