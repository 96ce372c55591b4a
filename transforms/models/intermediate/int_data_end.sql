{#- The time of the latest answer: follow-up figures are "as of" the data, not the wall clock, so
    the same warehouse gives the same overdue cases today and next month. -#}
{{ config(materialized='table', tags=['follow_up']) }}
select max(answered_at) as data_end
from {{ source('raw', 'responses') }}
