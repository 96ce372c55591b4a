{#- Revenue at risk over time: at each export's date, the customers the ledger then had (as that
    export's version describes them) and the NPS category of their latest relationship answer
    before that date. Aggregated by date, category, segment, business unit and account manager
    (the dimensions of the row-level security). A view: a few rows per export date, computed
    when read (about 2.3 s at 10 million answers) instead of in every build (docs/benchmarks.md,
    round 18). -#}
{{ config(materialized='view', tags=['customer_value']) }}

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
    {#- The relationship answers, each at its moment (time, response id): of answers at the same
        time the ASOF join below takes the one with the highest response id, as
        dim_customer_ledger takes the latest, without grouping millions of answers first. Only
        those of ledger customers meet one. #}
    select customer_id, {{ named_row([('at', 'answered_at', 'timestamp(6)'), ('response_id', 'response_id', 'varchar')]) }} as moment,
        {{ nps_category('recommend_score') }} as nps_category,
        business_unit, account_manager, segment
    from {{ ref('stg_survey__responses') }}
    where survey_type = 'relationship' and customer_id is not null
),

latest_before as (
    {#- The latest answer up to the end of the export's day. #}
    select c.*,
        a.nps_category,
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
    sum(annual_revenue) as annual_revenue
from latest_before
group by 1, 2, 3, 4, 5
