{#- Responses per ingestion and touchpoint. Raw is append-only (as dim_customers relies on too),
    so a build adds the counts of the new ingestions only, and int_touchpoints sums them instead
    of counting all responses again on every build (0.2 s at 10 million, on the way to every
    mart: docs/benchmarks.md). -#}
{{ config(materialized='incremental', incremental_strategy='append') }}

with responses as (
    select ingestion_id, touchpoint
    from {{ ref('stg_survey__responses') }}
    {{ incremental_ingestions('ingestion_id') }}
)

select
    ingestion_id,
    touchpoint,
    count(*) as responses
from responses
where touchpoint is not null
group by ingestion_id, touchpoint
