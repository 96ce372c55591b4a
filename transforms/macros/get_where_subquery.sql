{#- The last ingestion whose rows passed every row-level test of this project's code in an earlier
    build (env PROMOTOR_TESTED_THROUGH_INGESTION, set by `promotor build` from raw.builds; 0 = test
    every row). Raw is append-only per ingestion and the fact views are row-by-row functions of
    it, so rows that passed stay passed until the code changes. Read at run time only: an
    environment variable read while dbt parses would make every change re-parse the project. -#}
{% macro tested_through_ingestion() -%}
    {{ return(env_var('PROMOTOR_TESTED_THROUGH_INGESTION', '0') | int if execute else 0) }}
{%- endmacro %}

{#- dbt's hook for a test's `where` config (dbt docs: "where", custom placeholders), with one
    placeholder: __tested_through_ingestion__. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- set where = where | replace('__tested_through_ingestion__', tested_through_ingestion() | string) -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) as dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
