-- Every row read from an export is loaded, quarantined or counted as an exact duplicate,
-- and the warehouse holds exactly what each ingestion says it loaded and quarantined.
select *
from {{ ref('fct_ingestion_quality') }}
where rows_read <> rows_loaded + rows_quarantined + rows_duplicate
   or responses_in_warehouse <> rows_loaded
   or rows_in_quarantine <> rows_quarantined
