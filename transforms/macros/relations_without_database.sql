{#- Render ref() and source() as schema.table, without the catalog. DuckDB names a database
    file's catalog after the file (or the ATTACH alias), and a view keeps the SQL it was created
    with: a view over "promotor"."staging"."x" breaks when Cube, Evidence or a snapshot copy
    attaches the file under another name, while a view over staging.x binds in its own catalog
    wherever it is attached. The marts that are views depend on this. -#}
{% macro ref() -%}
    {%- set relation = builtins.ref(*varargs, **kwargs) -%}
    {%- if relation is string -%}{{ return(relation) }}{%- endif -%}
    {{ return(relation.include(database=false)) }}
{%- endmacro %}

{% macro source() -%}
    {%- set relation = builtins.source(*varargs, **kwargs) -%}
    {{ return(relation.include(database=false)) }}
{%- endmacro %}
