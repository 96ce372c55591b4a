{#- Reads the reference data only (dbt_project.yml, tag reference_data). An empty touchpoint or
    business unit matches any. -#}
{{ config(tags=['reference_data']) }}
select
    nullif(trim(touchpoint), '') as touchpoint,
    nullif(trim(business_unit), '') as business_unit,
    team
from {{ ref('case_routing') }}
