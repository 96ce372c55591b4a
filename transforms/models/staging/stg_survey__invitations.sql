{{ config(tags=['survey_pressure']) }}
{#- Survey invitations (raw.invitations, src/invitations/spec.ts), renamed only. -#}
select
    invitation_id,
    customer_id,
    sent_at,
    survey_type,
    touchpoint,
    channel,
    response_id as named_response_id,
    _ingestion_id as ingestion_id,
    _source_file as source_file,
    _source_row as source_row
from {{ source('raw', 'invitations') }}
