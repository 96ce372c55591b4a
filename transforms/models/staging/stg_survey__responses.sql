with source as (
    select * from {{ source('raw', 'responses') }}
)

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
    _ingestion_id as ingestion_id,
    _source_file as source_file,
    _source_row as source_row
from source
