{#- A view: a projection of the enriched responses costs DuckDB nothing to compute at query time,
    while writing it as a table cost ~20 s per 10 million responses (docs/benchmarks.md). -#}
{{ config(materialized='view') }}

select
    {{ dimension_columns() }},
    recommend_score,
    nps_category,
    cast(nps_category = 'promoter' as integer) as is_promoter,
    cast(nps_category = 'passive' as integer) as is_passive,
    cast(nps_category = 'detractor' as integer) as is_detractor,
    recommend_reason,
    recommend_reason is not null and trim(recommend_reason) <> '' as has_reason
from {{ ref('int_responses_enriched') }}
