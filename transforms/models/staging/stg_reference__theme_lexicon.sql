{#- Reads the reference data only (dbt_project.yml, tag reference_data). -#}
{{ config(tags=['reference_data']) }}
select
    theme,
    language,
    lower(keyword) as keyword
from {{ ref('theme_lexicon') }}
