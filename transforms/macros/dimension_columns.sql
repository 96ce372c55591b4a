{#- The shared dimensions every fact carries (the semantic contract's shared dimensions). -#}
{% macro dimension_columns(prefix='') -%}
    {{ prefix }}response_id,
    {{ prefix }}customer_id,
    {{ prefix }}answered_at,
    {{ prefix }}answered_date,
    {{ prefix }}survey_type,
    {{ prefix }}touchpoint,
    {{ prefix }}journey_stage,
    {{ prefix }}journey_order,
    {{ prefix }}channel,
    {{ prefix }}language,
    {{ prefix }}segment,
    {{ prefix }}business_unit,
    {{ prefix }}account_manager,
    {{ prefix }}ingestion_id
{%- endmacro %}
