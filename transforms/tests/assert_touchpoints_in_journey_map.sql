-- Warns (never fails) when responses use touchpoints the journey map does not name; they are
-- loaded and shown after the known journey until seeds/reference/touchpoints.csv names them.
{{ config(severity='warn') }}
select touchpoint, responses
from {{ ref('int_touchpoints') }}
where not is_in_journey_map
