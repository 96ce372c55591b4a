{#- The customer as last seen: segment, unit and account manager of the latest response (each
    the latest non-null value, as arg_max gives it), first and last answer, response count.
    Incremental (delete+insert on customer_id): a new ingestion only changes the customers who
    answered in it. Raw is append-only, so a customer's row is their stored row combined with
    the aggregate of their new rows: a new value wins when it is later than every response the
    stored row covers, and a new ingestion without a value leaves the stored one. Only a customer
    whose new value is not later (an export of older answers) is recomputed over their whole
    history. Recomputing every customer of a new ingestion over their history scanned all
    responses (~2 s at 10 million, docs/benchmarks.md); the combination reads only the new rows.
    Same rows as the full build (tests/warehouse/dim-customers.test.ts). -#}
{{ config(materialized='incremental', unique_key='customer_id', incremental_strategy='delete+insert') }}
{%- set latest = ['segment', 'business_unit', 'account_manager'] %}

{% if not is_incremental() %}

select
    {{ customer_aggregates(latest) }}
from {{ ref('stg_survey__responses') }}
where customer_id is not null
group by customer_id

{% else %}

with new_rows as (
    select customer_id, response_id, {{ latest | join(', ') }}, answered_at, answer_order, ingestion_id
    from {{ ref('stg_survey__responses') }}
    where customer_id is not null
        and ingestion_id > (select coalesce(max(last_ingestion_id), 0) from {{ this }})
),

new_customers as (
    select
        {{ customer_aggregates(latest) }},
        {%- for column in latest %}
        max(answered_at) filter (where {{ column }} is not null) as {{ column }}_at{{ "," if not loop.last }}
        {%- endfor %}
    from new_rows
    group by customer_id
),

paired as (
    select
        new_customers.*,
        stored.customer_id is not null as is_stored,
        {%- for column in latest %}
        stored.{{ column }} as stored_{{ column }},
        {%- endfor %}
        stored.first_answered_at as stored_first_answered_at,
        stored.last_answered_at as stored_last_answered_at,
        stored.responses as stored_responses
    from new_customers
    left join {{ this }} as stored on new_customers.customer_id = stored.customer_id
),

{#- A new value no later than the stored row's last answer: which one is the latest depends on
    responses the stored row does not name (at the same time: on their response ids). -#}
older_answers as (
    select customer_id
    from paired
    where is_stored and (
        {%- for column in latest %}
        {{ column }}_at <= stored_last_answered_at{{ " or" if not loop.last }}
        {%- endfor %}
    )
),

combined as (
    select
        customer_id,
        {%- for column in latest %}
        case when not is_stored or {{ column }}_at > stored_last_answered_at then {{ column }} else stored_{{ column }} end as {{ column }},
        {%- endfor %}
        case when is_stored then least(first_answered_at, stored_first_answered_at) else first_answered_at end as first_answered_at,
        case when is_stored then greatest(last_answered_at, stored_last_answered_at) else last_answered_at end as last_answered_at,
        responses + coalesce(stored_responses, 0) as responses,
        last_ingestion_id
    from paired
    where customer_id not in (select customer_id from older_answers)
),

recomputed as (
    select
        {{ customer_aggregates(latest) }}
    from {{ ref('stg_survey__responses') }}
    where customer_id in (select customer_id from older_answers)
    group by customer_id
)

select * from combined
union all
select * from recomputed

{% endif %}
