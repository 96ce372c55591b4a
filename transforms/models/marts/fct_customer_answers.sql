{#- One row per relationship answer of a customer in the ledger, with the customer as they were
    when they answered (int_customer_versions) and what happened after: churn within the window
    (churned_at in (answer date, answer date + window]). An answer whose window ends after the
    latest export is not complete: the ledger cannot say yet whether the customer left within it
    (is_complete false; the churn figures count complete windows only).
    A view: writing its 4 million rows with eight string columns took ~17 s per build at 10
    million answers; a query pays the join instead (docs/benchmarks.md). The answers come from
    the staged responses (a projection of raw.responses, filtered in the scan) with the NPS
    category computed here as fct_nps_responses does, not through that chain of views. -#}
{{ config(materialized='view', tags=['customer_value']) }}

with answers as (
    select
        response_id,
        customer_id,
        answered_at,
        cast(answered_at as date) as answered_on,
        recommend_score,
        segment as answer_segment,
        business_unit,
        account_manager
    from {{ ref('stg_survey__responses') }}
    where survey_type = 'relationship' and customer_id is not null
),

versions as (
    select customer_id, valid_from, valid_to, version, segment, acquired_via, annual_revenue, customer_since, latest_churned_at
    from {{ ref('int_customer_versions') }}
),

window_end as (select ledger_end, churn_window_days, discount_rate, currency from {{ ref('int_ledger_end') }})

select
    a.response_id,
    a.customer_id,
    a.answered_at,
    a.answered_on,
    a.recommend_score,
    {{ nps_category('a.recommend_score') }} as nps_category,
    cast(a.recommend_score >= {{ var('promoter_min') }} as integer) as is_promoter,
    cast(a.recommend_score >= {{ var('passive_min') }} and a.recommend_score < {{ var('promoter_min') }} as integer) as is_passive,
    cast(a.recommend_score < {{ var('passive_min') }} as integer) as is_detractor,
    a.business_unit,
    a.account_manager,
    coalesce(v.segment, a.answer_segment) as segment,
    v.acquired_via,
    v.annual_revenue,
    v.customer_since,
    v.version as customer_version,
    -- What the latest export knows: a churn date later than the answer's version.
    v.latest_churned_at as churned_at,
    a.answered_on + w.churn_window_days as window_ends_on,
    w.ledger_end,
    w.discount_rate,
    w.currency,
    (v.customer_since is null or v.customer_since <= a.answered_on) and (v.latest_churned_at is null or v.latest_churned_at > a.answered_on) as was_customer,
    a.answered_on + w.churn_window_days <= w.ledger_end as is_complete,
    coalesce(v.latest_churned_at > a.answered_on and v.latest_churned_at <= a.answered_on + w.churn_window_days, false) as churned_in_window,
    datediff('day', v.customer_since, a.answered_on) / 365.25 as tenure_years
from answers as a
{# The version in effect on the answer's day: the versions of one customer cover every day
    once (the first from 1900-01-01, each up to the next), so the join gives one row per answer,
    and answers of customers not in the ledger drop out. A hash join on the customer with the
    day's range as a filter: 1.1 s where an ASOF join took 3.2 s at 4 million answers. #}
inner join versions as v
    on v.customer_id = a.customer_id
    and a.answered_on >= v.valid_from
    and (v.valid_to is null or a.answered_on < v.valid_to)
cross join window_end as w
