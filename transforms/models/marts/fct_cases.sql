{#- One row per follow-up case, its current state derived from its events. A view: a case event
    recorded by `promotor cases update` or `import` shows at once, without a build (the case
    assignment, int_cases, is a table and follows closed cases at the next build). -#}
{{ config(materialized='view', tags=['follow_up']) }}

with triggers as (
    select * from {{ ref('int_cases') }}
),

openings as (
    select * from triggers where opens_case
),

attached as (
    select case_id, count(*) as triggering_answers, max(answered_at) as last_answered_at,
        string_agg(response_id, ', ' order by answered_at, response_id) as response_ids
    from triggers
    group by case_id
),

events as (
    select * from {{ ref('stg_follow_up__case_events') }}
),

ordered_events as (
    select
        *,
        {#- A change dated before one recorded earlier for the same case (by another command or
            import): two people edited the case concurrently. The one with the later event time
            wins; both stay events. Rows of one import share a recording time and never count. -#}
        coalesce(event_at < max(event_at) over (
            partition by case_id order by recorded_at range between unbounded preceding and interval 1 microsecond preceding
        ), false) as out_of_order
    from events
),

state as (
    select
        case_id,
        arg_max(status, (event_at, recorded_at, event_id)) filter (where status is not null) as status,
        arg_max(owner, (event_at, recorded_at, event_id)) filter (where owner is not null) as owner,
        arg_max(root_cause, (event_at, recorded_at, event_id)) filter (where root_cause is not null) as root_cause,
        arg_max(outcome, (event_at, recorded_at, event_id)) filter (where outcome is not null) as outcome,
        arg_max(note, (event_at, recorded_at, event_id)) filter (where note is not null) as last_note,
        min(event_at) as first_action_at,
        min(event_at) filter (where status = 'closed') as closed_at,
        max(event_at) as last_event_at,
        count(*) as events,
        count(note) as notes,
        count(*) filter (where out_of_order) as concurrent_edits
    from ordered_events
    group by case_id
),

clock as (
    select greatest(
        (select data_end from {{ ref('int_data_end') }}),
        coalesce((select max(event_at) from events), timestamp '1900-01-01')
    ) as as_of
),

routing as (
    select
        o.case_id,
        arg_max(r.team, (r.touchpoint is not null, r.business_unit is not null)) as team
    from openings as o
    inner join {{ ref('stg_reference__case_routing') }} as r
        on (r.touchpoint is null or r.touchpoint = o.touchpoint)
        and (r.business_unit is null or r.business_unit = o.business_unit)
    group by o.case_id
),

cases as (
    select
        o.case_id,
        o.response_id as opening_response_id,
        a.response_ids,
        a.triggering_answers,
        o.customer_id,
        o.case_rule,
        o.priority,
        o.sla_hours,
        o.answered_at as created_at,
        {{ add_sla_hours('o.answered_at', 'o.sla_hours') }} as due_at,
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
        coalesce(s.owner, o.account_manager, routing.team) as owner,
        case
            when s.owner is not null and s.owner = o.account_manager then 'account_manager'
            when s.owner is not null then 'reassigned'
            when o.account_manager is not null then 'account_manager'
            else 'team'
        end as owner_kind,
        coalesce(s.status, 'open') as status,
        s.root_cause,
        s.outcome,
        s.last_note,
        s.first_action_at,
        s.closed_at,
        s.last_event_at,
        coalesce(s.events, 0) as events,
        coalesce(s.notes, 0) as notes,
        coalesce(s.concurrent_edits, 0) as concurrent_edits,
        n.next_response_id,
        n.next_answered_at,
        n.next_recommend_score,
        n.next_nps_category,
        clock.as_of
    from openings as o
    inner join attached as a on a.case_id = o.case_id
    left join state as s on s.case_id = o.case_id
    left join routing on routing.case_id = o.case_id
    left join {{ ref('int_case_next_answers') }} as n on n.case_id = o.case_id
    cross join clock
)

select
    *,
    status <> 'closed' as is_open,
    status <> 'closed' and as_of > due_at as is_overdue,
    case when status <> 'closed' then date_diff('second', created_at, as_of) / 3600.0 end as open_hours,
    date_diff('second', created_at, first_action_at) / 3600.0 as hours_to_first_action,
    date_diff('second', created_at, closed_at) / 3600.0 as hours_to_close,
    case when closed_at is not null then closed_at <= due_at end as closed_within_sla,
    next_response_id is not null as answered_again,
    {#- Followed up: a first action before the customer answered again. -#}
    case when next_response_id is not null then coalesce(first_action_at <= next_answered_at, false) end as followed_up_before_next,
    case when next_response_id is not null then next_nps_category in ('passive', 'promoter') end as recovered
from cases
