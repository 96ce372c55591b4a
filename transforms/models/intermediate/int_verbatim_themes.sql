{#- The theme of each distinct open answer (per language): the first lexicon theme (alphabetical)
    whose keyword occurs in it as a word, `other` when none does. A table of texts, not of
    responses: answers repeat, and an incremental run themes only texts it has not seen before.
    fct_verbatims joins it back to the responses. -#}
{{ config(materialized='incremental') }}

with verbatims as (
    select language, recommend_reason, ingestion_id
    from {{ ref('int_responses_enriched') }}
    where recommend_reason is not null and trim(recommend_reason) <> ''
    {% if is_incremental() %}
        and ingestion_id > (select coalesce(max(first_ingestion_id), 0) from {{ this }})
    {% endif %}
),

texts as (
    select language, recommend_reason, min(ingestion_id) as first_ingestion_id
    from verbatims
    group by language, recommend_reason
),

new_texts as (
    select * from texts
    {% if is_incremental() %}
    where not exists (
        select 1 from {{ this }} as seen
        where seen.language = texts.language and seen.recommend_reason = texts.recommend_reason
    )
    {% endif %}
),

words as (
    select distinct language, recommend_reason, word
    from (
        {#- Words: runs of the letters a-z of the lower-cased text (RE2's [:alpha:] is ASCII too,
            and Java's regular expressions on Trino read [^a-z] the same way). #}
        select language, recommend_reason, word
        from new_texts
        cross join unnest({{ regexp_split('lower(recommend_reason)', "'[^a-z]+'") }}) as split (word)
    )
),

matches as (
    select words.language, words.recommend_reason, min(lexicon.theme) as theme
    from words
    inner join {{ ref('stg_reference__theme_lexicon') }} as lexicon
        on words.word = lexicon.keyword and words.language = lexicon.language
    group by words.language, words.recommend_reason
)

select
    new_texts.language,
    new_texts.recommend_reason,
    coalesce(matches.theme, 'other') as theme,
    new_texts.first_ingestion_id
from new_texts
left join matches
    on new_texts.language = matches.language
    and new_texts.recommend_reason = matches.recommend_reason
