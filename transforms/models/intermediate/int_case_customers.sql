{#- Per customer with a triggering answer: their first case, opened by their first triggering
    answer, with its attributes, and how many triggering answers they gave. For a customer whose
    cases were never closed before a later trigger (nearly all of them) this is their only case;
    customers with several cases are followed in int_case_chains.

    Incremental (delete+insert per customer): a build recomputes the customers with new
    triggering answers, over their whole history; a change of the rules rebuilds every row. -#}
{{ config(materialized='incremental', unique_key='customer_id', incremental_strategy='delete+insert', tags=['follow_up'], pre_hook="{{ delete_changed_case_rules() }}") }}
{%- set columns = case_opening_columns() %}

with
{%- if is_incremental() %}
affected as (
    select distinct customer_id from {{ ref('int_case_triggers') }}
    where ingestion_id > (select coalesce(max(through_ingestion), 0) from {{ this }})
),
{%- endif %}

grouped as (
    select
        customer_id,
        count(*) as triggering_answers,
        max(answered_at) as last_triggered_at,
        min(trigger_key) as opening_key,
        arg_min(response_id, trigger_key) as opening_response_id,
        {#- one aggregate for every attribute of the opening answer -#}
        arg_min(struct_pack({% for c in columns %}{{ c }}{{ ", " if not loop.last }}{% endfor %}), trigger_key) as opening
    from {{ ref('int_case_triggers') }}
    {%- if is_incremental() %}
    where customer_id in (select customer_id from affected)
    {%- endif %}
    group by customer_id
)

select
    {{ case_id_of('opening_response_id') }} as case_id,
    customer_id,
    opening_response_id,
    opening_key,
    triggering_answers,
    last_triggered_at,
    {%- for c in columns %}
    opening.{{ c }} as {{ 'created_at' if c == 'answered_at' else c }},
    {%- endfor %}
    (select max(ingestion_id) from {{ ref('stg_survey__ingestions') }}) as through_ingestion,
    '{{ case_rules_fingerprint() }}' as rules_fingerprint
from grouped
