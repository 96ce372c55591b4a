{#- A customer's row of dim_customers from their responses: the latest non-null value of each
    `latest` column, first and last answer, count, latest ingestion. Of answers at the same time
    (exports with dates only) the greater response id counts as the later: arg_max alone would
    take whichever row it met first, and a full and an incremental build could disagree. -#}
{% macro customer_aggregates(latest) -%}
    customer_id,
    {%- for column in latest %}
    arg_max({{ column }}, (answered_at, response_id)) as {{ column }},
    {%- endfor %}
    min(answered_at) as first_answered_at,
    max(answered_at) as last_answered_at,
    count(*) as responses,
    max(ingestion_id) as last_ingestion_id
{%- endmacro %}
