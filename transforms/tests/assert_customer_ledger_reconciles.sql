{{ config(tags=['customer_value']) }}
{#- Every customer ingestion's count holds: rows_read = loaded + quarantined + duplicates +
    replayed, and loaded = its rows in raw.customers (what the value views read). Returns the
    mismatches. -#}
with ingestions as (
    select i.ingestion_id, i.rows_read, i.rows_loaded, i.rows_quarantined, i.rows_duplicate, coalesce(i.rows_replayed, 0) as rows_replayed,
        (select count(*) from {{ source('raw', 'customers') }} c where c._ingestion_id = i.ingestion_id) as loaded_rows
    from {{ source('raw', 'ingestions') }} i
    where i.dataset = 'customers'
)
select 'ingestion ' || cast(ingestion_id as varchar) || ' rows_read' as what, rows_read as expected, rows_loaded + rows_quarantined + rows_duplicate + rows_replayed as actual from ingestions
where rows_read <> rows_loaded + rows_quarantined + rows_duplicate + rows_replayed
union all
select 'ingestion ' || cast(ingestion_id as varchar) || ' rows_loaded', rows_loaded, loaded_rows from ingestions where rows_loaded <> loaded_rows
