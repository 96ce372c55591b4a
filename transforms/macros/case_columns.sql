{#- The attributes a case takes from the answer that opened it (int_cases reads them by its id).
    The why-text is read by the lists that show it, from the answer. -#}
{% macro case_opening_columns() -%}
    {{ return(['survey_type', 'touchpoint', 'channel', 'language', 'segment', 'business_unit', 'account_manager', 'recommend_score']) }}
{%- endmacro %}

{#- 'C-' and the first 16 hex digits of the MD5 of the answer that opened the case. -#}
{% macro case_id_of(response_id) -%}
    'C-' || upper(substr({{ md5_hex(response_id) }}, 1, 16))
{%- endmacro %}
