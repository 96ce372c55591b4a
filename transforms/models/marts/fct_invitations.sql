{#- One row per survey invitation (docs/survey-pressure.md): whether it was answered
    (int_invitation_answers), its rank among the customer's invitations of the last 365 days,
    the days since their previous invitation, which contact rule (promotor.yaml contact_rules) it
    broke when it was sent, and signals of fatigue in its answer: a straight-lined grid and an
    empty or meaningless open answer. Business unit, account manager and segment are the
    customer's (dim_customers), for row-level security. Tagged follow_up too: it reads the
    follow-up cases (the open-case rule), so it is built again when they change and left out
    with them. -#}
{{ config(materialized='table', tags=['survey_pressure', 'follow_up']) }}
{%- set r = contact_rules() %}
{%- set grid = ['driver_process', 'driver_product_price', 'driver_reputation_image', 'driver_emotional_engagement', 'krs_satisfaction', 'krs_trust', 'krs_love'] %}
{%- set meaningless = ['n.v.t.', 'nvt', 'n.v.t', 'n/a', 'na', 'nee', 'geen', 'niets', 'geen opmerking', 'geen opmerkingen', 'no', 'none', 'nothing', 'nope', 'x', 'xx', 'xxx', '-', '--', '.', '..', '...', '?', 'ok', 'oké'] %}

with invitations as (
    select
        i.*,
        lag(sent_at) over (partition by customer_id order by sent_at, invitation_id) as previous_sent_at,
        count(*) over (partition by customer_id order by sent_at range between interval '365' day preceding and current row) as invitations_365,
        count(*) over (partition by customer_id, survey_type order by sent_at range between interval '365' day preceding and current row) as kind_invitations_365,
        count(*) over (partition by customer_id, survey_type, touchpoint order by sent_at range between interval '365' day preceding and current row) as touchpoint_invitations_365
    from {{ ref('stg_survey__invitations') }} as i
),

answers as (
    select
        response_id, answered_at, recommend_score,
        case when recommend_score >= {{ var('promoter_min') }} then 'promoter' when recommend_score >= {{ var('passive_min') }} then 'passive' else 'detractor' end as nps_category,
        {#- Straight-lining: five or more grid items (drivers and KRS) answered, all alike. -#}
        ({% for c in grid %}(case when {{ c }} is not null then 1 else 0 end){{ ' + ' if not loop.last }}{% endfor %}) >= 5
            and least({% for c in grid %}coalesce({{ c }}, 99){{ ', ' if not loop.last }}{% endfor %})
              = greatest({% for c in grid %}coalesce({{ c }}, -1){{ ', ' if not loop.last }}{% endfor %})
            as is_straight_lined,
        recommend_reason is null or length(trim(recommend_reason)) <= 1
            or lower(trim(recommend_reason)) in ({% for m in meaningless %}'{{ m }}'{{ ", " if not loop.last }}{% endfor %}) as is_empty_reason
    from {{ ref('stg_survey__responses') }}
),

{%- for tp, quiet_days in r['quiet_after_touchpoints'].items() %}
quiet_{{ loop.index }} as (
    {#- The customer's latest answer at {{ tp }} before the invitation. -#}
    select i.invitation_id, q.answered_at as quiet_answer_at
    from invitations as i
    {{ asof_join("(select customer_id, answered_at from " ~ ref('stg_survey__responses') ~ " where touchpoint = '" ~ tp ~ "' and customer_id is not null)", 'q', [('i.customer_id', 'customer_id')], 'i.sent_at', '>', 'answered_at') }}
    where i.sent_at < q.answered_at + interval '{{ quiet_days }}' day
),
{%- endfor %}

{%- if r['hold_while_case_open'] %}
open_cases as (
    {#- The customer's latest case opened before the invitation, when still open then. -#}
    select i.invitation_id, c.case_id
    from invitations as i
    {{ asof_join("(select customer_id, case_id, created_at, closed_at from " ~ ref('fct_cases') ~ ")", 'c', [('i.customer_id', 'customer_id')], 'i.sent_at', '>=', 'created_at') }}
    where c.closed_at is null or c.closed_at > i.sent_at
),
{%- endif %}

ruled as (
    select
        i.*,
        date_diff('second', i.previous_sent_at, i.sent_at) / 86400e0 as days_since_previous,
        {{ contact_gap_days('i.survey_type', 'i.touchpoint') }} as gap_days,
        case
            when i.previous_sent_at is not null and date_diff('second', i.previous_sent_at, i.sent_at) < 86400 * {{ contact_gap_days('i.survey_type', 'i.touchpoint') }} then 'min_days_between'
            {%- for tp, rule in r['touchpoints'].items() if rule.get('max_per_365_days') is not none %}
            when i.survey_type = 'touchpoint' and i.touchpoint = '{{ tp }}' and i.touchpoint_invitations_365 > {{ rule['max_per_365_days'] }} then 'max_per_365_days'
            {%- endfor %}
            {%- for st, rule in r['survey_types'].items() if rule.get('max_per_365_days') is not none %}
            when i.survey_type = '{{ st }}' and i.kind_invitations_365 > {{ rule['max_per_365_days'] }} then 'max_per_365_days'
            {%- endfor %}
            {%- for tp, quiet_days in r['quiet_after_touchpoints'].items() %}
            when i.invitation_id in (select invitation_id from quiet_{{ loop.index }}) then 'quiet_after_{{ tp }}'
            {%- endfor %}
            {%- if r['hold_while_case_open'] %}
            when i.invitation_id in (select invitation_id from open_cases) then 'case_open'
            {%- endif %}
        end as broken_rule
    from invitations as i
)

select
    i.invitation_id,
    i.customer_id,
    i.sent_at,
    i.survey_type,
    i.touchpoint,
    i.channel,
    d.segment,
    d.business_unit,
    d.account_manager,
    l.response_id,
    l.answered_at,
    l.link,
    l.response_id is not null as is_answered,
    {#- The customer's named answer came before the invitation: not linked (the wrong id, or a time zone). -#}
    i.named_response_id is not null and l.response_id is null as link_refused,
    i.invitations_365 as invitation_rank,
    case when i.invitations_365 >= 4 then '4+' else cast(i.invitations_365 as varchar) end as rank_bucket,
    i.days_since_previous,
    case
        when i.previous_sent_at is null then 'first'
        when i.days_since_previous < 14 then '0-13'
        when i.days_since_previous < 30 then '14-29'
        when i.days_since_previous < 60 then '30-59'
        when i.days_since_previous < 90 then '60-89'
        else '90+'
    end as gap_bucket,
    i.gap_days,
    i.broken_rule,
    i.broken_rule is not null as breaks_rules,
    a.recommend_score,
    a.nps_category,
    a.is_straight_lined,
    a.is_empty_reason,
    i.source_file,
    i.source_row
from ruled as i
left join {{ ref('int_invitation_answers') }} as l on l.invitation_id = i.invitation_id
left join answers as a on a.response_id = l.response_id
left join (select customer_id, segment, business_unit, account_manager from {{ ref('dim_customers') }}) as d on d.customer_id = i.customer_id
