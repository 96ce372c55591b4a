{#- Per customer with a triggering answer: their first case, opened by their first triggering
    answer, and how many triggering answers they gave. For a customer whose cases were never
    closed before a later trigger (nearly all of them) this is their only case; customers with a
    closed case are followed in int_case_chains.

    Keys only: the opening answer's attributes (touchpoint, segment, account manager, ...) are
    read by int_cases, a view, when a case is queried. Writing them here cost more than the rest
    of the model (each string column ~0.2 s per 2 million rows; 6.9 s -> measured in
    docs/benchmarks.md round 10), reading them back by id costs a query ~0.4 s at 10 million.
    Incremental (delete+insert per customer) like dim_customers: raw is append-only, so a
    customer's row is their stored row combined with the aggregate of their new triggers (the
    first by order key wins); nothing scans their history. A change of the rules rebuilds every
    row (pre_hook). -#}
{{ config(materialized='incremental', unique_key='customer_id', incremental_strategy='delete+insert', tags=['follow_up'], pre_hook="{{ delete_changed_case_rules() }}") }}
{#- After dim_customers, which aggregates every answer per customer too: run side by side, the
    two spilled each other out of DuckDB's memory (12 s each instead of 2–4 s at 10 million). -#}
-- depends_on: {{ ref('dim_customers') }}

with grouped as (
    select
        customer_id,
        min(trigger_key) as opening_key,
        {{ first_non_null('response_id', 'trigger_key') }} as opening_response_id,
        {#- The key orders by answer time first, so the first answer's time is the earliest. -#}
        min(answered_at) as created_at,
        {{ first_non_null('case_rule', 'trigger_key') }} as case_rule,
        count(*) as triggering_answers,
        max(answered_at) as last_triggered_at
    from {{ ref('int_case_triggers') }}
    {%- if is_incremental() %}
    where ingestion_id > (select coalesce(max(through_ingestion), 0) from {{ this }})
    {%- endif %}
    group by customer_id
)

select
    n.customer_id,
    {%- if is_incremental() %}
    {#- The stored opening wins unless a new trigger comes first. -#}
    case when s.opening_key < n.opening_key then s.opening_key else n.opening_key end as opening_key,
    case when s.opening_key < n.opening_key then s.opening_response_id else n.opening_response_id end as opening_response_id,
    case when s.opening_key < n.opening_key then s.created_at else n.created_at end as created_at,
    case when s.opening_key < n.opening_key then s.case_rule else n.case_rule end as case_rule,
    n.triggering_answers + coalesce(s.triggering_answers, 0) as triggering_answers,
    greatest(n.last_triggered_at, s.last_triggered_at) as last_triggered_at,
    {%- else %}
    n.opening_key,
    n.opening_response_id,
    n.created_at,
    n.case_rule,
    n.triggering_answers,
    n.last_triggered_at,
    {%- endif %}
    (select max(_ingestion_id) from {{ source('raw', 'responses') }}) as through_ingestion,
    '{{ case_rules_fingerprint() }}' as rules_fingerprint
from grouped as n
{%- if is_incremental() %}
left join {{ this }} as s on s.customer_id = n.customer_id
{%- endif %}
