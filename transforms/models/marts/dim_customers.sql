{#- The customer as last seen: segment, unit and account manager of the latest response.
    Incremental: a new ingestion only changes the customers who answered in it, so only they are
    recomputed (over their whole history) and replaced; rebuilding all customers of a 10-million
    response warehouse cost ~10 s per build. -#}
{{ config(materialized='incremental', unique_key='customer_id', incremental_strategy='delete+insert') }}

select
    customer_id,
    arg_max(segment, answered_at) as segment,
    arg_max(business_unit, answered_at) as business_unit,
    arg_max(account_manager, answered_at) as account_manager,
    min(answered_at) as first_answered_at,
    max(answered_at) as last_answered_at,
    count(*) as responses,
    max(ingestion_id) as last_ingestion_id
from {{ ref('fct_nps_responses') }}
where customer_id is not null
{% if is_incremental() %}
    and customer_id in (
        select customer_id from {{ ref('fct_nps_responses') }}
        where ingestion_id > (select coalesce(max(last_ingestion_id), 0) from {{ this }})
    )
{% endif %}
group by customer_id
