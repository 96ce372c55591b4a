{#- Use the folder's schema as is (staging, intermediate, marts, reference): the semantic layer
    and Evidence read `marts.*` by name, whatever the target. On Trino the catalog is shared with
    other teams' schemas: there each layer is <trino.schema>_<layer> (promotor_marts), one prefix
    for all of Promotor's schemas (docs/trino.md). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ layer_schema(custom_schema_name if custom_schema_name is not none else target.schema) }}
{%- endmacro %}

{#- The schema of a layer (raw, staging, intermediate, marts, reference) on this target. -#}
{% macro layer_schema(layer) -%}
    {{ return(adapter.dispatch('layer_schema')(layer)) }}
{%- endmacro %}

{% macro default__layer_schema(layer) -%}
    {{ return(layer) }}
{%- endmacro %}

{% macro trino__layer_schema(layer) -%}
    {{ return(layer if layer == target.schema or layer.startswith(target.schema ~ '_') else target.schema ~ '_' ~ layer) }}
{%- endmacro %}
