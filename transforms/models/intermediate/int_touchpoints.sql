{#- Every touchpoint the responses use, and every one the journey map names. A touchpoint the map
    (seeds/reference/touchpoints.csv) does not name keeps its own code as label, stage
    `unmapped`, and a place after the known journey (alphabetical among the unmapped ones), so
    it is reported rather than lost. Editing the map takes effect at the next build: this table
    is rebuilt each time, and the response views join it. -#}
{{ config(materialized='table') }}

with journey_map as (
    select * from {{ ref('stg_reference__touchpoints') }}
),

observed as (
    select touchpoint, cast(sum(responses) as bigint) as responses
    from {{ ref('int_touchpoint_counts') }}
    group by touchpoint
),

unmapped as (
    select observed.touchpoint, observed.responses
    from observed
    where observed.touchpoint not in (select touchpoint from journey_map)
),

journey_end as (
    select coalesce(max(journey_order), 0) as last_order from journey_map
)

select
    journey_map.touchpoint,
    journey_map.touchpoint_label_nl,
    journey_map.touchpoint_label_en,
    journey_map.journey_stage,
    journey_map.journey_order,
    true as is_in_journey_map,
    coalesce(observed.responses, 0) as responses
from journey_map
left join observed on journey_map.touchpoint = observed.touchpoint

union all

select
    unmapped.touchpoint,
    unmapped.touchpoint as touchpoint_label_nl,
    unmapped.touchpoint as touchpoint_label_en,
    'unmapped' as journey_stage,
    cast(journey_end.last_order + row_number() over (order by unmapped.touchpoint) as integer) as journey_order,
    false as is_in_journey_map,
    unmapped.responses
from unmapped, journey_end
