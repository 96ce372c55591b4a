{#- Open "why" answers tagged with the first lexicon theme (alphabetical) whose keyword occurs as a word. -#}
with verbatims as (
    select * from {{ ref('int_responses_enriched') }}
    where recommend_reason is not null and trim(recommend_reason) <> ''
),

words as (
    select distinct response_id, language, word
    from (
        select response_id, language, unnest(string_split_regex(lower(recommend_reason), '[^[:alpha:]]+')) as word
        from verbatims
    )
),

lexicon as (
    select * from {{ ref('stg_reference__theme_lexicon') }}
),

matched as (
    select words.response_id, min(lexicon.theme) as theme
    from words
    inner join lexicon on words.word = lexicon.keyword and words.language = lexicon.language
    group by words.response_id
)

select
    verbatims.*,
    coalesce(matched.theme, 'other') as theme
from verbatims
left join matched on verbatims.response_id = matched.response_id
