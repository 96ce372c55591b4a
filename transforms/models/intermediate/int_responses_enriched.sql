{#- Business logic on each response: journey position and NPS category. Touchpoints come from
    int_touchpoints, which places those the journey map does not name after the known journey. -#}
with responses as (
    select * from {{ ref('stg_survey__responses') }}
),

touchpoints as (
    select * from {{ ref('int_touchpoints') }}
)

select
    responses.*,
    cast(responses.answered_at as date) as answered_date,
    touchpoints.journey_stage,
    touchpoints.journey_order,
    touchpoints.touchpoint_label_nl,
    touchpoints.touchpoint_label_en,
    {{ nps_category('responses.recommend_score') }} as nps_category
from responses
left join touchpoints on responses.touchpoint = touchpoints.touchpoint
