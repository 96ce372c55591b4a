{{ config(materialized='view') }}
{#- Labels and order of each driver written in as CASE expressions (macros/reference_lookup.sql)
    instead of a join per rating; the `in` list keeps the inner join's meaning (only drivers the
    reference data names). -#}
-- depends_on: {{ ref('stg_reference__drivers') }}
{%- set drivers = ref('stg_reference__drivers') %}

select
    {{ dimension_columns('ratings.') }},
    ratings.driver,
    {{ reference_lookup(drivers, 'driver', 'ratings.driver', 'driver_label_nl', 'varchar') }} as driver_label_nl,
    {{ reference_lookup(drivers, 'driver', 'ratings.driver', 'driver_label_en', 'varchar') }} as driver_label_en,
    {{ reference_lookup(drivers, 'driver', 'ratings.driver', 'driver_order', 'integer') }} as driver_order,
    ratings.rating,
    ratings.recommend_score
from {{ ref('int_driver_ratings_unpivoted') }} as ratings
where ratings.driver in {{ reference_keys(drivers, 'driver') }}
