{#- Use the folder's schema as is (staging, intermediate, marts, reference): the semantic layer
    and Evidence read `marts.*` by name, whatever the target. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
