-- depends_on: {{ ref('stg_reference__case_routing') }}
{#- One row per follow-up case, its current state derived from its events. A view: a case event
    recorded by `promotor cases update` or `import` shows at once, without a build (which answers
    open which case, int_cases, follows closed cases at the next build). The customer's next
    answer after the case is in fct_case_recovery. The owning team is written out from the routing table
    (macros/case_rules.sql, case_team), so a query reads no join for it. -#}
{{ config(materialized='view', tags=['follow_up']) }}

with facts as (
    select * from {{ ref('int_cases') }}
),

events as (
    select * from {{ ref('stg_follow_up__case_events') }}
),

{#- A change dated before one recorded earlier for the same case (by another command or import):
    two people edited the case concurrently. The one with the later event time wins; both stay
    events. Rows of one import share a recording time and never count: the latest event time of
    the recordings strictly before each recording (one row per recording, so a ROWS frame). -#}
recordings as (
    select case_id, recorded_at, max(event_at) as latest_event_at
    from events
    group by case_id, recorded_at
),

recorded_before as (
    select case_id, recorded_at,
        max(latest_event_at) over (partition by case_id order by recorded_at rows between unbounded preceding and 1 preceding) as latest_event_before
    from recordings
),

ordered_events as (
    select
        e.*,
        coalesce(e.event_at < b.latest_event_before, false) as out_of_order
    from events as e
    inner join recorded_before as b on b.case_id = e.case_id and b.recorded_at = e.recorded_at
),

state as (
    select
        case_id,
        max_by(status, (event_at, recorded_at, event_id)) filter (where status is not null) as status,
        max_by(owner, (event_at, recorded_at, event_id)) filter (where owner is not null) as owner,
        max_by(root_cause, (event_at, recorded_at, event_id)) filter (where root_cause is not null) as root_cause,
        max_by(outcome, (event_at, recorded_at, event_id)) filter (where outcome is not null) as outcome,
        max_by(note, (event_at, recorded_at, event_id)) filter (where note is not null) as last_note,
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

cases as (
    select
        o.case_id,
        o.opening_response_id,
        o.triggering_answers,
        o.customer_id,
        o.case_rule,
        o.priority,
        o.sla_hours,
        o.created_at,
        {{ add_sla_hours('o.created_at', 'o.sla_hours') }} as due_at,
        o.survey_type,
        o.touchpoint,
        o.channel,
        o.language,
        o.segment,
        o.business_unit,
        o.account_manager,
        o.recommend_score,
        o.nps_category,
        coalesce(s.owner, o.account_manager, {{ case_team('o.touchpoint', 'o.business_unit') }}) as owner,
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
        o.opening_key,
        clock.as_of
    from facts as o
    left join state as s on s.case_id = o.case_id
    cross join clock
)

select
    *,
    status <> 'closed' as is_open,
    status <> 'closed' and as_of > due_at as is_overdue,
    case when status <> 'closed' then date_diff('second', created_at, as_of) / 3600e0 end as open_hours,
    date_diff('second', created_at, first_action_at) / 3600e0 as hours_to_first_action,
    date_diff('second', created_at, closed_at) / 3600e0 as hours_to_close,
    case when closed_at is not null then closed_at <= due_at end as closed_within_sla
from cases
