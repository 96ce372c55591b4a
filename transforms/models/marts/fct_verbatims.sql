{{ config(materialized='incremental') }}

{#- The theming of int_verbatim_themes, applied here to the new ingestions only: reading the
    view with a filter would still theme every distinct text of the warehouse. -#}
with verbatims as (
    select * from {{ ref('int_responses_enriched') }}
    where recommend_reason is not null and trim(recommend_reason) <> ''
    {% if is_incremental() %}
        and ingestion_id > (select coalesce(max(ingestion_id), 0) from {{ this }})
    {% endif %}
),

{{ verbatim_theme_ctes('verbatims') }}

select
    {{ dimension_columns('verbatims.') }},
    verbatims.recommend_score,
    verbatims.nps_category,
    verbatims.recommend_reason,
    coalesce(verbatim_matches.theme, 'other') as theme
from verbatims
{{ verbatim_theme_join('verbatims') }}
