{#- Generic test: the model holds exactly the rows the staged responses say it should, no more
    (a join that fans out) and no fewer (a join or filter that drops rows). `expected` is an
    aggregate over `staged` (stg_survey__responses, whose response_id is unique at the source);
    `rows` the same over the model (default count(*)). A count per fact replaces a unique test
    per fact view, which would group 10 million ids on every build (docs/warehouse.md, Tests).
    A `where` config applies to both sides. -#}
{% test rows_reconcile(model, staged, expected, rows='count(*)') %}
with model_rows as (
    select {{ rows }} as rows_in_model from {{ model }}
),

staged_rows as (
    select {{ expected }} as rows_expected from {{ get_where_subquery(staged) }}
)

select rows_in_model, rows_expected
from model_rows, staged_rows
where rows_in_model is distinct from rows_expected
{% endtest %}
