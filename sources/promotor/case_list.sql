-- Open follow-up cases (hand-written, not generated): one row per case, for an owner's own list
-- on the account-manager pages and the overdue list. Case rows, no metric: read from the mart
-- like the verbatims (docs/dashboards.md). State as of the last build or case event.
SELECT
  case_id,
  owner,
  owner_kind,
  status,
  priority,
  case_rule,
  created_at,
  due_at,
  is_overdue,
  open_hours,
  customer_id,
  segment,
  business_unit,
  touchpoint,
  recommend_score,
  recommend_reason AS reason,
  as_of
FROM marts.fct_cases
WHERE is_open
ORDER BY owner, due_at, case_id
