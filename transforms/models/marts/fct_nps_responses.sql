{#- A view: a projection of the enriched responses costs DuckDB nothing to compute at query time,
    while writing it as a table cost ~20 s per 10 million responses (docs/benchmarks.md). -#}
{{ config(materialized='view') }}

select
    {{ dimension_columns() }},
    recommend_score,
    nps_category,
    {#- From the score, as nps_category is: a comparison per row instead of a CASE and string compares. -#}
    cast(recommend_score >= {{ var('promoter_min') }} as integer) as is_promoter,
    cast(recommend_score >= {{ var('passive_min') }} and recommend_score < {{ var('promoter_min') }} as integer) as is_passive,
    cast(recommend_score < {{ var('passive_min') }} as integer) as is_detractor,
    recommend_reason,
    recommend_reason is not null and trim(recommend_reason) <> '' as has_reason
from {{ ref('int_responses_enriched') }}
