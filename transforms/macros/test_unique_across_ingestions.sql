{#- Generic test: `column_name` is unique in the whole model. After a build that tested
    ingestions up to N, only values that occur in a newer ingestion are grouped: a duplicate
    needs at least one new row once the old rows were unique. Same answer as dbt's `unique`,
    without grouping every id of a 10-million-row table on every build. -#}
{% test unique_across_ingestions(model, column_name, ingestion_column) %}
{%- set tested = tested_through_ingestion() -%}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
{%- if tested > 0 %}
    and {{ column_name }} in (
        select {{ column_name }} from {{ model }} where {{ ingestion_column }} > {{ tested }}
    )
{%- endif %}
group by {{ column_name }}
having count(*) > 1
{% endtest %}
