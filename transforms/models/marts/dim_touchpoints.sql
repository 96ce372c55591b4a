{#- Touchpoints of the customer journey, and those the responses use that the journey map does
    not name yet (is_in_journey_map = false, after the known journey), with their response counts. -#}
select
    touchpoint,
    touchpoint_label_nl,
    touchpoint_label_en,
    journey_stage,
    journey_order,
    is_in_journey_map,
    responses
from {{ ref('int_touchpoints') }}
