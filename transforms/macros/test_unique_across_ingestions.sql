{#- Generic test: `column_name` is unique in the whole model. After a build that tested
    ingestions up to N, only values that occur in a newer ingestion are grouped: a duplicate
    needs at least one new row once the old rows were unique. Same answer as dbt's `unique`,
    without grouping every id of a 10-million-row table on every build. Each failing value
    names the ingestions and files it came from (`ingestions`: the table of ingestions). -#}
{% test unique_across_ingestions(model, column_name, ingestion_column, ingestions) %}
{%- set tested = tested_through_ingestion() -%}
with duplicated as (
    select {{ column_name }} as unique_field, count(*) as n_records
    from {{ model }}
    where {{ column_name }} is not null
    {%- if tested > 0 %}
        and {{ column_name }} in (
            select {{ column_name }} from {{ model }} where {{ ingestion_column }} > {{ tested }}
        )
    {%- endif %}
    group by {{ column_name }}
    having count(*) > 1
),

sources as (
    select distinct
        rows.{{ column_name }} as unique_field,
        rows.{{ ingestion_column }} as ingestion_id,
        coalesce(ingestions.source_file, '(no record in ingestions)') as source_file
    from {{ model }} as rows
    left join {{ ingestions }} as ingestions on ingestions.ingestion_id = rows.{{ ingestion_column }}
    where rows.{{ column_name }} in (select unique_field from duplicated)
),

found_in as (
    -- Oldest ingestion first, so the message is the same on every run and machine.
    select unique_field, {{ ordered_string_agg("'#' || cast(ingestion_id as varchar) || ' ' || source_file", "', '", 'ingestion_id') }} as found_in
    from sources
    group by 1
)

select duplicated.unique_field, duplicated.n_records, found_in.found_in
from duplicated
left join found_in on found_in.unique_field = duplicated.unique_field
{% endtest %}
