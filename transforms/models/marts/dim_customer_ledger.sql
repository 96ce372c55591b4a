{#- One row per customer in the ledger as the latest export describes them, with their latest
    relationship answer (its NPS category is what puts their revenue "at risk") and the revenue
    figures of the last year (ledger_end − 365 days to ledger_end) for net revenue retention and
    Reichheld's earned growth. Business unit and account manager are those of the customer's
    latest answer (dim_customers): the row-level security of the answers applies.
    A view: it joins a million customers to their latest answers when it is read (about 2 s at
    10 million answers) instead of in every build (docs/benchmarks.md, round 18). One row per
    customer by construction: one current version each (int_customer_versions), and every join
    is on a key that is unique per customer. -#}
{{ config(materialized='view', tags=['customer_value']) }}

with
ledger as (select ledger_end, {{ add_days('ledger_end', -365) }} as year_start from {{ ref('int_ledger_end') }}),

current_versions as (
    select * from {{ ref('int_customer_versions') }} where is_current
),

at_year_start as (
    select v.customer_id, v.annual_revenue
    from {{ ref('int_customer_versions') }} as v
    where (select year_start from ledger) >= v.valid_from and ((select year_start from ledger) < v.valid_to or v.valid_to is null)
),

latest_answers as (
    {#- The latest relationship answer of each customer, read from the staged answers: what
        fct_customer_answers (a view) would link to the ledger is not needed for it. -#}
    select
        customer_id,
        max_by({{ named_row([
            ('category', nps_category('recommend_score'), 'varchar'),
            ('business_unit', 'business_unit', 'varchar'),
            ('account_manager', 'account_manager', 'varchar'),
        ]) }}, (answered_at, response_id)) as latest,
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
    s.annual_revenue as revenue_at_year_start,
    case when c.churned_at is not null and c.churned_at <= l.ledger_end then 0 else c.annual_revenue end as revenue_now,
    c.customer_since > l.year_start and c.customer_since <= l.ledger_end as is_new_in_year
from current_versions as c
cross join ledger as l
left join at_year_start as s on s.customer_id = c.customer_id
left join latest_answers as a on a.customer_id = c.customer_id
left join {{ ref('dim_customers') }} as d on d.customer_id = c.customer_id
