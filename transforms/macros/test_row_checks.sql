{#- Generic test: the checks of one model in one dbt test. not_null, unique and accepted_values
    (NULL passes) mean what dbt's tests of that name mean; accepted_range: every non-null value
    within [min, max]; rows_reconcile: the model holds exactly the rows the staged responses say
    it should, no more (a join that fans out) and no fewer (a join or filter that drops rows):
    `expected` is an aggregate over `staged` (stg_survey__responses, whose response_id is unique
    at the source), `rows` the same over the model (default count(*)); a `where` config applies
    to both sides. A count per fact replaces a unique test per fact view, which would group
    10 million ids on every build (docs/warehouse.md, Tests).

    One test per check cost dbt ~40 ms per test of its own work (compiling, files, events),
    most of an incremental build's time (docs/benchmarks.md). The row checks (not_null,
    accepted_values, accepted_range) and the model's side of rows_reconcile are computed in one
    pass over the model (`scan: single`, the default): at 10M 0.39 s instead of 0.64 s for the
    four checks of fct_krs_responses, 0.37 s instead of 0.52 s for fct_touchpoint_responses.
    `scan: separate` gives each check its own scan with its own filter (a UNION ALL branch):
    cheaper where DuckDB answers most checks from column statistics without reading a row
    (raw.responses; the not-null checks of fct_verbatims and fct_nps_responses).
    unique checks group on their own.

    Returns one row per failing check: `failed_check` (e.g. `accepted_range(csat, 1, 5)`),
    `failing_rows` and, for rows_reconcile, the two counts in `detail`. `promotor build` prints
    these rows when the test fails. -#}
{% test row_checks(model, not_null=[], unique=[], unique_across_ingestions={}, accepted_values={}, accepted_range={}, rows_reconcile=none, scan='single') %}
{#- (name, condition a failing row meets) of every row check -#}
{%- set row_checks = [] -%}
{%- for column in not_null -%}
    {%- do row_checks.append(("not_null(" ~ column ~ ")", column ~ " is null")) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set listed = [] -%}
    {%- for value in values -%}{%- do listed.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}{%- endfor -%}
    {%- do row_checks.append(("accepted_values(" ~ column ~ ")", column ~ " not in (" ~ listed | join(', ') ~ ")")) -%}
{%- endfor -%}
{%- for column, bounds in accepted_range.items() -%}
    {%- do row_checks.append(("accepted_range(" ~ column ~ ", " ~ bounds[0] ~ ", " ~ bounds[1] ~ ")", column ~ " < " ~ bounds[0] ~ " or " ~ column ~ " > " ~ bounds[1])) -%}
{%- endfor -%}
{%- set branches = [] -%}
{%- if rows_reconcile is not none -%}
    {%- set rows_expr = rows_reconcile.get('rows', 'count(*)') -%}
    {%- set staged = "(select " ~ rows_reconcile['expected'] ~ " as rows_expected from " ~ get_where_subquery(rows_reconcile['staged']) ~ ") as staged_rows" -%}
{%- endif -%}
{%- if row_checks_scan(scan) == 'single' and (row_checks or rows_reconcile is not none) -%}
    {%- set names = [] -%}{%- set counts = [] -%}{%- set details = [] -%}{%- set aggregates = [] -%}
    {%- if rows_reconcile is not none -%}
        {%- do aggregates.append(rows_expr ~ " as rows_in_model") -%}
        {%- do names.append("'rows_reconcile'") -%}
        {%- do counts.append("cast(rows_in_model is distinct from rows_expected as bigint)") -%}
        {%- do details.append("cast(rows_in_model as varchar) || ' in the model, ' || cast(rows_expected as varchar) || ' expected'") -%}
    {%- endif -%}
    {%- for name, failing in row_checks -%}
        {%- do aggregates.append("count_if(" ~ failing ~ ") as check_" ~ loop.index) -%}
        {%- do names.append("'" ~ name ~ "'") -%}
        {%- do counts.append("check_" ~ loop.index) -%}
        {%- do details.append("cast(null as varchar)") -%}
    {%- endfor -%}
    {%- do branches.append(
        "select unnest([" ~ names | join(', ') ~ "]) as failed_check, unnest([" ~ counts | join(', ') ~ "]) as failing_rows, unnest([" ~ details | join(', ') ~ "]) as detail"
        ~ " from (select " ~ aggregates | join(', ') ~ " from " ~ model ~ ") as model_pass"
        ~ (", " ~ staged if rows_reconcile is not none else "")) -%}
{%- else -%}
    {%- if rows_reconcile is not none -%}
        {%- do branches.append(
            "select 'rows_reconcile' as failed_check, cast(rows_in_model is distinct from rows_expected as bigint) as failing_rows, cast(rows_in_model as varchar) || ' in the model, ' || cast(rows_expected as varchar) || ' expected' as detail"
            ~ " from (select " ~ rows_expr ~ " as rows_in_model from " ~ model ~ ") as model_rows, " ~ staged) -%}
    {%- endif -%}
    {%- for name, failing in row_checks -%}
        {%- do branches.append("select '" ~ name ~ "' as failed_check, count(*) as failing_rows, cast(null as varchar) as detail from " ~ model ~ " where " ~ failing) -%}
    {%- endfor -%}
{%- endif -%}
{%- for column in unique -%}
    {%- do branches.append("select 'unique(" ~ column ~ ")' as failed_check, count(*) as failing_rows, cast(null as varchar) as detail from (select " ~ column ~ " from " ~ model ~ " where " ~ column ~ " is not null group by " ~ column ~ " having count(*) > 1)") -%}
{%- endfor -%}
{#- unique, after a build that tested ingestions up to N grouping only the values of rows with a
    newer `ingestion column` (macros/test_unique_across_ingestions.sql: a new duplicate needs a
    new row once the old rows were unique). -#}
{%- set tested = tested_through_ingestion() -%}
{%- for column, ingestion_column in unique_across_ingestions.items() -%}
    {%- set newer = (" and " ~ column ~ " in (select " ~ column ~ " from " ~ model ~ " where " ~ ingestion_column ~ " > " ~ tested ~ ")") if tested > 0 else "" -%}
    {%- do branches.append("select 'unique(" ~ column ~ ")' as failed_check, count(*) as failing_rows, cast(null as varchar) as detail from (select " ~ column ~ " from " ~ model ~ " where " ~ column ~ " is not null" ~ newer ~ " group by " ~ column ~ " having count(*) > 1)") -%}
{%- endfor -%}
select failed_check, failing_rows, detail
from (
    {{ branches | join('\n    union all\n    ') }}
) as checks
where failing_rows > 0
{% endtest %}
