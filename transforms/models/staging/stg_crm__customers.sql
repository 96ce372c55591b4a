{{ config(tags=['customer_value']) }}
{#- Customer ledger exports (raw.customers, src/customers/spec.ts): one row per customer and
    export that added or changed them, renamed only. -#}
select
    customer_id,
    customer_since,
    churned_at,
    annual_revenue,
    segment,
    acquired_via,
    _as_of as as_of,
    _ingestion_id as ingestion_id,
    _source_file as source_file,
    _source_row as source_row
from {{ source('raw', 'customers') }}
