{#- The staged and the enriched responses as SELECTs, so a view that needs only some responses can
    filter them on the loaded (raw) columns. DuckDB pushes `x IS NOT NULL` on a raw column into the
    scan, but not through staging's `cast(x as integer)`: there it evaluates the cast on every row
    to filter (`fct_krs_responses` 1.3 x the same question in SQL by hand at 1M, 1.04 x with the
    filter on the raw column; docs/benchmarks.md). Same columns, types and values as
    stg_survey__responses and int_responses_enriched, which are these SELECTs without a filter. -#}
{% macro staged_responses(where=none) -%}
select
    response_id,
    customer_id,
    answered_at,
    survey_type,
    touchpoint,
    channel,
    language,
    segment,
    business_unit,
    account_manager,
    cast(recommend_score as integer) as recommend_score,
    recommend_reason,
    cast(driver_process as integer) as driver_process,
    cast(driver_product_price as integer) as driver_product_price,
    cast(driver_reputation_image as integer) as driver_reputation_image,
    cast(driver_emotional_engagement as integer) as driver_emotional_engagement,
    cast(krs_satisfaction as integer) as krs_satisfaction,
    cast(krs_trust as integer) as krs_trust,
    cast(krs_love as integer) as krs_love,
    cast(csat as integer) as csat,
    cast(ces as integer) as ces,
    {{ answer_order_column() }} as answer_order,
    _ingestion_id as ingestion_id,
    _source_file as source_file,
    _source_row as source_row
from {{ source('raw', 'responses') }}
{%- if where %}
where {{ where }}
{%- endif %}
{%- endmacro %}

{#- Business logic on each response: journey position and NPS category. Touchpoints come from
    int_touchpoints, which places those the journey map does not name after the known journey;
    their attributes are written into the view as CASE expressions (macros/reference_lookup.sql),
    so a query that does not use them pays nothing for them. `staged` is a relation or a
    parenthesised SELECT with the columns of stg_survey__responses. -#}
{% macro enriched_responses(staged) -%}
select
    responses.*,
    cast(responses.answered_at as date) as answered_date,
    {{ touchpoint_lookup('responses.touchpoint', 'journey_stage', 'varchar') }} as journey_stage,
    {{ touchpoint_lookup('responses.touchpoint', 'journey_order', 'integer') }} as journey_order,
    {{ touchpoint_lookup('responses.touchpoint', 'touchpoint_label_nl', 'varchar') }} as touchpoint_label_nl,
    {{ touchpoint_lookup('responses.touchpoint', 'touchpoint_label_en', 'varchar') }} as touchpoint_label_en,
    {{ nps_category('responses.recommend_score') }} as nps_category
from {{ staged }} as responses
{%- endmacro %}

{#- The enriched responses whose loaded columns satisfy `where` (SQL over raw.responses' columns),
    filtered in the scan. A model using it declares `-- depends_on:` int_responses_enriched, so it
    still builds after the staged responses are tested. -#}
{% macro enriched_responses_where(where) -%}
{{ enriched_responses('(' ~ staged_responses(where) ~ ')') }}
{%- endmacro %}
