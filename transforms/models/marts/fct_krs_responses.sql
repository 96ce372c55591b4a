{{ config(materialized='view') }}

select
    {{ dimension_columns() }},
    krs_satisfaction,
    krs_trust,
    krs_love,
    krs_score,
    cast(satisfaction_strong as integer) as is_satisfaction_strong,
    cast(trust_strong as integer) as is_trust_strong,
    cast(love_strong as integer) as is_love_strong,
    relationship_profile,
    profile_label_nl as relationship_profile_label_nl,
    profile_label_en as relationship_profile_label_en,
    recommend_score
from {{ ref('int_krs_profiles') }}
