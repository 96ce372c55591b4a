{#- Per ingested file: what was read, loaded, quarantined and counted as duplicate. -#}
with ingestions as (
    select * from {{ ref('stg_survey__ingestions') }}
),

loaded as (
    select ingestion_id, count(*) as responses_in_warehouse
    from {{ ref('stg_survey__responses') }}
    group by ingestion_id
),

{#- Open rows only: a row that a later ingestion of the corrected file loaded is resolved. -#}
quarantined as (
    select
        ingestion_id,
        count(*) filter (where not is_resolved) as rows_in_quarantine,
        count(*) filter (where is_resolved) as rows_resolved
    from {{ ref('stg_survey__quarantine') }}
    group by ingestion_id
)

select
    ingestions.*,
    coalesce(loaded.responses_in_warehouse, 0) as responses_in_warehouse,
    coalesce(quarantined.rows_in_quarantine, 0) as rows_in_quarantine,
    coalesce(quarantined.rows_resolved, 0) as rows_resolved
from ingestions
left join loaded on ingestions.ingestion_id = loaded.ingestion_id
left join quarantined on ingestions.ingestion_id = quarantined.ingestion_id
