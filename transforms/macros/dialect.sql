{#- Where DuckDB and Trino write the same thing differently: one macro per difference, dispatched
    on the adapter (default__ is DuckDB's form, trino__ Trino's), so that the models stay one copy
    (DESIGN.md, Engines). -#}

{#- Texts of a group joined with `separator` in the order of `order_by`. -#}
{% macro ordered_string_agg(expression, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg')(expression, separator, order_by)) }}
{%- endmacro %}
{% macro default__ordered_string_agg(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}
{% macro trino__ordered_string_agg(expression, separator, order_by) -%}
    listagg({{ expression }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}

{#- How a row_checks test reads its model: DuckDB counts every check in one pass and unnests the
    counts into rows (macros/test_row_checks.sql); Trino has no unnest of lists in a select list,
    so each check is a branch of its own there. -#}
{% macro row_checks_scan(scan) -%}
    {{ return(adapter.dispatch('row_checks_scan')(scan)) }}
{%- endmacro %}
{% macro default__row_checks_scan(scan) -%}
    {{ return(scan) }}
{%- endmacro %}
{% macro trino__row_checks_scan(scan) -%}
    {{ return('separate') }}
{%- endmacro %}

{#- A text split at each match of a regular expression, as a list (to unnest). -#}
{% macro regexp_split(text, pattern) -%}
    {{ return(adapter.dispatch('regexp_split')(text, pattern)) }}
{%- endmacro %}
{% macro default__regexp_split(text, pattern) -%}
    string_split_regex({{ text }}, {{ pattern }})
{%- endmacro %}
{% macro trino__regexp_split(text, pattern) -%}
    regexp_split({{ text }}, {{ pattern }})
{%- endmacro %}

{#- The order of answers given at the same time, one number per response: DuckDB's hash of the
    response id. Trino has no such hash; the publish writes DuckDB's value beside each response
    (src/trino/publish.ts, _answer_order), so both engines break such ties alike. -#}
{% macro answer_order_column() -%}
    {{ return(adapter.dispatch('answer_order_column')()) }}
{%- endmacro %}
{% macro default__answer_order_column() -%}
    hash(response_id)
{%- endmacro %}
{% macro trino__answer_order_column() -%}
    _answer_order
{%- endmacro %}

{#- One number that orders moments: the microseconds of `ts` in the upper 64 bits, `order` (an
    unsigned 64-bit number, answer_order) in the lower; without `order`, the last key of that
    microsecond. DuckDB's HUGEINT; Trino's decimal(38, 0), the same values. -#}
{% macro answer_key(ts, order=none) -%}
    {{ return(adapter.dispatch('answer_key')(ts, order)) }}
{%- endmacro %}
{% macro default__answer_key(ts, order) -%}
    (cast(epoch_us({{ ts }}) as hugeint) * 18446744073709551616 + cast({{ order if order is not none else '18446744073709551615' }} as hugeint))
{%- endmacro %}
{% macro trino__answer_key(ts, order) -%}
    (cast({{ epoch_microseconds(ts) }} as decimal(38, 0)) * decimal '18446744073709551616' + {{ ('cast(' ~ order ~ ' as decimal(38, 0))') if order is not none else "decimal '18446744073709551615'" }})
{%- endmacro %}

{#- Microseconds since 1970-01-01 of a timestamp without time zone. Trino's date_diff counts whole
    seconds at most to the millisecond; the microseconds are the text's last six digits. -#}
{% macro epoch_microseconds(ts) -%}
    {{ return(adapter.dispatch('epoch_microseconds')(ts)) }}
{%- endmacro %}
{% macro default__epoch_microseconds(ts) -%}
    epoch_us({{ ts }})
{%- endmacro %}
{% macro trino__epoch_microseconds(ts) -%}
    (date_diff('second', timestamp '1970-01-01 00:00:00', {{ ts }}) * 1000000 + cast(substr(cast(cast({{ ts }} as timestamp(6)) as varchar), 21, 6) as bigint))
{%- endmacro %}

{#- A date `days` days later. -#}
{% macro add_days(date, days) -%}
    {{ return(adapter.dispatch('add_days')(date, days)) }}
{%- endmacro %}
{% macro default__add_days(date, days) -%}
    ({{ date }} + {{ days }})
{%- endmacro %}
{% macro trino__add_days(date, days) -%}
    date_add('day', {{ days }}, {{ date }})
{%- endmacro %}

{#- `materialized` on a CTE: DuckDB computes it once for all its readers; Trino has no such hint. -#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte')()) }}
{%- endmacro %}
{% macro default__materialized_cte() -%}materialized{%- endmacro %}
{% macro trino__materialized_cte() -%}{%- endmacro %}

{#- An ASOF join: each left row with the right row of equal `keys` (pairs of a left expression
    and a right column) whose `right` is the greatest with `left op right` (op >= or >). DuckDB
    has ASOF joins; Trino joins each left row to the right row whose interval to the next right
    row of its keys holds `left` (lead(), one match per left row, the last of equal ones).
    `relation` is a relation or a parenthesised select; kind is 'inner' or 'left'. -#}
{% macro asof_join(relation, alias, keys, left, op, right, kind='inner') -%}
    {{ return(adapter.dispatch('asof_join')(relation, alias, keys, left, op, right, kind)) }}
{%- endmacro %}
{% macro default__asof_join(relation, alias, keys, left, op, right, kind) -%}
    asof {{ 'left ' if kind == 'left' }}join {{ relation }} as {{ alias }}
        on {% for l, r in keys %}{{ alias }}.{{ r }} = {{ l }} and {% endfor %}{{ left }} {{ op }} {{ alias }}.{{ right }}
{%- endmacro %}
{% macro trino__asof_join(relation, alias, keys, left, op, right, kind) -%}
    {{ 'left ' if kind == 'left' }}join (
        select _asof.*, lead({{ right }}) over (partition by {% for l, r in keys %}{{ r }}{{ ', ' if not loop.last }}{% endfor %} order by {{ right }}) as _asof_next
        from {{ relation }} as _asof
    ) as {{ alias }}
        on {% for l, r in keys %}{{ alias }}.{{ r }} = {{ l }} and {% endfor %}{{ left }} {{ op }} {{ alias }}.{{ right }}
        and ({{ alias }}._asof_next is null or not ({{ left }} {{ op }} {{ alias }}._asof_next))
{%- endmacro %}

{#- Jaro-Winkler similarity of two texts (prefix scale 0.1, at most 4, boost above 0.7), as
    DuckDB's jaro_winkler_similarity. Trino has none: the same algorithm with reduce over the
    characters of `a` (each matched to the first unmatched equal character of `b` within the
    window), then the transpositions and the common prefix. -#}
{% macro jaro_winkler(a, b) -%}
    {{ return(adapter.dispatch('jaro_winkler')(a, b)) }}
{%- endmacro %}
{% macro default__jaro_winkler(a, b) -%}
    jaro_winkler_similarity({{ a }}, {{ b }})
{%- endmacro %}
{% macro trino__jaro_winkler(a, b) -%}
    {%- set la = 'length(' ~ a ~ ')' -%}
    {%- set lb = 'length(' ~ b ~ ')' -%}
    {%- set window = 'greatest(greatest(' ~ la ~ ', ' ~ lb ~ ') / 2 - 1, 0)' -%}
    {%- set state = 'row(used array(boolean), pairs array(row(i bigint, j bigint)))' -%}
    case when {{ la }} = 0 or {{ lb }} = 0 then 0e0 else element_at(transform(
        array[reduce(
            sequence(1, {{ la }}),
            cast(row(repeat(false, {{ lb }}), array[]) as {{ state }}),
            (s, i) -> coalesce(element_at(transform(
                slice(filter(sequence(1, {{ lb }}),
                    j -> abs(i - j) <= {{ window }} and not element_at(s.used, j) and substr({{ b }}, j, 1) = substr({{ a }}, i, 1)), 1, 1),
                j -> cast(row(transform(sequence(1, {{ lb }}), k -> element_at(s.used, k) or k = j), s.pairs || cast(row(i, j) as row(i bigint, j bigint))) as {{ state }})), 1), s),
            s -> s.pairs)],
        pairs -> element_at(transform(
            array[row(
                cardinality(pairs),
                {#- half the matched characters that are in another order in b -#}
                cardinality(filter(zip_with(transform(pairs, p -> substr({{ a }}, p.i, 1)), transform(array_sort(transform(pairs, p -> p.j)), j -> substr({{ b }}, j, 1)), (x, y) -> x <> y), d -> d)) / 2,
                {#- the common prefix, at most 4 -#}
                coalesce(element_at(filter(sequence(1, least(4, {{ la }}, {{ lb }})), k -> substr({{ a }}, k, 1) <> substr({{ b }}, k, 1)), 1) - 1, least(4, {{ la }}, {{ lb }})))],
            r -> element_at(transform(
                array[case when r[1] = 0 then 0e0 else (r[1] / cast({{ la }} as double) + r[1] / cast({{ lb }} as double) + (r[1] - r[2]) / cast(r[1] as double)) / 3 end],
                jaro -> case when jaro > 0.7 then jaro + r[3] * 0.1 * (1 - jaro) else jaro end), 1)), 1)), 1) end
{%- endmacro %}

{#- A row with named fields (`fields`: name, expression, Trino type), read as row.name on both:
    a DuckDB struct, a Trino row cast to its field names. -#}
{% macro named_row(fields) -%}
    {{ return(adapter.dispatch('named_row')(fields)) }}
{%- endmacro %}
{% macro default__named_row(fields) -%}
    { {%- for name, expression, type in fields %}'{{ name }}': {{ expression }}{{ ', ' if not loop.last }}{% endfor -%} }
{%- endmacro %}
{% macro trino__named_row(fields) -%}
    cast(row({% for name, expression, type in fields %}{{ expression }}{{ ', ' if not loop.last }}{% endfor %}) as row({% for name, expression, type in fields %}{{ name }} {{ type }}{{ ', ' if not loop.last }}{% endfor %}))
{%- endmacro %}

{#- The value of `value` at the greatest (max) or least (min) `key`, of the rows where `value` is
    not null: DuckDB's arg_max and arg_min skip null values, Trino's max_by and min_by do not. -#}
{% macro latest_non_null(value, key) -%}
    {{ return(adapter.dispatch('latest_non_null')(value, key)) }}
{%- endmacro %}
{% macro default__latest_non_null(value, key) -%}
    arg_max({{ value }}, {{ key }})
{%- endmacro %}
{% macro trino__latest_non_null(value, key) -%}
    max_by({{ value }}, {{ key }}) filter (where {{ value }} is not null)
{%- endmacro %}
{% macro first_non_null(value, key) -%}
    {{ return(adapter.dispatch('first_non_null')(value, key)) }}
{%- endmacro %}
{% macro default__first_non_null(value, key) -%}
    arg_min({{ value }}, {{ key }})
{%- endmacro %}
{% macro trino__first_non_null(value, key) -%}
    min_by({{ value }}, {{ key }}) filter (where {{ value }} is not null)
{%- endmacro %}

{#- The MD5 of a text as 32 lowercase hexadecimal digits. -#}
{% macro md5_hex(text) -%}
    {{ return(adapter.dispatch('md5_hex')(text)) }}
{%- endmacro %}
{% macro default__md5_hex(text) -%}
    md5({{ text }})
{%- endmacro %}
{% macro trino__md5_hex(text) -%}
    lower(to_hex(md5(to_utf8({{ text }}))))
{%- endmacro %}

{#- A timestamp `seconds` (a whole number) later. -#}
{% macro add_seconds(ts, seconds) -%}
    {{ return(adapter.dispatch('add_seconds')(ts, seconds)) }}
{%- endmacro %}
{% macro default__add_seconds(ts, seconds) -%}
    ({{ ts }} + to_seconds({{ seconds }}))
{%- endmacro %}
{% macro trino__add_seconds(ts, seconds) -%}
    date_add('second', {{ seconds }}, {{ ts }})
{%- endmacro %}

{#- A text with each {} of `template` filled by the next of `values` (SQL expressions): DuckDB's
    format() is Python-style, Trino's printf-style, so both get the same concatenation. -#}
{% macro fill(template, values) -%}
    {%- set parts = template.split('{}') -%}
    ({% for part in parts %}'{{ part | replace("'", "''") }}'{% if not loop.last %} || cast({{ values[loop.index0] }} as varchar) || {% endif %}{% endfor %})
{%- endmacro %}
