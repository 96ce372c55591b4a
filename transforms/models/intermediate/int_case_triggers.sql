{#- Answers that call for a follow-up: those of a known customer that meet a rule of promotor.yaml
    (`follow_up.rules`, macros/case_rules.sql); the first matching rule names the rule, priority
    and SLA. A view: the case models read it once per build, for the customers they rebuild. -#}
{{ config(tags=['follow_up']) }}
{%- set rules = case_rules() %}
with responses as (
    select r.*{% if case_rules_use_themes() %}, coalesce(t.theme, 'other') as theme{% endif %}
    from {{ ref('int_responses_enriched') }} as r
    {%- if case_rules_use_themes() %}
    left join {{ ref('int_verbatim_themes') }} as t
        on t.language is not distinct from r.language and t.recommend_reason = r.recommend_reason
    {%- endif %}
    where r.customer_id is not null
),

matched as (
    select
        r.*,
        case
            {%- for rule in rules %}
            when {{ case_rule_condition(rule) }} then '{{ rule["name"] }}'
            {%- endfor %}
        end as case_rule
    from responses as r
)

select
    response_id,
    {#- One fixed order, also for answers at the same time: dim_customers' answer order. -#}
    {{ latest_answer_key() }} as trigger_key,
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
    {{ case_rule_priority('case_rule') }} as priority,
    {{ case_rule_sla_hours('case_rule') }} as sla_hours,
    ingestion_id
from matched
where case_rule is not null
