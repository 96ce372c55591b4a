{#- Text is costly to write at millions of rows: the category is in is_promoter / is_passive /
    is_detractor (the cube derives its name), the currency in int_ledger_end. -#}
{#- One row per relationship answer of a customer in the ledger, with the customer as they were
    when they answered (int_customer_versions) and what happened after: churn within the window
    (churned_at in (answer date, answer date + window]). An answer whose window ends after the
    latest export is not complete: the ledger cannot say yet whether the customer left within it
    (is_complete false; the churn figures count complete windows only).
    A view, as the other answer facts: it links the answers to the customer versions when it is
    read (1–1.5 s a query at 10 million answers); a table cost 5 of the build's seconds at that
    size, every first build (docs/benchmarks.md, round 18). -#}
{{ config(materialized='view', tags=['customer_value']) }}

with answers as (
    {#- The staged responses, not fct_nps_responses (a chain of views with the journey's joins,
        none of which these figures need): the category as int_responses_enriched gives it. -#}
    select
        response_id, customer_id, answered_at, cast(answered_at as date) as answered_on, recommend_score,
        cast(recommend_score >= {{ var('promoter_min') }} as integer) as is_promoter,
        cast(recommend_score >= {{ var('passive_min') }} and recommend_score < {{ var('promoter_min') }} as integer) as is_passive,
        cast(recommend_score < {{ var('passive_min') }} as integer) as is_detractor,
        segment as answer_segment, business_unit, account_manager
    from {{ ref('stg_survey__responses') }}
    where survey_type = 'relationship' and customer_id is not null
),

versions as (
    select customer_id, valid_from, version, segment, acquired_via, annual_revenue, customer_since, current_churned_at
    from {{ ref('int_customer_versions') }}
),

window_end as (select ledger_end, churn_window_days, discount_rate from {{ ref('int_ledger_end') }})

select
    a.response_id,
    a.customer_id,
    a.answered_at,
    a.answered_on,
    a.recommend_score,
    a.is_promoter,
    a.is_passive,
    a.is_detractor,
    a.business_unit,
    a.account_manager,
    coalesce(v.segment, a.answer_segment) as segment,
    v.acquired_via,
    v.annual_revenue,
    v.customer_since,
    v.version as customer_version,
    -- What the latest export knows: a churn date later than the answer's version.
    v.current_churned_at as churned_at,
    {{ add_days('a.answered_on', 'w.churn_window_days') }} as window_ends_on,
    w.ledger_end,
    w.discount_rate,
    (v.customer_since is null or v.customer_since <= a.answered_on) and (v.current_churned_at is null or v.current_churned_at > a.answered_on) as was_customer,
    {{ add_days('a.answered_on', 'w.churn_window_days') }} <= w.ledger_end as is_complete,
    coalesce(v.current_churned_at > a.answered_on and v.current_churned_at <= {{ add_days('a.answered_on', 'w.churn_window_days') }}, false) as churned_in_window,
    date_diff('day', v.customer_since, a.answered_on) / 365.25e0 as tenure_years
from answers as a
{# The version in effect on the answer's day: the latest valid from it or before. An ASOF join
    sorts, and spills, where a hash join would hold millions of versions in memory: at 10 million
    answers and 6.7 million versions the hash join (0.7 s against 1.9 s) left the case models
    beside it without memory (docs/benchmarks.md, round 12). Answers of customers not in the
    ledger drop out. #}
{{ asof_join('versions', 'v', [('a.customer_id', 'customer_id')], 'a.answered_on', '>=', 'valid_from') }}
cross join window_end as w
