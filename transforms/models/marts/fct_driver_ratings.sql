{{ config(materialized='view') }}
{#- One row per response x answered driver question: for each driver a SELECT of the responses
    whose rating is not NULL, filtered on the loaded column in the scan
    (macros/staged_responses.sql), UNION ALL. It replaces an UNPIVOT of the enriched responses:
    same rows, columns and types, but DuckDB reads only the rated rows of each driver instead of
    unnesting four rows per response and filtering the NULLs out (driver importance without a
    rollup 3.2 x -> 1.6 x the SQL by hand at 1M, docs/benchmarks.md). Labels and order of each
    driver are written in from the reference data (macros/reference_lookup.sql, folded to
    constants); the `in` filter keeps the inner join's meaning (only drivers the reference data
    names). #}
-- depends_on: {{ ref('stg_reference__drivers') }}
-- depends_on: {{ ref('int_responses_enriched') }}
-- depends_on: {{ ref('int_touchpoints') }}
{%- set drivers = ref('stg_reference__drivers') %}
{%- set columns = [
    ('process', 'driver_process'),
    ('product_price', 'driver_product_price'),
    ('reputation_image', 'driver_reputation_image'),
    ('emotional_engagement', 'driver_emotional_engagement'),
] %}
{%- for driver, column in columns %}
select
    {{ dimension_columns('ratings.') }},
    '{{ driver }}' as driver,
    {{ reference_lookup(drivers, 'driver', "'" ~ driver ~ "'", 'driver_label_nl', 'varchar') }} as driver_label_nl,
    {{ reference_lookup(drivers, 'driver', "'" ~ driver ~ "'", 'driver_label_en', 'varchar') }} as driver_label_en,
    {{ reference_lookup(drivers, 'driver', "'" ~ driver ~ "'", 'driver_order', 'integer') }} as driver_order,
    ratings.{{ column }} as rating,
    ratings.recommend_score
from ({{ enriched_responses_where(column ~ ' is not null') }}) as ratings
where '{{ driver }}' in {{ reference_keys(drivers, 'driver') }}
{% if not loop.last %}
union all
{% endif %}
{%- endfor %}
