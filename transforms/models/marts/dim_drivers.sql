{#- Reads the reference data only (dbt_project.yml, tag reference_data). -#}
{{ config(tags=['reference_data']) }}
select driver, driver_label_nl, driver_label_en, driver_order
from {{ ref('stg_reference__drivers') }}
