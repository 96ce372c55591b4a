select
    touchpoint,
    touchpoint_label_nl,
    touchpoint_label_en,
    journey_stage,
    cast(journey_order as integer) as journey_order
from {{ ref('touchpoints') }}
