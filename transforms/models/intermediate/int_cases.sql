{#- Which answer opens a case and which case each triggering answer belongs to. At most one case
    per customer is open: a triggering answer opens a case when the customer's previous case was
    closed before it (or there is none), and is attached to the open case otherwise. Closing is a
    case event, so the chain is followed case by case: a closed case's successor is the customer's
    first trigger after it closed, and the recursion follows successors. A case's id is derived
    from the answer that opened it: a rebuild, or --full-refresh, gives every case the same id.

    Incremental (delete+insert per customer): a build recomputes only the customers with new
    triggers or a case closed since the last build, over their whole history. -#}
{{ config(materialized='incremental', unique_key='customer_id', incremental_strategy='delete+insert', tags=['follow_up'], pre_hook="{{ delete_changed_case_rules() }}") }}

with recursive
{%- if is_incremental() %}
watermark as (
    select coalesce(max(through_ingestion), 0) as ingestion, coalesce(max(events_through), timestamp '1900-01-01') as recorded
    from {{ this }}
),

affected as (
    select customer_id from {{ ref('int_case_triggers') }} where ingestion_id > (select ingestion from watermark)
    union
    select t.customer_id
    from {{ ref('stg_follow_up__case_events') }} as e
    inner join {{ ref('int_case_triggers') }} as t on t.own_case_id = e.case_id
    where e.status = 'closed' and e.recorded_at > (select recorded from watermark)
),
{%- endif %}

triggers as materialized (
    select response_id, own_case_id, trigger_key, customer_id
    from {{ ref('int_case_triggers') }}
    {%- if is_incremental() %}
    where customer_id in (select customer_id from affected)
    {%- endif %}
),

closed as (
    select case_id, min(event_at) as closed_at
    from {{ ref('stg_follow_up__case_events') }}
    where status = 'closed'
    group by case_id
),

{#- For each closed case of these customers, the case that opens next (a plain join and group:
    DuckDB runs no ASOF join inside a recursive CTE). -#}
successors as materialized (
    select x.case_id, arg_min(n.own_case_id, n.trigger_key) as next_case_id, min(n.trigger_key) as next_key
    from closed as x
    inner join triggers as own on own.own_case_id = x.case_id
    inner join triggers as n
        on n.customer_id = own.customer_id
        and n.trigger_key > (cast(epoch_us(x.closed_at) as hugeint) << 64) + cast(18446744073709551615 as hugeint)
    group by x.case_id
),

firsts as (
    select customer_id, arg_min(own_case_id, trigger_key) as case_id, min(trigger_key) as opened_key
    from triggers
    group by customer_id
),

chain(customer_id, case_id, opened_key) as (
    select customer_id, case_id, opened_key from firsts
    union all
    select c.customer_id, s.next_case_id, s.next_key
    from chain as c
    inner join successors as s on s.case_id = c.case_id
),

openings as materialized (
    select * from chain
),

{#- Most customers have one case: each of their triggers belongs to it. Only customers with
    several need the ASOF join (the latest case opened at or before the trigger). -#}
several as (
    select customer_id from openings group by customer_id having count(*) > 1
),

assigned as (
    select t.response_id, t.own_case_id, t.customer_id, f.case_id
    from triggers as t
    inner join firsts as f on f.customer_id = t.customer_id
    where t.customer_id not in (select customer_id from several)
    union all
    select t.response_id, t.own_case_id, t.customer_id, o.case_id
    from (select * from triggers where customer_id in (select customer_id from several)) as t
    asof inner join (select * from openings where customer_id in (select customer_id from several)) as o
        on o.customer_id = t.customer_id and t.trigger_key >= o.opened_key
)

select
    response_id,
    case_id,
    own_case_id = case_id as opens_case,
    customer_id,
    (select max(ingestion_id) from {{ ref('int_case_triggers') }}) as through_ingestion,
    (select max(recorded_at) from {{ ref('stg_follow_up__case_events') }}) as events_through,
    '{{ invocation_id }}' as invocation_id,
    '{{ case_rules_fingerprint() }}' as rules_fingerprint
from assigned
