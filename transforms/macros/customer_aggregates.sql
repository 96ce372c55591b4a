{#- A customer's row of dim_customers from their responses: the latest non-null value of each
    `latest` column, first and last answer, count, latest ingestion. -#}
{% macro customer_aggregates(latest) -%}
    customer_id,
    {%- for column in latest %}
    arg_max({{ column }}, answered_at) as {{ column }},
    {%- endfor %}
    min(answered_at) as first_answered_at,
    max(answered_at) as last_answered_at,
    count(*) as responses,
    max(ingestion_id) as last_ingestion_id
{%- endmacro %}
