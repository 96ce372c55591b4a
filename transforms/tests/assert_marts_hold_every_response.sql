-- The NPS fact has exactly the loaded responses, no more, no fewer.
select 'fct_nps_responses' as model, (select count(*) from {{ ref('fct_nps_responses') }}) as rows_in_mart,
       (select count(*) from {{ ref('stg_survey__responses') }}) as rows_in_raw
where (select count(*) from {{ ref('fct_nps_responses') }}) <> (select count(*) from {{ ref('stg_survey__responses') }})
