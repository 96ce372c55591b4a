{#- Every case: for most customers their only case (int_case_customers), for customers whose
    case was closed before a later triggering answer the chain of their cases
    (int_case_chains). A view over the two tables, which keep keys only: the opening answer's
    attributes are read here, by its id, and the rule's priority and SLA written out from
    promotor.yaml. -#}
{{ config(materialized='view', tags=['follow_up']) }}
{%- set keys = ['customer_id', 'opening_response_id', 'opening_key', 'created_at', 'case_rule', 'triggering_answers', 'last_triggered_at'] %}

with openings as (
    select {{ keys | join(', ') }}
    from {{ ref('int_case_customers') }}
    where customer_id not in (select customer_id from {{ ref('int_case_chains') }})
    union all
    select {{ keys | join(', ') }}
    from {{ ref('int_case_chains') }}
)

select
    {{ case_id_of('o.opening_response_id') }} as case_id,
    {%- for key in keys %}
    o.{{ key }},
    {%- endfor %}
    {{ case_rule_priority('o.case_rule') }} as priority,
    {{ case_rule_sla_hours('o.case_rule') }} as sla_hours,
    {%- for column in case_opening_columns() %}
    r.{{ column }},
    {%- endfor %}
    {{ nps_category('r.recommend_score') }} as nps_category
from openings as o
inner join {{ ref('stg_survey__responses') }} as r on r.response_id = o.opening_response_id
