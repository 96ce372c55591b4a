{#- An attribute of a small reference table (touchpoints, drivers) as a CASE over the key column,
    written out from the table when the model is built. The response views used to JOIN these
    tables: DuckDB then joined every row of every query, even one that used none of their columns
    (a quarter to half of a query without a rollup, docs/benchmarks.md). A CASE is a plain
    projection that DuckDB drops when a query does not select it. Same values as a LEFT JOIN: a
    key the table does not hold (or NULL) gives NULL. The views are made again whenever what they
    wrote out may have changed: other code or reference data (the project fingerprint), or new
    responses with a touchpoint int_touchpoints did not hold (promotor build,
    src/dbt/test-state.ts), so an edit of the journey map still takes effect at the next build. -#}
{% macro reference_lookup(relation, key, column, attribute, sql_type) -%}
    {%- if execute -%}
        {%- set rows = run_query("select " ~ key ~ ", " ~ attribute ~ " from " ~ relation ~ " where " ~ key ~ " is not null order by " ~ key) -%}
        {%- set pairs = [] -%}
        {%- for row in rows if row[1] is not none -%}
            {%- do pairs.append(row) -%}
        {%- endfor -%}
        {%- if pairs | length == 0 -%}
            cast(null as {{ sql_type }})
        {%- else -%}
            cast(case {{ column }}
            {%- for row in pairs %} when '{{ row[0] | replace("'", "''") }}' then {% if sql_type == 'integer' %}{{ row[1] | int }}{% else %}'{{ row[1] | replace("'", "''") }}'{% endif %}{% endfor %}
            end as {{ sql_type }})
        {%- endif -%}
    {%- else -%}
        cast(null as {{ sql_type }})
    {%- endif -%}
{%- endmacro %}

{#- The keys of a reference table, as a SQL list for `in (...)` (an inner join's filter). -#}
{% macro reference_keys(relation, key) -%}
    {%- if execute -%}
        {%- set rows = run_query("select distinct " ~ key ~ " from " ~ relation ~ " where " ~ key ~ " is not null order by 1") -%}
        {%- if rows | length == 0 -%}(null){%- else -%}({% for row in rows %}'{{ row[0] | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor %}){%- endif -%}
    {%- else -%}(null){%- endif -%}
{%- endmacro %}

{% macro touchpoint_lookup(column, attribute, sql_type) -%}
    {{ reference_lookup(ref('int_touchpoints'), 'touchpoint', column, attribute, sql_type) }}
{%- endmacro %}

{#- The relationship profile's attribute for the three component strengths, as a CASE written
    out from the reference data (same values as the LEFT JOIN on the three booleans it replaces). -#}
{% macro relationship_profile_lookup(attribute) -%}
    {%- if execute -%}
        {%- set rows = run_query("select satisfaction_strong, trust_strong, love_strong, " ~ attribute ~ " from " ~ ref('stg_reference__relationship_profiles') ~ " where satisfaction_strong is not null and trust_strong is not null and love_strong is not null order by 1, 2, 3") -%}
        {%- if rows | length == 0 -%}
            cast(null as varchar)
        {%- else -%}
            cast(case
            {%- for row in rows %} when satisfaction_strong = {{ 'true' if row[0] else 'false' }} and trust_strong = {{ 'true' if row[1] else 'false' }} and love_strong = {{ 'true' if row[2] else 'false' }} then {% if row[3] is none %}null{% else %}'{{ row[3] | replace("'", "''") }}'{% endif %}{% endfor %}
            end as varchar)
        {%- endif -%}
    {%- else -%}
        cast(null as varchar)
    {%- endif -%}
{%- endmacro %}
