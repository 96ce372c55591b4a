{#- A customer's row of dim_customers from their responses: the latest non-null value of each
    `latest` column, first and last answer, count, latest ingestion. -#}
{% macro customer_aggregates(latest) -%}
    customer_id,
    {%- for column in latest %}
    {{ latest_non_null(column, latest_answer_key()) }} as {{ column }},
    {%- endfor %}
    min(answered_at) as first_answered_at,
    max(answered_at) as last_answered_at,
    count(*) as responses,
    max(ingestion_id) as last_ingestion_id
{%- endmacro %}

{#- Which answer is the later one: answered_at, and of answers at the same time (exports with
    dates only) the one whose response id hashes higher, a fixed order, so that a full and an
    incremental build agree (arg_max alone keeps whichever row it meets first). One HUGEINT,
    microseconds in the upper 64 bits: a (answered_at, response_id) struct key took twice the
    time and ran a 10-million-response build out of memory (tests/warehouse/dim-customers.test.ts). -#}
{% macro latest_answer_key() -%}
    {{ answer_key('answered_at', 'answer_order') }}
{%- endmacro %}
