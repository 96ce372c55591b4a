{#- Per customer with a triggering answer: their first case, opened by their first triggering
    answer, with its attributes, and how many triggering answers they gave. For a customer whose
    cases were never closed before a later trigger (nearly all of them) this is their only case;
    customers with a closed case are followed in int_case_chains.

    The aggregate keeps keys only (a struct of every attribute cost as much again at 10 million
    responses, docs/benchmarks.md); the opening answer's attributes are read back by its id.
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
        count(*) as triggering_answers,
        max(answered_at) as last_triggered_at,
        min(trigger_key) as opening_key,
        arg_min(response_id, trigger_key) as opening_response_id,
        arg_min(case_rule, trigger_key) as case_rule
    from {{ ref('int_case_triggers') }}
    {%- if is_incremental() %}
    where ingestion_id > (select coalesce(max(through_ingestion), 0) from {{ this }})
    {%- endif %}
    group by customer_id
),

{%- if is_incremental() %}

{#- The stored row wins unless a new trigger comes first; a new opening's attributes are read
    from the new answers only. -#}
paired as (
    select n.*, s.customer_id is not null and s.opening_key < n.opening_key as keeps_stored,
        s.triggering_answers as stored_answers, s.last_triggered_at as stored_last
    from grouped as n
    left join {{ this }} as s on s.customer_id = n.customer_id
),

kept as (
    select
        s.* replace (
            s.triggering_answers + p.triggering_answers as triggering_answers,
            greatest(s.last_triggered_at, p.last_triggered_at) as last_triggered_at,
            (select max(_ingestion_id) from {{ source('raw', 'responses') }}) as through_ingestion
        )
    from paired as p
    inner join {{ this }} as s on s.customer_id = p.customer_id
    where p.keeps_stored
),

openings as (
    select
        customer_id,
        triggering_answers + coalesce(stored_answers, 0) as triggering_answers,
        greatest(last_triggered_at, stored_last) as last_triggered_at,
        opening_key,
        opening_response_id,
        case_rule
    from paired
    where not keeps_stored
),

answers as (
    select * from {{ ref('stg_survey__responses') }}
    where ingestion_id > (select coalesce(max(through_ingestion), 0) from {{ this }})
),

{%- else %}

openings as (
    select * from grouped
),

answers as (
    select * from {{ ref('stg_survey__responses') }}
),

{%- endif %}

built as (
    select
        {{ case_id_of('o.opening_response_id') }} as case_id,
        o.customer_id,
        o.opening_response_id,
        o.opening_key,
        o.triggering_answers,
        o.last_triggered_at,
        r.answered_at as created_at,
        o.case_rule,
        {{ case_rule_priority('o.case_rule') }} as priority,
        {{ case_rule_sla_hours('o.case_rule') }} as sla_hours,
        r.survey_type,
        r.touchpoint,
        r.channel,
        r.language,
        r.segment,
        r.business_unit,
        r.account_manager,
        r.recommend_score,
        {{ nps_category('r.recommend_score') }} as nps_category,
        (select max(_ingestion_id) from {{ source('raw', 'responses') }}) as through_ingestion,
        '{{ case_rules_fingerprint() }}' as rules_fingerprint
    from openings as o
    inner join answers as r on r.response_id = o.opening_response_id
)

select * from built
{%- if is_incremental() %}
union all by name
select * from kept
{%- endif %}
