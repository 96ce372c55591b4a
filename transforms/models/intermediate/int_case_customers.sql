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
{%- set rules = case_rules() %}

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

combined as (
    select
        n.customer_id,
        n.triggering_answers + coalesce(s.triggering_answers, 0) as triggering_answers,
        greatest(n.last_triggered_at, s.last_triggered_at) as last_triggered_at,
        case when s.customer_id is null or n.opening_key < s.opening_key then n.opening_key else s.opening_key end as opening_key,
        case when s.customer_id is null or n.opening_key < s.opening_key then n.opening_response_id else s.opening_response_id end as opening_response_id,
        case when s.customer_id is null or n.opening_key < s.opening_key then n.case_rule else s.case_rule end as case_rule
    from grouped as n
    left join {{ this }} as s on s.customer_id = n.customer_id
),

{%- endif %}

openings as (
    select * from {{ 'combined' if is_incremental() else 'grouped' }}
)

select
    {{ case_id_of('o.opening_response_id') }} as case_id,
    o.customer_id,
    o.opening_response_id,
    o.opening_key,
    o.triggering_answers,
    o.last_triggered_at,
    r.answered_at as created_at,
    o.case_rule,
    case o.case_rule
        {%- for rule in rules %}
        when '{{ rule["name"] }}' then '{{ rule["priority"] }}'
        {%- endfor %}
    end as priority,
    case o.case_rule
        {%- for rule in rules %}
        when '{{ rule["name"] }}' then {{ rule["sla_hours"] }}
        {%- endfor %}
    end as sla_hours,
    r.survey_type,
    r.touchpoint,
    r.channel,
    r.language,
    r.segment,
    r.business_unit,
    r.account_manager,
    r.recommend_score,
    {{ nps_category('r.recommend_score') }} as nps_category,
    (select max(ingestion_id) from {{ ref('stg_survey__ingestions') }}) as through_ingestion,
    '{{ case_rules_fingerprint() }}' as rules_fingerprint
from openings as o
inner join {{ ref('stg_survey__responses') }} as r on r.response_id = o.opening_response_id
