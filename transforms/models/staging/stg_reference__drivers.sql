{#- Reads the reference data only (dbt_project.yml, tag reference_data). -#}
{{ config(tags=['reference_data']) }}
select
    driver,
    driver_label_nl,
    driver_label_en,
    cast(driver_order as integer) as driver_order,
    source_column
from {{ ref('drivers') }}
