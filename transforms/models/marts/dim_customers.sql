{#- The customer as last seen: segment, unit and account manager of the latest response. -#}
select
    customer_id,
    arg_max(segment, answered_at) as segment,
    arg_max(business_unit, answered_at) as business_unit,
    arg_max(account_manager, answered_at) as account_manager,
    min(answered_at) as first_answered_at,
    max(answered_at) as last_answered_at,
    count(*) as responses
from {{ ref('fct_nps_responses') }}
where customer_id is not null
group by customer_id
