select touchpoint, touchpoint_label_nl, touchpoint_label_en, journey_stage, journey_order
from {{ ref('stg_reference__touchpoints') }}
