{{ config(materialized='view') }}

with ratings as (
    select * from {{ ref('int_driver_ratings_unpivoted') }}
),

drivers as (
    select * from {{ ref('stg_reference__drivers') }}
)

select
    {{ dimension_columns('ratings.') }},
    ratings.driver,
    drivers.driver_label_nl,
    drivers.driver_label_en,
    drivers.driver_order,
    ratings.rating,
    ratings.recommend_score
from ratings
inner join drivers on ratings.driver = drivers.driver
