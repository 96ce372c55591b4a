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
    {#- The linked relationship answers (only ledger customers are at risk); after dim_customer_ledger,
        so that the big value models take DuckDB's memory one at a time. -#}
    -- depends_on: {{ ref('dim_customer_ledger') }}
    select customer_id, answered_on, case when is_promoter = 1 then 'promoter' when is_passive = 1 then 'passive' else 'detractor' end as nps_category,
        business_unit, account_manager, segment as answer_segment
    from {{ ref('fct_customer_answers') }}
),

latest_before as (
    {#- The latest answer on or before the date (ASOF join: one answer per customer and date). -#}
    select c.*, a.nps_category, a.business_unit, a.account_manager, a.answer_segment
    from customers_then as c
    asof left join answers as a
        on a.customer_id = c.customer_id and a.answered_on <= c.as_of
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
