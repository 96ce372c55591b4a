{#- The customer ledger as a slowly changing dimension (type 2): one row per customer and
    version, valid from its export's date to the next version's (valid_to exclusive, NULL for
    the current one). The first version is taken to hold since the relationship began
    (valid_from 1900-01-01): answers older than the first export meet the customer as that
    export describes them (docs/value.md). Every raw row is a version: ingest loads a ledger row
    only when it differs from the version in effect at its export's date, and never two rows of
    a customer with one date (src/ingest/dataset.ts); an older export ingested after a newer one
    can leave two equal versions in a row, which changes no answer's values. Equivalent to a dbt
    snapshot with the export's date, not the build's, as the time of change: a snapshot would
    date every change of an older export at the day it was built. Keys, dates, the amount and
    the two codes only: the lineage stays in raw. Built again only when the ledger, the value
    settings or the code changed (value_stamp, macros/customer_value.sql); else kept as it is. -#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='sync_all_columns', tags=['customer_value'],
    pre_hook="{{ delete_when_rebuilt(value_rebuild()) }}") }}

{%- if value_rebuild() %}
select
    customer_id,
    row_number() over by_date as version,
    customer_since,
    churned_at,
    annual_revenue,
    segment,
    acquired_via,
    as_of,
    case when lag(as_of) over by_date is null then date '1900-01-01' else as_of end as valid_from,
    lead(as_of) over by_date as valid_to,
    lead(as_of) over by_date is null as is_current,
    -- What the latest export says of leaving, on every version: an answer meets its own version
    -- and learns its churn from the current one without a second join (fct_customer_answers).
    last_value(churned_at) over (by_date rows between unbounded preceding and unbounded following) as current_churned_at,
    '{{ value_stamp() }}' as value_stamp
from {{ ref('stg_crm__customers') }}
window by_date as (partition by customer_id order by as_of)
{%- else %}
select * from {{ this }} where false
{%- endif %}
