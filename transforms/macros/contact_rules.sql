{#- Contact rules of promotor.yaml (src/invitations/rules.ts), as JSON in PROMOTOR_CONTACT_RULES;
    without it, the documented defaults. The same rules as `promotor contacts eligible`. -#}
{% macro contact_rules() -%}
    {{ return(fromjson(env_var('PROMOTOR_CONTACT_RULES', '{"min_days_between": 30, "response_window_days": 14, "survey_types": {"relationship": {"max_per_365_days": 2}}, "touchpoints": {}, "quiet_after_touchpoints": {"complaint": 14}, "hold_while_case_open": true}'))) }}
{%- endmacro %}

{#- Days that must lie between an invitation of this survey type / touchpoint and the customer's previous one. -#}
{% macro contact_gap_days(survey_type, touchpoint) -%}
    {%- set r = contact_rules() -%}
    {%- set whens = [] -%}
    {%- for tp, rule in r['touchpoints'].items() if rule.get('min_days_between') is not none -%}
        {%- do whens.append("when " ~ survey_type ~ " = 'touchpoint' and " ~ touchpoint ~ " = '" ~ tp ~ "' then " ~ rule['min_days_between']) -%}
    {%- endfor -%}
    {%- for st, rule in r['survey_types'].items() if rule.get('min_days_between') is not none -%}
        {%- do whens.append("when " ~ survey_type ~ " = '" ~ st ~ "' then " ~ rule['min_days_between']) -%}
    {%- endfor -%}
    {%- if whens | length > 0 -%}(case {{ whens | join(' ') }} else {{ r['min_days_between'] }} end){%- else -%}{{ r['min_days_between'] }}{%- endif -%}
{%- endmacro %}
