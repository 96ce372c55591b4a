{#- The customer ledger as a slowly changing dimension (type 2): one row per customer and
    version, valid from its export's date to the next version's (valid_to exclusive, NULL for
    the current one). A version equal to the one before it is no version. The first version is
    taken to hold since the relationship began (valid_from 1900-01-01): answers older than the
    first export meet the customer as that export describes them (docs/value.md). Equivalent to
    a dbt snapshot with the export's date, not the build's, as the time of change: a snapshot
    would date every change of an older export at the day it was built. -#}
{{ config(materialized='table', tags=['customer_value']) }}

with exports as (
    select
        *,
        md5(concat_ws(chr(31), coalesce(cast(customer_since as varchar), ''), coalesce(cast(churned_at as varchar), ''),
            coalesce(cast(annual_revenue as varchar), ''), coalesce(segment, ''), coalesce(acquired_via, ''))) as version_hash
    from {{ ref('stg_crm__customers') }}
),

changes as (
    select
        *,
        lag(version_hash) over (partition by customer_id order by as_of, ingestion_id) as previous_hash
    from exports
),

versions as (
    select * exclude (previous_hash)
    from changes
    where previous_hash is null or previous_hash <> version_hash
)

select
    customer_id,
    row_number() over (partition by customer_id order by as_of, ingestion_id) as version,
    customer_since,
    churned_at,
    annual_revenue,
    segment,
    acquired_via,
    as_of,
    case when lag(as_of) over (partition by customer_id order by as_of, ingestion_id) is null then date '1900-01-01' else as_of end as valid_from,
    lead(as_of) over (partition by customer_id order by as_of, ingestion_id) as valid_to,
    lead(as_of) over (partition by customer_id order by as_of, ingestion_id) is null as is_current,
    ingestion_id,
    source_file,
    source_row
from versions
