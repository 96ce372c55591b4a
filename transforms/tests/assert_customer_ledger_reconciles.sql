{{ config(tags=['customer_value']) }}
{#- The value marts hold exactly what the ledger and the answers give: one ledger row per
    customer of the exports, one answer row per relationship answer of a ledger customer, and
    every customer ingestion's count holds (rows_read = loaded + quarantined + duplicates +
    replayed, loaded = its rows in raw.customers). Returns the mismatches. -#}
with ledger_customers as (select count(distinct customer_id) as n from {{ ref('stg_crm__customers') }}),
ledger_rows as (select count(*) as n from {{ ref('dim_customer_ledger') }}),
expected_answers as (
    select count(*) as n from {{ ref('stg_survey__responses') }}
    where survey_type = 'relationship' and customer_id in (select customer_id from {{ ref('stg_crm__customers') }})
),
answer_rows as (select count(*) as n from {{ ref('fct_customer_answers') }}),
ingestions as (
    select i.ingestion_id, i.rows_read, i.rows_loaded, i.rows_quarantined, i.rows_duplicate, coalesce(i.rows_replayed, 0) as rows_replayed,
        (select count(*) from {{ source('raw', 'customers') }} c where c._ingestion_id = i.ingestion_id) as loaded_rows
    from {{ source('raw', 'ingestions') }} i
    where i.dataset = 'customers'
)
select 'dim_customer_ledger rows' as what, l.n as expected, r.n as actual from ledger_customers l, ledger_rows r where l.n <> r.n
union all
select 'fct_customer_answers rows', e.n, a.n from expected_answers e, answer_rows a where e.n <> a.n
union all
select 'ingestion ' || cast(ingestion_id as varchar) || ' rows_read', rows_read, rows_loaded + rows_quarantined + rows_duplicate + rows_replayed from ingestions
where rows_read <> rows_loaded + rows_quarantined + rows_duplicate + rows_replayed
union all
select 'ingestion ' || cast(ingestion_id as varchar) || ' rows_loaded', rows_loaded, loaded_rows from ingestions where rows_loaded <> loaded_rows
