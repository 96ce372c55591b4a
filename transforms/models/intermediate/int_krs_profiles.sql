{#- KlantRelatieScore per respondent: component strengths and the relationship profile. -#}
with responses as (
    select * from {{ ref('int_responses_enriched') }}
    where krs_satisfaction is not null and krs_trust is not null and krs_love is not null
),

profiles as (
    select * from {{ ref('stg_reference__relationship_profiles') }}
),

strengths as (
    select
        *,
        (krs_satisfaction + krs_trust + krs_love) / 3.0 as krs_score,
        krs_satisfaction >= {{ var('krs_strong_min') }} as satisfaction_strong,
        krs_trust >= {{ var('krs_strong_min') }} as trust_strong,
        krs_love >= {{ var('krs_strong_min') }} as love_strong
    from responses
)

select
    strengths.*,
    profiles.relationship_profile,
    profiles.profile_label_nl,
    profiles.profile_label_en,
    profiles.interpretation_nl,
    profiles.interpretation_en
from strengths
left join profiles
    on strengths.satisfaction_strong = profiles.satisfaction_strong
    and strengths.trust_strong = profiles.trust_strong
    and strengths.love_strong = profiles.love_strong
