{#- Responses per touchpoint and ingestion, for the counts in int_touchpoints. Incremental: raw is
    append-only per ingestion, so a build counts only the ingestions it has not counted (a
    GROUP BY over every response cost ~0.3 s per build at 10 million, on the critical path of an
    incremental build; docs/benchmarks.md). assert_ingestion_reconciles fails a build when rows
    appear in an old ingestion. -#}
{{ config(materialized='incremental') }}

select ingestion_id, touchpoint, count(*) as responses
from {{ ref('stg_survey__responses') }}
where touchpoint is not null
{% if is_incremental() %}
    and ingestion_id > (select coalesce(max(ingestion_id), 0) from {{ this }})
{% endif %}
group by ingestion_id, touchpoint
