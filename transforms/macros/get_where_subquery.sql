{#- dbt's hook for a test's `where` config (dbt docs: "where", custom placeholders), with one
    placeholder: __tested_through_ingestion__, the last ingestion whose rows passed every test of
    this project's code in an earlier build (env PROMOTOR_TESTED_THROUGH_INGESTION, set by
    `promotor build`; 0 = test every row). Raw is append-only per ingestion and the fact views are
    row-by-row functions of it, so rows that passed stay passed until the code changes. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- set where = where | replace('__tested_through_ingestion__', env_var('PROMOTOR_TESTED_THROUGH_INGESTION', '0') | int | string) -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) as dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
