{#- Reads the reference data only (dbt_project.yml, tag reference_data). -#}
{{ config(tags=['reference_data']) }}
select
    touchpoint,
    touchpoint_label_nl,
    touchpoint_label_en,
    journey_stage,
    cast(journey_order as integer) as journey_order
from {{ ref('touchpoints') }}
