-- Open follow-up cases (hand-written, not generated): one row per case, for an owner's own list
-- on the account-manager pages and the overdue list. Case rows, no metric: read from the mart
-- like the verbatims (docs/dashboards.md). State as of the last build or case event.
SELECT
  c.case_id,
  c.owner,
  c.owner_kind,
  c.status,
  c.priority,
  c.case_rule,
  c.created_at,
  c.due_at,
  c.is_overdue,
  c.open_hours,
  c.customer_id,
  c.segment,
  c.business_unit,
  c.touchpoint,
  c.recommend_score,
  r.recommend_reason AS reason,
  c.as_of
FROM marts.fct_cases c
LEFT JOIN marts.fct_nps_responses r ON r.response_id = c.opening_response_id
WHERE c.is_open
ORDER BY c.owner, c.due_at, c.case_id
