{#- Findings a CX analyst can act on, one row each (docs/ingest.md). -#}
with touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

ingestions as (
    select * from {{ ref('stg_survey__ingestions') }}
),

{#- Rows still in quarantine: not those a later ingestion of the corrected file loaded. -#}
open_quarantine as (
    select source_file, count(*) as rows_quarantined
    from {{ ref('stg_survey__quarantine') }}
    where not is_resolved
    group by source_file
),

per_file as (
    select
        ingestions.source_file,
        coalesce(any_value(open_quarantine.rows_quarantined), 0) as rows_quarantined,
        sum(ingestions.response_ids_generated) as response_ids_generated
    from ingestions
    left join open_quarantine on open_quarantine.source_file = ingestions.source_file
    group by ingestions.source_file
),

unmapped as (
    select touchpoint, responses from touchpoints where not is_in_journey_map
),

{#- The journey-map touchpoint an unmapped one is most probably a misspelling of (call_center ->
    call_centre), when one is close enough; of equally close ones the earliest in the journey
    (arg_max alone keeps whichever it meets first). -#}
pairs as (
    select
        unmapped.touchpoint,
        known.touchpoint as known_touchpoint,
        known.journey_order,
        {{ jaro_winkler('unmapped.touchpoint', 'known.touchpoint') }} as similarity
    from unmapped
    cross join (select touchpoint, journey_order from touchpoints where is_in_journey_map) as known
),

closest as (
    select
        touchpoint,
        min_by(known_touchpoint, (-similarity, journey_order)) as suggestion,
        max(similarity) as similarity
    from pairs
    group by touchpoint
)

select
    'touchpoint_not_in_journey_map' as check_name,
    unmapped.touchpoint as subject,
    unmapped.responses as rows,
    {{ fill("not in your journey map: {}, {} rows", ['unmapped.touchpoint', 'unmapped.responses']) }} as message,
    case
        when closest.similarity >= 0.9
            then {{ fill("did you mean {}? add {} to seeds/reference/touchpoints.csv (its own journey step), then run promotor build; and correct the spelling in the survey tool for future exports", ['closest.suggestion', 'unmapped.touchpoint']) }}
        else {{ fill("add {} to seeds/reference/touchpoints.csv (or fix its spelling in the export), then run promotor build", ['unmapped.touchpoint']) }}
    end as fix,
    case when closest.similarity >= 0.9 then closest.suggestion end as suggestion
from unmapped
left join closest on unmapped.touchpoint = closest.touchpoint

union all

select
    'quarantined_rows',
    source_file,
    rows_quarantined,
    {{ fill("{} rows of {} are in quarantine", ['rows_quarantined', 'source_file']) }},
    {{ fill("promotor quarantine list --file {}; after fixing the mapping or reference data: promotor quarantine replay", ['source_file']) }},
    null
from per_file
where rows_quarantined > 0

union all

select
    'generated_response_ids',
    source_file,
    response_ids_generated,
    {{ fill("{} has no response id column: {} ids were generated from the answers", ['source_file', 'response_ids_generated']) }},
    'nothing, unless the survey tool can export its own response id: map it as response_id',
    null
from per_file
where response_ids_generated > 0
