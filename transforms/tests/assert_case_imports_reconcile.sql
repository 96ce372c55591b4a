-- Every row read from a follow-up workbook is written as events, quarantined, or counted as
-- unchanged (nothing to change), and raw holds what each import says:
-- rows read = loaded + quarantined + unchanged, per file (its first import and its replays).
with events as (
    select import_id, count(distinct source_row) as rows_in_events
    from {{ ref('stg_follow_up__case_events') }}
    where import_id is not null
    group by import_id
),

quarantined as (
    select import_id, count(*) as rows_in_quarantine
    from {{ source('raw', 'case_quarantine') }}
    group by import_id
),

per_import as (
    select i.import_id, 'import' as level
    from {{ ref('stg_follow_up__case_imports') }} as i
    left join events as e on e.import_id = i.import_id
    left join quarantined as q on q.import_id = i.import_id
    where coalesce(e.rows_in_events, 0) <> i.rows_loaded
       or coalesce(q.rows_in_quarantine, 0) <> i.rows_quarantined
),

per_file as (
    select file_import_id as import_id, 'file' as level
    from {{ ref('stg_follow_up__case_imports') }}
    group by file_import_id
    having sum(rows_read) filter (where replay_of is null)
        <> sum(rows_loaded) + sum(rows_quarantined) + sum(rows_duplicate)
)

select * from per_import
union all
select * from per_file
