{#- Which answer each invitation got (docs/survey-pressure.md, "The link"), one row per linked
    invitation:

    1. named: the invitation export names the response (response_id) and the answer came at or
       after the invitation; a named answer given before its invitation is not linked (reported
       in fct_invitations as link_refused);
    2. by rule, for the other answers and invitations: an answer belongs to the latest invitation
       of the same customer, survey type and touchpoint sent at or before it, when it came within
       the response window (contact_rules.response_window_days, 14 days); an invitation keeps its
       first such answer. Two invitations close together: the answer goes to the later one, the
       earlier counts as unanswered. -#}
{{ config(materialized='table', tags=['survey_pressure']) }}
{%- set window_days = contact_rules()['response_window_days'] %}

with invitations as (
    select invitation_id, customer_id, sent_at, survey_type, coalesce(touchpoint, '') as touchpoint_key, named_response_id
    from {{ ref('stg_survey__invitations') }}
),

answers as (
    select response_id, customer_id, answered_at, survey_type, coalesce(touchpoint, '') as touchpoint_key
    from {{ ref('stg_survey__responses') }}
    where customer_id is not null
),

named as (
    select i.invitation_id, a.response_id, a.answered_at, 'named' as link
    from invitations as i
    inner join answers as a on a.response_id = i.named_response_id
    where a.answered_at >= i.sent_at
),

open_invitations as (
    select * from invitations where named_response_id is null
),

open_answers as (
    {#- Only answers of customers with an open invitation can be linked by rule (the join below
        matches on the customer): without invitations the 10 million answers are not sorted. -#}
    select * from answers
    where response_id not in (select named_response_id from invitations where named_response_id is not null)
        and customer_id in (select customer_id from open_invitations)
),

by_rule as (
    select i.invitation_id, a.response_id, a.answered_at
    from open_answers as a
    {{ asof_join('open_invitations', 'i', [('a.customer_id', 'customer_id'), ('a.survey_type', 'survey_type'), ('a.touchpoint_key', 'touchpoint_key')], 'a.answered_at', '>=', 'sent_at') }}
    where a.answered_at < i.sent_at + interval '{{ window_days }}' day
)

select invitation_id, response_id, answered_at, link from named
union all
select invitation_id, min_by(response_id, (answered_at, response_id)), min(answered_at), 'rule'
from by_rule
group by invitation_id
