{#- Which answer opens a case and which case each triggering answer belongs to. At most one case
    per customer is open: a triggering answer opens a case when the customer's previous case was
    closed before it (or there is none), and is attached to the open case otherwise. Closing is a
    case event, so the chain is followed case by case (recursive: a customer's next case is the
    successor of the previous one, int_case_successors). A case's id is derived from the answer
    that opened it: rebuilding, or --full-refresh, gives every case the same id. -#}
{{ config(materialized='table', tags=['follow_up']) }}

with recursive
triggers as (
    select * from {{ ref('int_case_triggers') }}
),

firsts as (
    select customer_id, arg_min(own_case_id, trigger_key) as case_id, min(trigger_key) as opened_key
    from triggers
    group by customer_id
),

successors as (
    select case_id, next_case_id, next_key, customer_id from {{ ref('int_case_successors') }}
),

chain(customer_id, case_id, opened_key) as (
    select customer_id, case_id, opened_key from firsts
    union all
    select s.customer_id, s.next_case_id, s.next_key
    from chain as c
    inner join successors as s on s.case_id = c.case_id
),

openings as materialized (
    select * from chain
),

assigned as (
    select t.*, o.case_id
    from triggers as t
    asof inner join openings as o on o.customer_id = t.customer_id and t.trigger_key >= o.opened_key
)

select
    response_id,
    case_id,
    own_case_id = case_id as opens_case,
    customer_id,
    answered_at,
    survey_type,
    touchpoint,
    channel,
    language,
    segment,
    business_unit,
    account_manager,
    recommend_score,
    nps_category,
    recommend_reason,
    case_rule,
    priority,
    sla_hours
from assigned
