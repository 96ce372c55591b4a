#!/bin/sh
# Regenerates the sample survey exports in seeds/sample/ (or in the directory given) exactly:
# same arguments, same bytes. The three files share one customer population (--customers).
set -eu
cd "$(dirname "$0")/.."
OUT="${1:-seeds/sample}"
gen() { node bin/promotor.mjs generate --out "$OUT" --customers 1200 --start 2025-01-01 --end 2026-10-31 --quiet "$@"; }

# Relationship survey as Excel saves it in a Dutch locale, with 7 deliberate bad rows (one of each kind).
gen --name relationship-survey-2025-2026 --format excel-nl --survey-type relationship --responses 4000 --seed 101 --bad-rows 7
# Touchpoint surveys as a Qualtrics "Export Data > CSV" (three header rows).
gen --name touchpoint-surveys-qualtrics --format qualtrics --survey-type touchpoint --responses 2500 --seed 202
# In-app feedback (touchpoint app) as typed Parquet.
gen --name app-feedback --format parquet --survey-type touchpoint --touchpoints app --responses 300 --seed 303

# The follow-up a CX team recorded for these answers (seeds/follow-up/case-events.csv, imported
# by npm start): generated from a warehouse built from the exports above.
FOLLOW_UP="${FOLLOW_UP_OUT:-seeds/follow-up}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
node bin/promotor.mjs ingest "$OUT" --warehouse "$TMP/sample.duckdb" >/dev/null
node bin/promotor.mjs build --warehouse "$TMP/sample.duckdb" >/dev/null 2>&1
mkdir -p "$FOLLOW_UP"
node bin/promotor.mjs generate case-events --out "$FOLLOW_UP/case-events.csv" --warehouse "$TMP/sample.duckdb" --seed 404

# The customer ledger a CRM exported for these customers (seeds/crm/customers-<date>.csv, four
# exports six months apart, ingested by npm start): generated from the same warehouse, so churn
# depends on the answers (docs/value.md, "The sample").
CRM="${CRM_OUT:-seeds/crm}"
mkdir -p "$CRM"
node bin/promotor.mjs generate customers --out "$CRM" --warehouse "$TMP/sample.duckdb" --seed 42 >/dev/null

# The survey tool's distribution history for these answers (seeds/invitations/invitations.csv,
# ingested by npm start): the response rate falls with contact frequency (docs/survey-pressure.md).
INVITATIONS="${INVITATIONS_OUT:-seeds/invitations}"
mkdir -p "$INVITATIONS"
node bin/promotor.mjs generate invitations --out "$INVITATIONS/invitations.csv" --warehouse "$TMP/sample.duckdb" --seed 42 >/dev/null
