{{ config(materialized='view') }}

select
    {{ dimension_columns() }},
    touchpoint_label_nl,
    touchpoint_label_en,
    recommend_score,
    nps_category,
    cast(nps_category = 'promoter' as integer) as is_promoter,
    cast(nps_category = 'passive' as integer) as is_passive,
    cast(nps_category = 'detractor' as integer) as is_detractor,
    csat,
    ces
from {{ ref('int_responses_enriched') }}
where survey_type = 'touchpoint'
