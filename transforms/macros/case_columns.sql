{#- The attributes a case takes from the answer that opened it (int_case_customers,
    int_case_chains, int_cases). The why-text is read by the lists that show it, from the answer. -#}
{% macro case_opening_columns() -%}
    {{ return(['answered_at', 'case_rule', 'priority', 'sla_hours', 'survey_type', 'touchpoint', 'channel', 'language', 'segment', 'business_unit', 'account_manager', 'recommend_score', 'nps_category']) }}
{%- endmacro %}

{#- 'C-' and the first 16 hex digits of the MD5 of the answer that opened the case. -#}
{% macro case_id_of(response_id) -%}
    'C-' || upper(substr(md5({{ response_id }}), 1, 16))
{%- endmacro %}
