{#- Revenue at risk over time: at each export's date, the customers the ledger then had (as that
    export's version describes them) and the NPS category of their latest relationship answer
    before that date. Aggregated by date, category, segment, business unit and account manager
    (the dimensions of the row-level security). -#}
{{ config(materialized='table', tags=['customer_value']) }}

with export_dates as (
    select distinct as_of from {{ ref('stg_crm__customers') }}
),

customers_then as (
    select d.as_of, v.customer_id, v.annual_revenue, v.segment, v.customer_since, v.churned_at
    from export_dates as d
    inner join {{ ref('int_customer_versions') }} as v
        on d.as_of >= v.valid_from and (v.valid_to is null or d.as_of < v.valid_to)
    where (v.customer_since is null or v.customer_since <= d.as_of)
        and (v.churned_at is null or v.churned_at > d.as_of)
),

answers as (
    {#- The linked relationship answers (only ledger customers are at risk), one per customer and
        moment: of answers at the same time the one with the highest response id, as
        dim_customer_ledger takes the latest (an ASOF join would pick either). After
        dim_customer_ledger, so that the big value models take DuckDB's memory one at a time. -#}
    -- depends_on: {{ ref('dim_customer_ledger') }}
    select
        customer_id,
        answered_at,
        arg_max({
            'category': case when is_promoter = 1 then 'promoter' when is_passive = 1 then 'passive' else 'detractor' end,
            'business_unit': business_unit, 'account_manager': account_manager, 'segment': segment
        }, response_id) as answer
    from {{ ref('fct_customer_answers') }}
    group by customer_id, answered_at
),

latest_before as (
    {#- The latest answer up to the end of the export's day. -#}
    select c.*, a.answer.category as nps_category, a.answer.business_unit as business_unit,
        a.answer.account_manager as account_manager, a.answer.segment as answer_segment
    from (select *, cast(as_of as timestamp) + interval 1 day as as_of_end from customers_then) as c
    asof left join answers as a
        on a.customer_id = c.customer_id and a.answered_at < c.as_of_end
)

select
    as_of,
    coalesce(nps_category, 'not asked') as latest_category,
    coalesce(segment, answer_segment) as segment,
    business_unit,
    account_manager,
    count(*) as customers,
    sum(annual_revenue) as annual_revenue
from latest_before
group by all
