select * from {{ ref('stg_reference__relationship_profiles') }}
