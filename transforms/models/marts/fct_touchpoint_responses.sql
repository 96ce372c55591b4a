{{ config(materialized='view') }}

select
    {{ dimension_columns() }},
    touchpoint_label_nl,
    touchpoint_label_en,
    recommend_score,
    nps_category,
    {#- From the score, as nps_category is: a comparison per row instead of a CASE and string compares. -#}
    cast(recommend_score >= {{ var('promoter_min') }} as integer) as is_promoter,
    cast(recommend_score >= {{ var('passive_min') }} and recommend_score < {{ var('promoter_min') }} as integer) as is_passive,
    cast(recommend_score < {{ var('passive_min') }} as integer) as is_detractor,
    csat,
    ces
from {{ ref('int_responses_enriched') }}
where survey_type = 'touchpoint'
