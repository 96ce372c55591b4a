{#- The customer ledger as a slowly changing dimension (type 2): one row per customer and
    version, valid from its export's date to the next version's (valid_to exclusive, NULL for
    the current one). The first version is taken to hold since the relationship began
    (valid_from 1900-01-01): answers older than the first export meet the customer as that
    export describes them (docs/value.md). Equivalent to a dbt snapshot with the export's date,
    not the build's, as the time of change: a snapshot would date every change of an older
    export at the day it was built.
    raw.customers holds versions already: ingest loads a customer's row only when it differs
    from the version in effect at the export's date, and never two rows of a customer with one
    date (src/ingest/dataset.ts). So every row is a version, ordered by its date alone; no hash
    and no comparison with the row before. (An older export ingested after a newer one can add a
    version equal to the one after it: both hold the same values, so an answer meets the same
    customer either way.)
    A view: one sort of the ledger per query (~1 s at 6.7 million rows) instead of writing 6.7
    million rows with their strings at every build (~19 s, docs/benchmarks.md).
    latest_churned_at: the churn date the latest export gives (the current version's). -#}
{{ config(materialized='view', tags=['customer_value']) }}

select
    customer_id,
    row_number() over by_date as version,
    customer_since,
    churned_at,
    annual_revenue,
    segment,
    acquired_via,
    as_of,
    case when row_number() over by_date = 1 then date '1900-01-01' else as_of end as valid_from,
    lead(as_of) over by_date as valid_to,
    lead(as_of) over by_date is null as is_current,
    last_value(churned_at) over (by_date rows between unbounded preceding and unbounded following) as latest_churned_at,
    ingestion_id,
    source_file,
    source_row
from {{ ref('stg_crm__customers') }}
window by_date as (partition by customer_id order by as_of)
