-- Build stamp (hand-written, not generated): one row per page with the page version, the
-- dashboard version, the git commit, the data freshness (latest answered_at) and the semantic
-- model fingerprint. `promotor pages build` (and `pages check`) write .promotor/build-stamp.json
-- just before Evidence runs its sources, from the project root.
SELECT *
FROM read_json('.promotor/build-stamp.json', format = 'array', columns = {
  page: 'VARCHAR', page_title: 'VARCHAR', page_version: 'VARCHAR', dashboard_version: 'VARCHAR',
  git_commit: 'VARCHAR', data_fresh_until: 'VARCHAR', semantic_model: 'VARCHAR', built_at: 'VARCHAR'
})
