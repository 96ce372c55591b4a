{#- Findings a CX analyst can act on, one row each (docs/ingest.md). -#}
with touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

ingestions as (
    select * from {{ ref('stg_survey__ingestions') }}
),

per_file as (
    select
        source_file,
        sum(rows_quarantined) as rows_quarantined,
        sum(response_ids_generated) as response_ids_generated
    from ingestions
    group by source_file
)

select
    'touchpoint_not_in_journey_map' as check_name,
    touchpoint as subject,
    responses as rows,
    format('not in your journey map: {}, {} rows', touchpoint, responses) as message,
    format('add {} to seeds/reference/touchpoints.csv (or fix its spelling in the export), then run promotor build', touchpoint) as fix
from touchpoints
where not is_in_journey_map

union all

select
    'quarantined_rows',
    source_file,
    rows_quarantined,
    format('{} rows of {} are in quarantine', rows_quarantined, source_file),
    format('promotor quarantine list --file {}; after fixing the mapping or reference data: promotor quarantine replay', source_file)
from per_file
where rows_quarantined > 0

union all

select
    'generated_response_ids',
    source_file,
    response_ids_generated,
    format('{} has no response id column: {} ids were generated from the answers', source_file, response_ids_generated),
    'nothing, unless the survey tool can export its own response id: map it as response_id'
from per_file
where response_ids_generated > 0
