-- Verbatims (hand-written, not generated): the open "why this score?" answers with their score,
-- NPS category (as the warehouse derived it) and theme. Response rows, no metric: the Cube views
-- do not expose the answer text, so this reads the mart directly (docs/dashboards.md).
SELECT
  response_id,
  answered_at,
  survey_type,
  touchpoint,
  segment,
  business_unit,
  account_manager,
  language,
  recommend_score,
  nps_category AS category,
  theme,
  recommend_reason AS reason
FROM marts.fct_verbatims
ORDER BY answered_at DESC, response_id
