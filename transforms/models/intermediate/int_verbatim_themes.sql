{#- Open "why" answers tagged with the first lexicon theme (alphabetical) whose keyword occurs as a
    word (macros/verbatim_themes.sql: once per distinct text, not per answer). -#}
with verbatims as (
    select * from {{ ref('int_responses_enriched') }}
    where recommend_reason is not null and trim(recommend_reason) <> ''
),

{{ verbatim_theme_ctes('verbatims') }}

select
    verbatims.*,
    coalesce(verbatim_matches.theme, 'other') as theme
from verbatims
{{ verbatim_theme_join('verbatims') }}
