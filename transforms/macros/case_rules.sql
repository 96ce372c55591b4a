{#- Follow-up rules (promotor.yaml `follow_up`, validated by src/cases/config.ts) reach dbt as
    JSON in PROMOTOR_CASE_RULES; without it, every detractor answer opens a case. -#}
{% macro case_rules() -%}
    {{ return(fromjson(env_var('PROMOTOR_CASE_RULES', '[{"name": "detractor", "when": {"category": "detractor"}, "priority": "high", "sla_hours": 48}]'))) }}
{%- endmacro %}

{% macro case_statuses() -%}
    {{ return(fromjson(env_var('PROMOTOR_CASE_STATUSES', '["open", "in_progress", "closed"]'))) }}
{%- endmacro %}

{% macro case_rules_use_themes() -%}
    {%- for rule in case_rules() if rule['when'].get('themes') -%}{{ return(true) }}{%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{% macro sql_text_list(values) -%}
    {%- for v in values %}'{{ v | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
{%- endmacro %}

{#- The SQL condition of one rule over an enriched response `r` (theme: `r.theme`). Keywords
    match anywhere in the lower-cased open answer. -#}
{% macro case_rule_condition(rule) -%}
    {%- set w = rule['when'] -%}
    {%- set parts = [] -%}
    {%- if w.get('category') %}{% do parts.append("r.nps_category = '" ~ w['category'] ~ "'") %}{% endif -%}
    {%- if w.get('keywords') -%}
        {%- set kw = [] -%}
        {%- for k in w['keywords'] %}{% do kw.append("lower(r.recommend_reason) like '%" ~ (k | replace("'", "''") | replace('%', '') | replace('_', ' ')) ~ "%'") %}{% endfor -%}
        {%- do parts.append('(' ~ kw | join(' or ') ~ ')') -%}
    {%- endif -%}
    {%- if w.get('themes') %}{% do parts.append('r.theme in (' ~ sql_text_list(w['themes']) ~ ')') %}{% endif -%}
    {%- if w.get('touchpoints') %}{% do parts.append('r.touchpoint in (' ~ sql_text_list(w['touchpoints']) ~ ')') %}{% endif -%}
    {%- if w.get('segments') %}{% do parts.append('r.segment in (' ~ sql_text_list(w['segments']) ~ ')') %}{% endif -%}
    {%- if w.get('survey_types') %}{% do parts.append('r.survey_type in (' ~ sql_text_list(w['survey_types']) ~ ')') %}{% endif -%}
    {%- if w.get('ces_max') is not none %}{% do parts.append('r.ces <= ' ~ (w['ces_max'] | int)) %}{% endif -%}
    {%- if w.get('csat_max') is not none %}{% do parts.append('r.csat <= ' ~ (w['csat_max'] | int)) %}{% endif -%}
    {%- if w.get('score_max') is not none %}{% do parts.append('r.recommend_score <= ' ~ (w['score_max'] | int)) %}{% endif -%}
    ({{ parts | join(' and ') if parts else 'false' }})
{%- endmacro %}

{#- Seconds since the epoch of a timestamp (dispatched: the Trino adapter has its own). -#}
{% macro epoch_seconds(ts) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'promotor')(ts)) }}
{%- endmacro %}
{% macro default__epoch_seconds(ts) -%}epoch({{ ts }}){%- endmacro %}
{% macro trino__epoch_seconds(ts) -%}to_unixtime({{ ts }}){%- endmacro %}

{#- `created` plus `hours`; with business hours Saturdays and Sundays do not count. Weekday
    hours are counted from Monday 1970-01-05 (epoch + 345600 s): 120 per week, a weekend clamped
    to Friday's end, so a case opened on Saturday starts its clock on Monday 00:00. -#}
{% macro add_sla_hours(created, hours) -%}
    {%- if env_var('PROMOTOR_CASE_BUSINESS_HOURS', 'false') == 'true' -%}
        {%- set s = '(' ~ epoch_seconds(created) ~ ' - 345600)' -%}
        {%- set b = '(floor(' ~ s ~ ' / 604800) * 120 + least((' ~ s ~ ' - floor(' ~ s ~ ' / 604800) * 604800) / 3600.0, 120) + ' ~ hours ~ ')' -%}
        (timestamp '1970-01-05 00:00:00' + to_seconds(cast(round(floor({{ b }} / 120) * 604800 + ({{ b }} - floor({{ b }} / 120) * 120) * 3600) as bigint)))
    {%- else -%}
        ({{ created }} + to_seconds(cast({{ hours }} * 3600 as bigint)))
    {%- endif -%}
{%- endmacro %}
