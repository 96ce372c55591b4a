{#- Reads the reference data only (dbt_project.yml, tag reference_data). -#}
{{ config(tags=['reference_data']) }}
select
    relationship_profile,
    cast(satisfaction_strong as boolean) as satisfaction_strong,
    cast(trust_strong as boolean) as trust_strong,
    cast(love_strong as boolean) as love_strong,
    profile_label_en,
    profile_label_nl,
    interpretation_en,
    interpretation_nl
from {{ ref('relationship_profiles') }}
