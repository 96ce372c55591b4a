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

{#- Each customer version at each export date it covers (valid_from <= date < valid_to), with the
    version's `columns`. DuckDB: a list filter per version in the select list, linear (0.3 s at
    10 million answers; the same as a lateral `cross join unnest` took 4.5 s, and a range join
    of dates and versions sorts both, 3 s). Trino unnests arrays in FROM only. -#}
{% macro versions_at_export_dates(versions, customers, columns) -%}
    {{ return(adapter.dispatch('versions_at_export_dates')(versions, customers, columns)) }}
{%- endmacro %}
{% macro default__versions_at_export_dates(versions, customers, columns) -%}
    select
        unnest(list_filter((select list(distinct as_of) from {{ customers }}), d -> d >= v.valid_from and (v.valid_to is null or d < v.valid_to))) as as_of,
        {% for c in columns %}v.{{ c }}{{ ', ' if not loop.last }}{% endfor %}
    from {{ versions }} as v
{%- endmacro %}
{% macro trino__versions_at_export_dates(versions, customers, columns) -%}
    select
        x.as_of,
        {% for c in columns %}v.{{ c }}{{ ', ' if not loop.last }}{% endfor %}
    from {{ versions }} as v
    cross join (select array_agg(distinct as_of) as dates from {{ customers }}) as e
    cross join unnest(filter(e.dates, d -> d >= v.valid_from and (v.valid_to is null or d < v.valid_to))) as x(as_of)
{%- endmacro %}

{#- What every value model depends on besides the answers: the customer ledger (raw.customers is
    append-only, so its row count and newest ingestion say whether it changed), the value
    settings (promotor.yaml value), the NPS thresholds and the project's code
    (PROMOTOR_PROJECT_FINGERPRINT, which promotor build sets). Stored on every row of the
    incremental value models; while it stays the same they only take the new answers, and when
    it changes they are built whole again (docs/benchmarks.md, round 17). -#}
{% macro value_stamp() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set ledger = run_query("select count(*), coalesce(max(_ingestion_id), 0) from " ~ source('raw', 'customers')).rows[0] -%}
    {{- return(local_md5(tojson([ledger[0] | int, ledger[1] | int, churn_window_days(), discount_rate(), value_currency(), referral_values(), var('promoter_min'), var('passive_min'), env_var('PROMOTOR_PROJECT_FINGERPRINT', '')]))) -}}
{%- endmacro %}

{#- True when an incremental value model is built whole: on its first build, with --full-refresh,
    or when the stamp its rows hold is not value_stamp() (an empty table holds none). The model's
    SQL and its pre_hook ask before either has changed the table, so they agree. -#}
{% macro value_rebuild() -%}
    {%- if not execute -%}{{ return(true) }}{%- endif -%}
    {%- set existing = load_relation(this) -%}
    {%- if existing is none or flags.FULL_REFRESH -%}{{ return(true) }}{%- endif -%}
    {#- A table an earlier version of the project built holds no stamp: built whole. -#}
    {%- if 'value_stamp' not in adapter.get_columns_in_relation(existing) | map(attribute='name') | map('lower') | list -%}{{ return(true) }}{%- endif -%}
    {%- set stored = run_query("select max(value_stamp) from " ~ this).rows[0][0] -%}
    {{- return(stored is none or stored != value_stamp()) -}}
{%- endmacro %}

{#- pre_hook of an incremental value model: every row goes when the model is built whole. -#}
{% macro delete_when_rebuilt(rebuild) -%}
    {%- set existing = load_relation(this) if execute else none -%}
    {%- if existing is not none and not flags.FULL_REFRESH and rebuild -%}
        {{ adapter.dispatch('emptied_table')(this) }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
{% macro default__emptied_table(relation) -%}
    delete from {{ relation }}
{%- endmacro %}
{#- DuckDB: an empty table in its place. A DELETE followed in the same transaction by the ALTER
    TABLE of a changed layout (on_schema_change) fails at commit ("another transaction has
    altered this table"); the old rows come back if the build fails. -#}
{% macro duckdb__emptied_table(relation) -%}
    create or replace table {{ relation }} as select * from {{ relation }} where false
{%- endmacro %}

{#- The newest ingestion of raw.responses: the answers a value model has taken into account. -#}
{% macro responses_through() -%}
    (select coalesce(max(_ingestion_id), 0) from {{ source('raw', 'responses') }})
{%- endmacro %}

{#- fct_revenue_at_risk is kept as it is unless it is built whole or new linked answers (of
    ingestions after its own) fall on or before the latest export's day: only those can be the
    latest answer before an export date. -#}
{% macro revenue_at_risk_rebuild() -%}
    {%- if value_rebuild() -%}{{ return(true) }}{%- endif -%}
    {%- set reaching_back = run_query(
        "select count(*) from " ~ ref('fct_customer_answers') ~ " as a where a.through_ingestion > (select coalesce(max(through_ingestion), 0) from " ~ this ~ ")"
        ~ " and a.answered_on <= (select ledger_end from " ~ ref('int_ledger_end') ~ ")").rows[0][0] -%}
    {{- return(reaching_back | int > 0) -}}
{%- endmacro %}
