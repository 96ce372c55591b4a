{#- Every case: for most customers their only case (int_case_customers), for customers whose
    case was closed before a later triggering answer the chain of their cases
    (int_case_chains). A view over the two tables. -#}
{{ config(materialized='view', tags=['follow_up']) }}
{%- set columns = ['case_id', 'customer_id', 'opening_response_id', 'opening_key', 'triggering_answers', 'last_triggered_at', 'created_at', 'case_rule', 'priority', 'sla_hours', 'survey_type', 'touchpoint', 'channel', 'language', 'segment', 'business_unit', 'account_manager', 'recommend_score', 'nps_category'] %}

select {{ columns | join(', ') }}
from {{ ref('int_case_customers') }}
where customer_id not in (select customer_id from {{ ref('int_case_chains') }})
union all
select {{ columns | join(', ') }}
from {{ ref('int_case_chains') }}
