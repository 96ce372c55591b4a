{#- A view: the responses with a non-empty answer and the theme of their text, looked up in
    int_verbatim_themes (one row per distinct text), instead of ~6 million rows written per
    10 million responses. -#}
{{ config(materialized='view') }}

with verbatims as (
    select * from {{ ref('int_responses_enriched') }}
    where recommend_reason is not null and trim(recommend_reason) <> ''
),

themes as (
    select * from {{ ref('int_verbatim_themes') }}
)

select
    {{ dimension_columns('verbatims.') }},
    verbatims.recommend_score,
    verbatims.nps_category,
    verbatims.recommend_reason,
    coalesce(themes.theme, 'other') as theme
from verbatims
left join themes
    on verbatims.language = themes.language
    and verbatims.recommend_reason = themes.recommend_reason
