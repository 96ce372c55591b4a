{#- The latest export's date: what the ledger knows of churn reaches this far, so a churn window
    after it is not over yet (censored). -#}
{{ config(materialized='table', tags=['customer_value']) }}
select
    max(as_of) as ledger_end,
    min(as_of) as ledger_start,
    count(distinct as_of) as exports,
    {{ churn_window_days() }} as churn_window_days,
    {{ discount_rate() }} as discount_rate,
    '{{ value_currency() }}' as currency
from {{ ref('stg_crm__customers') }}
