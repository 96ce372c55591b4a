{#- One row per response x answered driver question. -#}
with responses as (
    select * from {{ ref('int_responses_enriched') }}
),

unpivoted as (
    unpivot responses
    on driver_process as 'process',
       driver_product_price as 'product_price',
       driver_reputation_image as 'reputation_image',
       driver_emotional_engagement as 'emotional_engagement'
    into name driver value rating
)

select * from unpivoted
