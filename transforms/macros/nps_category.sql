{#- The one definition of the NPS category in SQL (DESIGN.md); thresholds in dbt_project.yml vars. -#}
{% macro nps_category(score) -%}
    case
        when {{ score }} >= {{ var('promoter_min') }} then 'promoter'
        when {{ score }} >= {{ var('passive_min') }} then 'passive'
        when {{ score }} is not null then 'detractor'
    end
{%- endmacro %}

{% macro incremental_ingestions(column='_ingestion_id') -%}
    {#- Raw is append-only per ingestion, so a mart only needs the ingestions it has not seen. -#}
    {% if is_incremental() %}
        where {{ column }} > (select coalesce(max({{ column }}), 0) from {{ this }})
    {% endif %}
{%- endmacro %}
