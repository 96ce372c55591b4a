{#- One row per customer in the ledger as the latest export describes them, with their latest
    relationship answer (its NPS category is what puts their revenue "at risk") and the revenue
    figures of the last year (ledger_end − 365 days to ledger_end) for net revenue retention and
    Reichheld's earned growth. Business unit and account manager are those of the customer's
    latest answer (dim_customers): the row-level security of the answers applies.
    Incremental (delete+insert per customer): while value_stamp stays the same, a build
    recomputes only the customers with answers in new ingestions; else every customer. -#}
{{ config(materialized='incremental', unique_key='customer_id', incremental_strategy='delete+insert', on_schema_change='sync_all_columns', tags=['customer_value'],
    pre_hook="{{ delete_when_rebuilt(value_rebuild()) }}") }}
{#- Parsing takes the branch that builds the model whole, which does not read the responses. -#}
-- depends_on: {{ ref('stg_survey__responses') }}
{%- set rebuild = value_rebuild() %}
{%- set only_answered %}{% if not rebuild %} and customer_id in (select customer_id from answered){% endif %}{% endset %}

with
{%- if not rebuild %}
answered as (
    {#- Customers with answers of any kind in ingestions after this model's last build: their
        latest relationship answer or their latest unit and manager (dim_customers) may be new. -#}
    select distinct customer_id from {{ ref('stg_survey__responses') }}
    where customer_id is not null and ingestion_id > (select coalesce(max(through_ingestion), 0) from {{ this }})
),
{%- endif %}

ledger as (select ledger_end, {{ add_days('ledger_end', -365) }} as year_start from {{ ref('int_ledger_end') }}),

current_versions as (
    select * from {{ ref('int_customer_versions') }} where is_current{{ only_answered }}
),

at_year_start as (
    select v.customer_id, v.annual_revenue
    from {{ ref('int_customer_versions') }} as v
    where (select year_start from ledger) >= v.valid_from and ((select year_start from ledger) < v.valid_to or v.valid_to is null){{ only_answered }}
),

latest_answers as (
    {#- From the linked answers (fct_customer_answers: the relationship answers of ledger
        customers), not all responses: fewer rows, and the two big value models run one after
        the other instead of side by side in DuckDB's memory. -#}
    select
        customer_id,
        max_by({{ named_row([
            ('category', "case when is_promoter = 1 then 'promoter' when is_passive = 1 then 'passive' else 'detractor' end", 'varchar'),
            ('business_unit', 'business_unit', 'varchar'),
            ('account_manager', 'account_manager', 'varchar'),
        ]) }}, (answered_at, response_id)) as latest,
        max(answered_at) as latest_answered_at
    from {{ ref('fct_customer_answers') }}
    {%- if not rebuild %}
    where true{{ only_answered }}
    {%- endif %}
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
    c.customer_since > l.year_start and c.customer_since <= l.ledger_end as is_new_in_year,
    '{{ value_stamp() }}' as value_stamp,
    {{ responses_through() }} as through_ingestion
from current_versions as c
cross join ledger as l
left join at_year_start as s on s.customer_id = c.customer_id
left join latest_answers as a on a.customer_id = c.customer_id
left join (select customer_id, segment, business_unit, account_manager from {{ ref('dim_customers') }} where true{{ only_answered }}) as d on d.customer_id = c.customer_id
