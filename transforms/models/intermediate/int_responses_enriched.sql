{#- Business logic on each response: journey position and NPS category. Touchpoints come from
    int_touchpoints, which places those the journey map does not name after the known journey;
    their attributes are written into the view as CASE expressions (macros/touchpoint_lookup.sql),
    so a query that does not use them pays nothing for them. -#}
-- depends_on: {{ ref('int_touchpoints') }}
with responses as (
    select * from {{ ref('stg_survey__responses') }}
)

select
    responses.*,
    cast(responses.answered_at as date) as answered_date,
    {{ touchpoint_lookup('responses.touchpoint', 'journey_stage', 'varchar') }} as journey_stage,
    {{ touchpoint_lookup('responses.touchpoint', 'journey_order', 'integer') }} as journey_order,
    {{ touchpoint_lookup('responses.touchpoint', 'touchpoint_label_nl', 'varchar') }} as touchpoint_label_nl,
    {{ touchpoint_lookup('responses.touchpoint', 'touchpoint_label_en', 'varchar') }} as touchpoint_label_en,
    {{ nps_category('responses.recommend_score') }} as nps_category
from responses
