{#- Where DuckDB and Trino write the same thing differently: one macro per difference, dispatched
    on the adapter (default__ is DuckDB's form, trino__ Trino's), so that the models stay one copy
    (DESIGN.md, Engines). -#}

{#- Texts of a group joined with `separator` in the order of `order_by`. -#}
{% macro ordered_string_agg(expression, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg')(expression, separator, order_by)) }}
{%- endmacro %}
{% macro default__ordered_string_agg(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}
{% macro trino__ordered_string_agg(expression, separator, order_by) -%}
    listagg({{ expression }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}

{#- How a row_checks test reads its model: DuckDB counts every check in one pass and unnests the
    counts into rows (macros/test_row_checks.sql); Trino has no unnest of lists in a select list,
    so each check is a branch of its own there. -#}
{% macro row_checks_scan(scan) -%}
    {{ return(adapter.dispatch('row_checks_scan')(scan)) }}
{%- endmacro %}
{% macro default__row_checks_scan(scan) -%}
    {{ return(scan) }}
{%- endmacro %}
{% macro trino__row_checks_scan(scan) -%}
    {{ return('separate') }}
{%- endmacro %}

{#- A text split at each match of a regular expression, as a list (to unnest). -#}
{% macro regexp_split(text, pattern) -%}
    {{ return(adapter.dispatch('regexp_split')(text, pattern)) }}
{%- endmacro %}
{% macro default__regexp_split(text, pattern) -%}
    string_split_regex({{ text }}, {{ pattern }})
{%- endmacro %}
{% macro trino__regexp_split(text, pattern) -%}
    regexp_split({{ text }}, {{ pattern }})
{%- endmacro %}
