{#- For each detractor case: the customer's next answer after the one that opened the case, and
    whether the case was followed up before it (an action on the case before the next answer):
    the recovery rate compares the followed-up detractors with the others (docs/statistics.md).
    A view: the next answer is looked up when a recovery figure is asked for (the `cases` view's
    recovery members), not at every build. -#}
{{ config(materialized='view', tags=['follow_up']) }}

with cases as (
    select case_id, customer_id, opening_key, first_action_at, owner, business_unit, account_manager, segment, survey_type, touchpoint, created_at
    from {{ ref('fct_cases') }}
    where nps_category = 'detractor'
),

answers as (
    select customer_id, answered_at, response_id, recommend_score, nps_category,
        {{ latest_answer_key() }} as answer_key
    from {{ ref('int_responses_enriched') }}
    where customer_id is not null
),

{#- The first answer after the opening one (a join and group: cheaper here than an ASOF join). -#}
nexts as (
    select
        c.case_id,
        {{ first_non_null('a.response_id', 'a.answer_key') }} as next_response_id,
        min(a.answered_at) as next_answered_at,
        {{ first_non_null('a.recommend_score', 'a.answer_key') }} as next_recommend_score,
        {{ first_non_null('a.nps_category', 'a.answer_key') }} as next_nps_category
    from cases as c
    inner join answers as a on a.customer_id = c.customer_id and a.answer_key > c.opening_key
    group by c.case_id
)

select
    c.*,
    n.next_response_id,
    n.next_answered_at,
    n.next_recommend_score,
    n.next_nps_category,
    n.next_response_id is not null as answered_again,
    case when n.next_response_id is not null then coalesce(c.first_action_at <= n.next_answered_at, false) end as followed_up_before_next,
    case when n.next_response_id is not null then n.next_nps_category in ('passive', 'promoter') end as recovered
from cases as c
left join nexts as n on n.case_id = c.case_id
