{#- Business logic on each response: journey position and NPS category (the SELECT is
    macros/staged_responses.sql, enriched_responses). -#}
-- depends_on: {{ ref('int_touchpoints') }}
{{ enriched_responses(ref('stg_survey__responses')) }}
