{#- For each case, the customer's next answer after the one that opened it (any survey): whether a
    detractor came back as passive or promoter (the recovery rate, docs/follow-up.md). -#}
{{ config(materialized='table', tags=['follow_up']) }}

with openings as (
    select case_id, customer_id, answered_at
    from {{ ref('int_cases') }}
    where opens_case
),

answers as (
    select customer_id, answered_at, response_id, recommend_score, nps_category
    from {{ ref('int_responses_enriched') }}
    where customer_id is not null
)

select
    o.case_id,
    a.response_id as next_response_id,
    a.answered_at as next_answered_at,
    a.recommend_score as next_recommend_score,
    a.nps_category as next_nps_category
from openings as o
asof inner join answers as a
    on a.customer_id = o.customer_id and a.answered_at > o.answered_at
