{#- Theme of each open answer: the first lexicon theme (alphabetical) whose keyword occurs as a
    word. Worked out once per distinct (language, text) of `verbatims` (a CTE name), so a caller
    that filters its verbatims first (fct_verbatims on an incremental run) only themes new texts.
    Yields the CTEs verbatim_texts, verbatim_words, verbatim_matches. -#}
{% macro verbatim_theme_ctes(verbatims) -%}
verbatim_texts as (
    select distinct language, recommend_reason
    from {{ verbatims }}
),

verbatim_words as (
    select distinct language, recommend_reason, word
    from (
        select language, recommend_reason, unnest(string_split_regex(lower(recommend_reason), '[^[:alpha:]]+')) as word
        from verbatim_texts
    )
),

verbatim_matches as (
    select verbatim_words.language, verbatim_words.recommend_reason, min(lexicon.theme) as theme
    from verbatim_words
    inner join {{ ref('stg_reference__theme_lexicon') }} as lexicon
        on verbatim_words.word = lexicon.keyword and verbatim_words.language = lexicon.language
    group by verbatim_words.language, verbatim_words.recommend_reason
)
{%- endmacro %}

{% macro verbatim_theme_join(verbatims) -%}
    left join verbatim_matches
        on {{ verbatims }}.language = verbatim_matches.language
        and {{ verbatims }}.recommend_reason = verbatim_matches.recommend_reason
{%- endmacro %}
