{#- For each closed case, the case that opens next: the customer's first triggering answer after
    the closing time. A table of its own, read by int_cases' recursion (DuckDB runs no ASOF join
    inside a recursive CTE). -#}
{{ config(materialized='table', tags=['follow_up']) }}

with closed as (
    select case_id, min(event_at) as closed_at
    from {{ ref('stg_follow_up__case_events') }}
    where status = 'closed'
    group by case_id
),

triggers as (
    select own_case_id, customer_id, trigger_key from {{ ref('int_case_triggers') }}
)

select
    x.case_id,
    x.closed_at,
    n.own_case_id as next_case_id,
    n.trigger_key as next_key,
    n.customer_id
from closed as x
inner join triggers as own on own.own_case_id = x.case_id
asof inner join triggers as n
    on n.customer_id = own.customer_id
    and n.trigger_key > (cast(epoch_us(x.closed_at) as hugeint) << 64) + cast(18446744073709551615 as hugeint)
