{#- Generic test: every non-null value lies within [min_value, max_value]. -#}
{% test accepted_range(model, column_name, min_value, max_value) %}
select {{ column_name }} as out_of_range
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}
