{{ config(materialized='view') }}
{#- The responses with a CSAT or CES answer, filtered on the loaded columns in the scan
    (macros/staged_responses.sql). A comparison with NULL is NULL, so the flags are NULL without
    an answer (as the `case when ... is not null` they replace, without a CASE per row). #}
-- depends_on: {{ ref('int_responses_enriched') }}
-- depends_on: {{ ref('int_touchpoints') }}

select
    {{ dimension_columns() }},
    csat,
    cast(csat >= {{ var('csat_satisfied_min') }} as integer) as is_csat_satisfied,
    ces,
    cast(ces >= {{ var('ces_easy_min') }} as integer) as is_ces_easy,
    recommend_score
from ({{ enriched_responses_where('csat is not null or ces is not null') }}) as responses
