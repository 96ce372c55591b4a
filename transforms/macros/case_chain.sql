{#- The openings of a customer's chain of cases (int_case_chains): the first case, then for each
    closed case its successor, as far as the successors go. `inputs` is the model's WITH list
    (closed, affected, triggers, successors, firsts); one row per opening (customer_id,
    response_id, opening_key). -#}
{% macro case_chain_openings(inputs, model) -%}
    {{ return(adapter.dispatch('case_chain_openings')(inputs, model)) }}
{%- endmacro %}

{#- DuckDB: a recursive query over the model's CTEs. -#}
{% macro default__case_chain_openings(inputs, model) -%}
    with recursive chain(customer_id, response_id, opening_key) as (
        select customer_id, response_id, opening_key from firsts
        union all
        select c.customer_id, s.next_response_id, s.next_key
        from chain as c
        inner join successors as s on s.response_id = c.response_id
    )
    select * from chain
{%- endmacro %}

{#- Trino unrolls a recursive query to a fixed depth (10 by default) and plans every level anew:
    a chain of ten cases took minutes to plan. Here the successors are written once to a work
    table and followed one step per statement, until a step finds none: as many statements as
    the longest chain has cases, each a join of two small tables. The work tables are dropped by
    case_chain_cleanup (a post-hook). -#}
{% macro trino__case_chain_openings(inputs, model) -%}
    {%- set links = api.Relation.create(database=model.database, schema=model.schema, identifier=model.identifier ~ '__links') -%}
    {%- set chain = api.Relation.create(database=model.database, schema=model.schema, identifier=model.identifier ~ '__chain') -%}
    {%- if execute -%}
        {%- do run_query('drop table if exists ' ~ links) -%}
        {%- do run_query('drop table if exists ' ~ chain) -%}
        {%- do run_query('create table ' ~ links ~ ' as with ' ~ inputs ~ '
            select customer_id, cast(null as varchar) as from_response_id, response_id, opening_key from firsts
            union all
            select cast(null as varchar), response_id, next_response_id, next_key from successors') -%}
        {%- do run_query('create table ' ~ chain ~ ' as select customer_id, response_id, opening_key, 0 as step from ' ~ links ~ ' where from_response_id is null') -%}
        {%- set state = namespace(step=0, more=true) -%}
        {%- for _ in range(100000) if state.more -%}
            {%- do run_query('insert into ' ~ chain ~ ' select c.customer_id, l.response_id, l.opening_key, c.step + 1 from ' ~ chain ~ ' as c inner join ' ~ links ~ ' as l on l.from_response_id = c.response_id where c.step = ' ~ state.step) -%}
            {%- set state.step = state.step + 1 -%}
            {%- set state.more = run_query('select count(*) from ' ~ chain ~ ' where step = ' ~ state.step).columns[0].values()[0] > 0 -%}
        {%- endfor -%}
    {%- endif -%}
    select customer_id, response_id, opening_key from {{ chain }}
{%- endmacro %}

{#- Drops what case_chain_openings left (nothing on DuckDB). -#}
{% macro case_chain_cleanup(model) -%}
    {{ return(adapter.dispatch('case_chain_cleanup')(model)) }}
{%- endmacro %}
{% macro default__case_chain_cleanup(model) -%}{%- endmacro %}
{% macro trino__case_chain_cleanup(model) -%}
    drop table if exists {{ api.Relation.create(database=model.database, schema=model.schema, identifier=model.identifier ~ '__links') }};
    drop table if exists {{ api.Relation.create(database=model.database, schema=model.schema, identifier=model.identifier ~ '__chain') }}
{%- endmacro %}
