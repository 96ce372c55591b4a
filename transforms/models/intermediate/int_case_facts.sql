{#- One row per case: the answer that opened it (customer, rule, priority, SLA, the customer's
    attributes at the answer, score and why-text), how many answers it holds, and the customer's
    next answer after the opening one (for the recovery rate). The case's state is not here: it
    comes from the events at query time (fct_cases).

    Incremental (delete+insert per customer): a build recomputes the customers whose cases
    int_cases rebuilt in this run and those with new answers of any kind (a new answer can be
    the next answer after an open case). -#}
{{ config(materialized='incremental', unique_key='customer_id', incremental_strategy='delete+insert', tags=['follow_up'], pre_hook="{{ delete_changed_case_rules() }}") }}

with
{%- if is_incremental() %}
watermark as (
    select coalesce(max(through_ingestion), 0) as ingestion from {{ this }}
),

affected as (
    select customer_id from {{ ref('int_cases') }} where invocation_id = '{{ invocation_id }}'
    union
    select customer_id from {{ ref('int_responses_enriched') }}
    where customer_id is not null and ingestion_id > (select ingestion from watermark)
),
{%- endif %}

cases as (
    select case_id, response_id, opens_case, customer_id
    from {{ ref('int_cases') }}
    {%- if is_incremental() %}
    where customer_id in (select customer_id from affected)
    {%- endif %}
),

attached as (
    select c.case_id, count(*) as triggering_answers, max(t.answered_at) as last_triggered_at
    from cases as c
    inner join {{ ref('int_case_triggers') }} as t on t.response_id = c.response_id
    group by c.case_id
),

openings as (
    select c.case_id, t.*
    from cases as c
    inner join {{ ref('int_case_triggers') }} as t on t.response_id = c.response_id
    where c.opens_case
),

answers as (
    select customer_id, answered_at, response_id, recommend_score, nps_category,
        (cast(epoch_us(answered_at) as hugeint) << 64) + hash(response_id) as answer_key
    from {{ ref('int_responses_enriched') }}
    where customer_id is not null
    {%- if is_incremental() %}
        and customer_id in (select customer_id from affected)
    {%- endif %}
),

{#- The first answer after the opening one (a join and group: cheaper here than an ASOF join). -#}
nexts as (
    select
        o.case_id,
        arg_min(a.response_id, a.answer_key) as next_response_id,
        min(a.answered_at) as next_answered_at,
        arg_min(a.recommend_score, a.answer_key) as next_recommend_score,
        arg_min(a.nps_category, a.answer_key) as next_nps_category
    from openings as o
    inner join answers as a on a.customer_id = o.customer_id and a.answer_key > o.trigger_key
    group by o.case_id
)

select
    o.case_id,
    o.response_id as opening_response_id,
    o.customer_id,
    o.case_rule,
    o.priority,
    o.sla_hours,
    o.answered_at as created_at,
    o.survey_type,
    o.touchpoint,
    o.channel,
    o.language,
    o.segment,
    o.business_unit,
    o.account_manager,
    o.recommend_score,
    o.nps_category,
    o.recommend_reason,
    a.triggering_answers,
    a.last_triggered_at,
    n.next_response_id,
    n.next_answered_at,
    n.next_recommend_score,
    n.next_nps_category,
    (select max(ingestion_id) from {{ ref('stg_survey__ingestions') }}) as through_ingestion,
    '{{ case_rules_fingerprint() }}' as rules_fingerprint
from openings as o
inner join attached as a on a.case_id = o.case_id
left join nexts as n on n.case_id = o.case_id
