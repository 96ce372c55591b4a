{#- Revenue at risk over time: at each export's date, the customers the ledger then had (as that
    export's version describes them) and the NPS category of their latest relationship answer
    before that date. Aggregated by date, category, segment, business unit and account manager
    (the dimensions of the row-level security). Kept as it is while value_stamp stays the same
    and no new answer falls on or before the latest export's day (revenue_at_risk_rebuild):
    answers after it are no export's latest answer before its date. -#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='sync_all_columns', tags=['customer_value'],
    pre_hook="{{ delete_when_rebuilt(revenue_at_risk_rebuild()) }}") }}
{#- What revenue_at_risk_rebuild reads. -#}
-- depends_on: {{ ref('int_ledger_end') }}, {{ ref('fct_customer_answers') }}
{%- if revenue_at_risk_rebuild() %}

with versions_at as (
    {{ versions_at_export_dates(ref('int_customer_versions'), ref('stg_crm__customers'), ['customer_id', 'annual_revenue', 'segment', 'customer_since', 'churned_at']) }}
),

customers_then as (
    {#- The customers the ledger then had, and the end of the export's day as a moment (time,
        response id) that sorts after every answer of that day. #}
    select *, {{ named_row([('at', "cast(as_of as timestamp) + interval '1' day", 'timestamp(6)'), ('response_id', "''", 'varchar')]) }} as as_of_end
    from versions_at
    where (customer_since is null or customer_since <= as_of)
        and (churned_at is null or churned_at > as_of)
),

answers as (
    {#- The linked relationship answers (only ledger customers are at risk), each at its moment
        (time, response id): of answers at the same time the ASOF join below takes the one with
        the highest response id, as dim_customer_ledger takes the latest, without grouping
        millions of answers first. After dim_customer_ledger, so that the big value models take
        DuckDB's memory one at a time. #}
    -- depends_on: {{ ref('dim_customer_ledger') }}
    select customer_id, {{ named_row([('at', 'answered_at', 'timestamp(6)'), ('response_id', 'response_id', 'varchar')]) }} as moment,
        is_promoter, is_passive, business_unit, account_manager, segment
    from {{ ref('fct_customer_answers') }}
),

latest_before as (
    {#- The latest answer up to the end of the export's day. #}
    select c.*,
        case when a.is_promoter = 1 then 'promoter' when a.is_passive = 1 then 'passive' when a.customer_id is not null then 'detractor' end as nps_category,
        a.business_unit, a.account_manager, a.segment as answer_segment
    from customers_then as c
    {{ asof_join('answers', 'a', [('c.customer_id', 'customer_id')], 'c.as_of_end', '>', 'moment', kind='left') }}
)

select
    as_of,
    coalesce(nps_category, 'not asked') as latest_category,
    coalesce(segment, answer_segment) as segment,
    business_unit,
    account_manager,
    count(*) as customers,
    sum(annual_revenue) as annual_revenue,
    '{{ value_stamp() }}' as value_stamp,
    {{ responses_through() }} as through_ingestion
from latest_before
group by 1, 2, 3, 4, 5
{%- else %}
{#- Nothing new for it: the stored rows stay. #}
select * from {{ this }} where false
{%- endif %}
