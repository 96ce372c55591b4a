{#- One row per customer in the ledger as the latest export describes them, with their latest
    relationship answer (its NPS category is what puts their revenue "at risk") and the revenue
    figures of the last year (ledger_end − 365 days to ledger_end) for net revenue retention and
    Reichheld's earned growth. Business unit and account manager are those of the customer's
    latest answer, else of dim_customers (their latest answer of any survey): the row-level
    security of the answers applies. Segment is the ledger's, else dim_customers'.
    A table: as a view every query took 8-16 s at 3.4 million customers (the joins with the
    latest answers and dim_customers). Built in one pass over the versions (a view) and one over
    the relationship answers, not through fct_customer_answers (a view too). -#}
{{ config(materialized='table', tags=['customer_value']) }}

with ledger as (select ledger_end, ledger_end - 365 as year_start from {{ ref('int_ledger_end') }}),

customers as (
    {#- One pass over the versions: the current one and the revenue of the version in effect at
        the year's start (exactly one of each per customer, so any_value is that row's value). -#}
    select
        v.customer_id,
        any_value(v.customer_since) filter (where v.is_current) as customer_since,
        any_value(v.churned_at) filter (where v.is_current) as churned_at,
        any_value(v.annual_revenue) filter (where v.is_current) as annual_revenue,
        any_value(v.segment) filter (where v.is_current) as segment,
        any_value(v.acquired_via) filter (where v.is_current) as acquired_via,
        any_value(v.as_of) filter (where v.is_current) as as_of,
        any_value(v.annual_revenue) filter (where l.year_start >= v.valid_from and (l.year_start < v.valid_to or v.valid_to is null)) as revenue_at_year_start
    from {{ ref('int_customer_versions') }} as v
    cross join ledger as l
    group by v.customer_id
),

latest_answers as (
    {#- The latest relationship answer per customer (by time, then id). From the staged
        responses: fct_customer_answers holds these answers for the ledger's customers, which
        are the only ones joined here, without its version lookup. -#}
    select
        customer_id,
        arg_max({'category': {{ nps_category('recommend_score') }}, 'business_unit': business_unit, 'account_manager': account_manager}, (answered_at, response_id)) as latest,
        max(answered_at) as latest_answered_at
    from {{ ref('stg_survey__responses') }}
    where survey_type = 'relationship' and customer_id is not null
    group by customer_id
)

select
    c.customer_id,
    c.customer_since,
    c.churned_at,
    c.annual_revenue,
    coalesce(c.segment, d.segment) as segment,
    c.acquired_via,
    coalesce({{ is_referral('c.acquired_via') }}, false) as is_referral,
    c.as_of,
    l.ledger_end,
    c.churned_at is null or c.churned_at > l.ledger_end as is_active,
    a.latest.category as latest_category,
    a.latest_answered_at,
    coalesce(a.latest.business_unit, d.business_unit) as business_unit,
    coalesce(a.latest.account_manager, d.account_manager) as account_manager,
    -- Net revenue retention: customers at the year's start, their revenue then and now (0 when gone).
    (c.customer_since is null or c.customer_since <= l.year_start) and (c.churned_at is null or c.churned_at > l.year_start) as in_start_cohort,
    c.revenue_at_year_start,
    case when c.churned_at is not null and c.churned_at <= l.ledger_end then 0 else c.annual_revenue end as revenue_now,
    c.customer_since > l.year_start and c.customer_since <= l.ledger_end as is_new_in_year
from customers as c
cross join ledger as l
left join latest_answers as a on a.customer_id = c.customer_id
left join (select customer_id, segment, business_unit, account_manager from {{ ref('dim_customers') }}) as d on d.customer_id = c.customer_id
