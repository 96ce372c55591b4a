{{ config(materialized='incremental') }}

select
    {{ dimension_columns() }},
    recommend_score,
    nps_category,
    recommend_reason,
    theme
from {{ ref('int_verbatim_themes') }}
{{ incremental_ingestions('ingestion_id') }}
