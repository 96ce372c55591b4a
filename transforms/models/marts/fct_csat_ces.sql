{{ config(materialized='view') }}

select
    {{ dimension_columns() }},
    csat,
    case when csat is not null then cast(csat >= {{ var('csat_satisfied_min') }} as integer) end as is_csat_satisfied,
    ces,
    case when ces is not null then cast(ces >= {{ var('ces_easy_min') }} as integer) end as is_ces_easy,
    recommend_score
from {{ ref('int_responses_enriched') }}
where csat is not null or ces is not null
