-- Every row read from an export is loaded, quarantined, counted as an exact duplicate, or handed
-- on to a replay (`promotor quarantine replay`), and the warehouse holds exactly what each
-- ingestion says it loaded and quarantined (open, or resolved by a later ingestion). Per file (its first ingestion and its replays):
-- rows read = loaded + quarantined + duplicates.
with per_ingestion as (
    select ingestion_id, 'ingestion' as level
    from {{ ref('fct_ingestion_quality') }}
    where rows_read <> rows_loaded + rows_quarantined + rows_duplicate + rows_replayed
       or responses_in_warehouse <> rows_loaded
       or rows_in_quarantine + rows_resolved <> rows_quarantined
),

per_file as (
    select file_ingestion_id as ingestion_id, 'file' as level
    from {{ ref('fct_ingestion_quality') }}
    group by file_ingestion_id
    having sum(rows_read) filter (where replay_of is null)
        <> sum(rows_loaded) + sum(rows_quarantined) + sum(rows_duplicate)
)

select * from per_ingestion
union all
select * from per_file
