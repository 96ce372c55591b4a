{#- The cases of customers with more than one: at most one case per customer is open, so a
    triggering answer opens a new case only after the customer's previous case was closed, and
    is attached to the open case otherwise. Closing is a case event, so the chain is followed
    case by case: a closed case's successor is the customer's first trigger after it closed, and
    the recursion follows successors. One row per case, for customers with a closed case
    (int_cases takes the others' single case from int_case_customers).

    Incremental (delete+insert per customer): a build recomputes the customers with a case
    closed since the last build, and those of them with new triggering answers. -#}
{{ config(materialized='incremental', unique_key='customer_id', incremental_strategy='delete+insert', tags=['follow_up'], pre_hook="{{ delete_changed_case_rules() }}", post_hook="{{ case_chain_cleanup(this) }}") }}
{#- Without a closed case there is no chain to follow: the model then reads no answer at all
    (`triggers` is empty, and so is everything built on it). -#}
{%- set any_closed = true %}
{%- if execute %}
    {%- set any_closed = run_query("select count(*) from " ~ ref('stg_follow_up__case_events') ~ " where status = 'closed'").columns[0].values()[0] > 0 %}
{%- endif %}

{#- What the chain is followed through: closed cases, the customers to rebuild, their triggers,
    each closed case's successor and each customer's first case. -#}
{%- set inputs %}
closed as (
    select response_id, any_value(customer_id) as customer_id, min(event_at) as closed_at, max(recorded_at) as recorded_at
    from {{ ref('stg_follow_up__case_events') }}
    where status = 'closed' and response_id is not null
    group by response_id
),

closed_customers as (
    select customer_id, max(recorded_at) as recorded_at
    from closed
    group by customer_id
),

affected as (
    select customer_id from closed_customers
    {%- if is_incremental() %}
    where recorded_at > (select coalesce(max(events_through), timestamp '1900-01-01') from {{ this }})
        or customer_id in (
            select customer_id from {{ ref('int_case_triggers') }}
            where ingestion_id > (select coalesce(max(through_ingestion), 0) from {{ this }})
        )
    {%- endif %}
),

triggers as {{ materialized_cte() }} (
    select * from {{ ref('int_case_triggers') }}
    where customer_id in (select customer_id from affected){% if not any_closed %} and false{% endif %}
),

{#- For each closed case of these customers, the case that opens next (a join and group: DuckDB
    runs no ASOF join inside a recursive CTE). -#}
successors as {{ materialized_cte() }} (
    select x.response_id, {{ first_non_null('n.response_id', 'n.trigger_key') }} as next_response_id, min(n.trigger_key) as next_key
    from closed as x
    inner join triggers as own on own.response_id = x.response_id
    inner join triggers as n
        on n.customer_id = own.customer_id
        and n.trigger_key > {{ answer_key('x.closed_at') }}
    group by x.response_id
),

firsts as (
    select customer_id, {{ first_non_null('response_id', 'trigger_key') }} as response_id, min(trigger_key) as opening_key
    from triggers
    group by customer_id
)
{%- endset %}

with {{ inputs }},

{#- Every affected customer keeps rows here, also one whose chain is a single case (an earlier
    answer that arrived late can make it so): delete+insert then replaces all of theirs. -#}
openings as {{ materialized_cte() }} (
    {{ case_chain_openings(inputs, this) }}
),

{#- Each trigger of these customers belongs to the latest case opened at or before it. -#}
assigned as (
    select o.response_id as opening_response_id, t.answered_at
    from (select * from triggers where customer_id in (select customer_id from openings)) as t
    {{ asof_join('openings', 'o', [('t.customer_id', 'customer_id')], 't.trigger_key', '>=', 'opening_key') }}
),

attached as (
    select opening_response_id, count(*) as triggering_answers, max(answered_at) as last_triggered_at
    from assigned
    group by opening_response_id
)

{#- Keys only, as int_case_customers: int_cases reads the opening answer's attributes. -#}
select
    o.customer_id,
    o.response_id as opening_response_id,
    o.opening_key,
    t.answered_at as created_at,
    t.case_rule,
    a.triggering_answers,
    a.last_triggered_at,
    (select max(_ingestion_id) from {{ source('raw', 'responses') }}) as through_ingestion,
    (select max(recorded_at) from {{ ref('stg_follow_up__case_events') }}) as events_through,
    '{{ case_rules_fingerprint() }}' as rules_fingerprint
from openings as o
inner join triggers as t on t.response_id = o.response_id
inner join attached as a on a.opening_response_id = o.response_id
