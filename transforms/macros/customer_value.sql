{#- The churn window after a relationship answer, in days (promotor.yaml value.churn_window_days,
    passed by promotor build as PROMOTOR_CHURN_WINDOW_DAYS; docs/value.md). -#}
{% macro churn_window_days() -%}
    {{ return(env_var('PROMOTOR_CHURN_WINDOW_DAYS', '365') | int) }}
{%- endmacro %}

{#- How customers who came through a referral are called in acquired_via (Reichheld's earned
    new customers; promotor.yaml value.referral_values). -#}
{% macro referral_values() -%}
    {{ return(fromjson(env_var('PROMOTOR_REFERRAL_VALUES', '["referral"]'))) }}
{%- endmacro %}

{#- Yearly discount rate of the lifetime value (promotor.yaml value.discount_rate). -#}
{% macro discount_rate() -%}
    {{ return(env_var('PROMOTOR_DISCOUNT_RATE', '0.08') | float) }}
{%- endmacro %}

{#- acquired_via holds one of the referral values (contained, lower case). -#}
{% macro is_referral(column) -%}
    ({% for v in referral_values() %}strpos({{ column }}, '{{ v }}') > 0{{ " or " if not loop.last }}{% endfor %})
{%- endmacro %}

{#- The currency amounts are in, as pages name it (promotor.yaml value.currency). -#}
{% macro value_currency() -%}
    {{ return(env_var('PROMOTOR_CURRENCY', 'EUR') | upper) }}
{%- endmacro %}
