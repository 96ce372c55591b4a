{{ config(materialized='view') }}
{#- One row per response x answered driver question: each response next to the four drivers
    (a cross join with a four-row list), the driver's column picked by a CASE, the unanswered
    ones left out. It replaces an UNPIVOT of the enriched responses: same rows, columns and types,
    but DuckDB no longer builds a list per response and unnests it (driver importance without a
    rollup 3.2 x -> ~2 x the SQL by hand at 1M, docs/benchmarks.md). A UNION ALL of one filtered
    scan per driver was faster still for importance (~1.7 x) but made the per-response pivot of
    the driver_responses cube (the driver_evidence source) 1.9 x slower: the ratings of a response
    no longer arrive together. Labels and order of each driver are written in from the reference
    data (macros/reference_lookup.sql); the `in` filter keeps the inner join's meaning (only
    drivers the reference data names). #}
-- depends_on: {{ ref('stg_reference__drivers') }}
{%- set drivers = ref('stg_reference__drivers') %}
{%- set columns = [
    ('process', 'driver_process'),
    ('product_price', 'driver_product_price'),
    ('reputation_image', 'driver_reputation_image'),
    ('emotional_engagement', 'driver_emotional_engagement'),
] %}

with ratings as (
    select
        {{ dimension_columns('responses.') }},
        drivers.driver,
        case drivers.driver
        {%- for driver, column in columns %}
            when '{{ driver }}' then responses.{{ column }}
        {%- endfor %}
        end as rating,
        responses.recommend_score
    from {{ ref('int_responses_enriched') }} as responses
    cross join (values {% for driver, column in columns %}('{{ driver }}'){{ ", " if not loop.last }}{% endfor %}) as drivers (driver)
)

select
    {{ dimension_columns('ratings.') }},
    ratings.driver,
    {{ reference_lookup(drivers, 'driver', 'ratings.driver', 'driver_label_nl', 'varchar') }} as driver_label_nl,
    {{ reference_lookup(drivers, 'driver', 'ratings.driver', 'driver_label_en', 'varchar') }} as driver_label_en,
    {{ reference_lookup(drivers, 'driver', 'ratings.driver', 'driver_order', 'integer') }} as driver_order,
    ratings.rating,
    ratings.recommend_score
from ratings
where ratings.rating is not null
    and ratings.driver in {{ reference_keys(drivers, 'driver') }}
