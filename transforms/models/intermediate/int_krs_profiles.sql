{#- KlantRelatieScore per respondent: component strengths and the relationship profile. The
    profile's name, labels and interpretation are written in as CASE expressions over the three
    strengths (macros/reference_lookup.sql), not joined per row. -#}
{#- The responses are the enriched responses with all three items, filtered on the loaded columns
    so DuckDB skips the others in the scan (macros/staged_responses.sql). -#}
-- depends_on: {{ ref('stg_reference__relationship_profiles') }}
-- depends_on: {{ ref('int_responses_enriched') }}
-- depends_on: {{ ref('int_touchpoints') }}
with responses as (
    {{ enriched_responses_where('krs_satisfaction is not null and krs_trust is not null and krs_love is not null') }}
),

strengths as (
    select
        *,
        {#- A double divisor: Trino divides an integer by the decimal literal 3.0 to one decimal (7.3 for 22 / 3), DuckDB to a double (the engine parity test, tests/trino). #}
        (krs_satisfaction + krs_trust + krs_love) / 3e0 as krs_score,
        krs_satisfaction >= {{ var('krs_strong_min') }} as satisfaction_strong,
        krs_trust >= {{ var('krs_strong_min') }} as trust_strong,
        krs_love >= {{ var('krs_strong_min') }} as love_strong
    from responses
)

select
    strengths.*,
    {{ relationship_profile_lookup('relationship_profile') }} as relationship_profile,
    {{ relationship_profile_lookup('profile_label_nl') }} as profile_label_nl,
    {{ relationship_profile_lookup('profile_label_en') }} as profile_label_en,
    {{ relationship_profile_lookup('interpretation_nl') }} as interpretation_nl,
    {{ relationship_profile_lookup('interpretation_en') }} as interpretation_en
from strengths
