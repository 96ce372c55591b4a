-- Labels (hand-written, not generated): the name of every code a page shows, in Dutch and
-- English, from reference data only (seeds/reference/*.csv via dbt). Pages pick the column of
-- their build's language (label_nl or label_en) and fall back to the code itself for a code that
-- reference data does not name yet (for example a touchpoint missing from the journey map).
SELECT kind, code, label_nl, label_en, CAST(sort_order AS INTEGER) AS sort_order
FROM reference.labels
UNION ALL
SELECT 'touchpoint', touchpoint, touchpoint_label_nl, touchpoint_label_en, CAST(journey_order AS INTEGER)
FROM marts.dim_touchpoints
UNION ALL
SELECT 'driver', driver, driver_label_nl, driver_label_en, CAST(driver_order AS INTEGER)
FROM marts.dim_drivers
UNION ALL
SELECT 'relationship_profile', relationship_profile, profile_label_nl, profile_label_en, CAST(row_number() OVER (ORDER BY relationship_profile) AS INTEGER)
FROM marts.dim_relationship_profiles
UNION ALL
SELECT 'relationship_profile_meaning', relationship_profile, interpretation_nl, interpretation_en, CAST(row_number() OVER (ORDER BY relationship_profile) AS INTEGER)
FROM marts.dim_relationship_profiles
UNION ALL
SELECT 'root_cause', root_cause, label_nl, label_en, CAST(sort_order AS INTEGER)
FROM reference.root_causes
ORDER BY kind, sort_order, code
