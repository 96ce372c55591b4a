{#- Reads the reference data only (dbt_project.yml, tag reference_data). -#}
{{ config(tags=['reference_data']) }}
select * from {{ ref('stg_reference__relationship_profiles') }}
