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

{#- A rule's priority and SLA hours for the rule named in `column` (int_case_triggers,
    int_case_customers). -#}
{% macro case_rule_priority(column) -%}
    case {{ column }}
        {%- for rule in case_rules() %}
        when '{{ rule["name"] }}' then '{{ rule["priority"] }}'
        {%- endfor %}
    end
{%- endmacro %}

{% macro case_rule_sla_hours(column) -%}
    case {{ column }}
        {%- for rule in case_rules() %}
        when '{{ rule["name"] }}' then {{ rule["sla_hours"] }}
        {%- endfor %}
    end
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
        {%- set b = '(floor(' ~ s ~ ' / 604800) * 120 + least((' ~ s ~ ' - floor(' ~ s ~ ' / 604800) * 604800) / 3600e0, 120) + ' ~ hours ~ ')' -%}
        {{ add_seconds("timestamp '1970-01-05 00:00:00'", 'cast(round(floor(' ~ b ~ ' / 120) * 604800 + (' ~ b ~ ' - floor(' ~ b ~ ' / 120) * 120) * 3600) as bigint)') }}
    {%- else -%}
        {{ add_seconds(created, 'cast(' ~ hours ~ ' * 3600 as bigint)') }}
    {%- endif -%}
{%- endmacro %}

{#- What the case models were built with: a change of the rules makes them rebuild their rows
    (delete_changed_case_rules), so a new rule also applies to earlier answers. -#}
{% macro case_rules_fingerprint() -%}
    {{ return(local_md5(tojson(case_rules()))) }}
{%- endmacro %}

{#- pre_hook of the incremental case models: rows built under other rules are deleted, so that
    the model builds them again (its watermark falls back to nothing). -#}
{% macro delete_changed_case_rules() -%}
    {%- set existing = load_relation(this) -%}
    {%- if existing is not none and not flags.FULL_REFRESH -%}
        delete from {{ this }} where rules_fingerprint <> '{{ case_rules_fingerprint() }}'
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- The team that owns a case without an account manager: the most specific row of
    seeds/reference/case_routing.csv (touchpoint and business unit, then touchpoint, then business
    unit, then the catch-all), written out as a CASE when the model is built, like the touchpoint
    attributes (macros/reference_lookup.sql). -#}
{% macro case_team(touchpoint, business_unit) -%}
    {%- if execute -%}
        {%- set rows = run_query("select touchpoint, business_unit, team from " ~ ref('stg_reference__case_routing') ~ " order by (touchpoint is not null) desc, (business_unit is not null) desc, touchpoint, business_unit") -%}
        {%- if rows | length == 0 -%}
            cast(null as varchar)
        {%- else -%}
            case
            {%- for row in rows %}
                when {% if row[0] is not none %}{{ touchpoint }} = '{{ row[0] | replace("'", "''") }}'{% else %}true{% endif %} and {% if row[1] is not none %}{{ business_unit }} = '{{ row[1] | replace("'", "''") }}'{% else %}true{% endif %} then '{{ row[2] | replace("'", "''") }}'
            {%- endfor %}
            end
        {%- endif -%}
    {%- else -%}
        cast(null as varchar)
    {%- endif -%}
{%- endmacro %}
