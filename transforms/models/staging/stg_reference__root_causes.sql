{#- Reads the reference data only (dbt_project.yml, tag reference_data). -#}
{{ config(tags=['reference_data']) }}
select
    root_cause,
    label_nl as root_cause_label_nl,
    label_en as root_cause_label_en,
    cast(sort_order as integer) as sort_order
from {{ ref('root_causes') }}
