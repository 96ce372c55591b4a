/** `promotor contacts eligible`: which customers may be invited for a survey on a day, and which
 * are held back by which contact rule (src/invitations/rules.ts; docs/survey-pressure.md). The
 * same rules as the warehouse's fct_invitations.broken_rule, computed here directly on the raw
 * tables (no build needed) with one aggregate per rule, so that a million customers and twenty
 * million invitations take seconds. An invitation at the moment `at` is judged against what came
 * strictly before it. */
import type { DuckDBConnection } from "@duckdb/node-api";
import { existsSync } from "node:fs";
import { extname } from "node:path";
import { queryRows, relationExists, sqlString, tableExists } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import { spreadsheetSafe, spreadsheetSafeSql } from "../lib/spreadsheet.ts";
import { capsOf, gapSql, type ContactRules } from "./rules.ts";

export interface EligibleOptions {
  survey: "relationship" | "touchpoint";
  touchpoint?: string;
  /** When the invitations would go out (UTC). */
  at: Date;
  /** A CSV or .xlsx file with a customer_id column: only these customers (default: every
   * customer Promotor knows from answers, invitations and the ledger). */
  customers?: string;
  rules: ContactRules;
}

export interface HeldBack {
  customer_id: string;
  rule: string;
  detail: string;
  /** The line of --customers the customer came from (header = line 1; null for all known customers). */
  row: number | null;
}

export interface EligibleResult {
  eligible: number;
  held: number;
  byRule: { rule: string; customers: number }[];
  notices: string[];
}

const ts = (d: Date): string => `TIMESTAMP ${sqlString(d.toISOString().slice(0, 19).replace("T", " "))}`;

/** The candidates as TEMP TABLE contact_candidates (customer_id, row). */
async function stageCandidates(connection: DuckDBConnection, file: string | undefined): Promise<void> {
  if (!file) {
    const sources = ["SELECT customer_id FROM raw.responses WHERE customer_id IS NOT NULL"];
    if (await tableExists(connection, "raw", "invitations")) sources.push("SELECT customer_id FROM raw.invitations");
    if (await tableExists(connection, "raw", "customers")) sources.push("SELECT customer_id FROM raw.customers");
    await connection.run(`CREATE OR REPLACE TEMP TABLE contact_candidates AS SELECT DISTINCT customer_id, NULL::BIGINT AS row FROM (${sources.join(" UNION ALL ")})`);
    return;
  }
  if (!existsSync(file)) throw new PromotorError("file not found", { file, hint: "pass a CSV or .xlsx file with a customer_id column", exitCode: 2 });
  let path = file;
  let cleanup = (): void => undefined;
  if (extname(file).toLowerCase() === ".xlsx") {
    const sheet = await (await import("../ingest/xlsx.ts")).xlsxToCsv(file, undefined);
    path = sheet.csvPath;
    cleanup = sheet.cleanup;
  }
  try {
    const columns = (await queryRows(connection, `DESCRIBE SELECT * FROM read_csv(${sqlString(path)}, header = true, all_varchar = true)`)).map((r) => String(r["column_name"]));
    const column = columns.find((c) => c.trim().toLowerCase() === "customer_id");
    if (!column) throw new PromotorError(`the file has no customer_id column (it has: ${columns.slice(0, 12).join(", ")})`, { file, line: 1, hint: "name the column with the customers' ids customer_id", exitCode: 2 });
    await connection.run(`CREATE OR REPLACE TEMP TABLE contact_candidates AS
      SELECT trim(${`"${column.replaceAll('"', '""')}"`}) AS customer_id, CAST(row_number() OVER () + 1 AS BIGINT) AS row
      FROM read_csv(${sqlString(path)}, header = true, all_varchar = true)`);
  } finally {
    cleanup();
  }
}

export async function eligibleContacts(connection: DuckDBConnection, options: EligibleOptions): Promise<EligibleResult> {
  const { rules, survey } = options;
  const touchpoint = options.touchpoint?.toLowerCase() ?? null;
  if (survey === "touchpoint" && !touchpoint) throw new PromotorError("--survey touchpoint needs --touchpoint", { hint: "e.g. promotor contacts eligible --survey touchpoint --touchpoint claim --out eligible.csv", exitCode: 2 });
  if (survey === "relationship" && touchpoint) throw new PromotorError("a relationship survey has no touchpoint", { hint: "drop --touchpoint, or use --survey touchpoint", exitCode: 2 });
  const notices: string[] = [];
  const at = ts(options.at);
  const hasInvitations = await tableExists(connection, "raw", "invitations");
  const hasLedger = await tableExists(connection, "raw", "customers");
  if (!hasInvitations) notices.push("no invitations ingested (promotor ingest --dataset invitations): the gap and the caps see no earlier invitation");
  const caps = capsOf(rules).filter((cap) => cap.surveyType === survey && (cap.touchpoint === null || cap.touchpoint === touchpoint));
  // One pass over the invitations before the moment: per customer the latest, and the count of
  // each cap's kind in the 365 days before (twenty million rows are read once, not once a rule).
  await connection.run(`CREATE OR REPLACE TEMP TABLE contact_invitations AS
    ${hasInvitations
      ? `SELECT customer_id, max(sent_at) AS last_at, arg_max(coalesce(touchpoint, survey_type), sent_at) AS last_survey
          ${caps.map((cap, k) => `, count(*) FILTER (WHERE survey_type = ${sqlString(cap.surveyType)} ${cap.touchpoint ? `AND touchpoint = ${sqlString(cap.touchpoint)}` : ""} AND sent_at >= ${at} - INTERVAL 365 DAY) AS cap_${k}`).join("")}
        FROM raw.invitations WHERE sent_at < ${at} GROUP BY customer_id`
      : `SELECT NULL::VARCHAR AS customer_id, NULL::TIMESTAMP AS last_at, NULL::VARCHAR AS last_survey ${caps.map((_, k) => `, 0 AS cap_${k}`).join("")} WHERE false`}`);
  const known = ["SELECT customer_id FROM raw.responses WHERE customer_id IS NOT NULL", "SELECT customer_id FROM contact_invitations"];
  if (hasLedger) known.push("SELECT customer_id FROM raw.customers");
  if (options.customers) await stageCandidates(connection, options.customers);
  else await connection.run(`CREATE OR REPLACE TEMP TABLE contact_candidates AS SELECT customer_id, NULL::BIGINT AS row FROM (${known.join(" UNION ")})`);
  const gap = gapSql(rules, sqlString(survey), touchpoint ? sqlString(touchpoint) : "NULL");
  const checks: { rule: string; sql: string }[] = [];
  // Who is known at all (only a given list can hold strangers), and who has left (the ledger), first.
  if (options.customers) {
    checks.push({ rule: "unknown_customer", sql: `SELECT c.customer_id, 'in no answer, invitation or the customer ledger: a typing error, or the survey tool''s contact id?' AS detail FROM contact_candidates c WHERE c.customer_id IS NULL OR c.customer_id NOT IN (${known.join(" UNION ALL ")})` });
  }
  if (hasLedger) {
    checks.push({
      rule: "churned",
      sql: `SELECT customer_id, format('left on {} (customer ledger)', strftime(churned_at, '%Y-%m-%d')) FROM (
          SELECT customer_id, arg_max(churned_at, (_as_of, _ingestion_id)) AS churned_at FROM raw.customers GROUP BY customer_id)
        WHERE churned_at IS NOT NULL AND churned_at <= CAST(${at} AS DATE)`,
    });
  }
  checks.push({
    rule: "min_days_between",
    sql: `SELECT customer_id, format('invited {} days ago ({}, {}); at least {} days between invitations', CAST(floor(datediff('second', last_at, ${at}) / 86400) AS INTEGER), strftime(last_at, '%Y-%m-%d'), last_survey, ${gap})
      FROM contact_invitations WHERE datediff('second', last_at, ${at}) < 86400 * ${gap}`,
  });
  caps.forEach((cap, k) => {
    checks.push({
      rule: "max_per_365_days",
      sql: `SELECT customer_id, format('{} invitations in the last 365 days; at most ${cap.max} (${cap.touchpoint ?? cap.surveyType})', cap_${k}) FROM contact_invitations WHERE cap_${k} >= ${cap.max}`,
    });
  });
  for (const [tp, days] of Object.entries(rules.quiet_after_touchpoints)) {
    checks.push({
      rule: `quiet_after_${tp}`,
      sql: `SELECT customer_id, format('answered at ${tp.replaceAll("'", "''")} on {}; ${days} quiet days after it', strftime(max(answered_at), '%Y-%m-%d'))
        FROM raw.responses r SEMI JOIN contact_candidates c USING (customer_id)
        WHERE r.touchpoint = ${sqlString(tp)} AND r.answered_at < ${at} AND ${at} < r.answered_at + INTERVAL ${days} DAY GROUP BY customer_id`,
    });
  }
  if (rules.hold_while_case_open) {
    if (await relationExists(connection, "marts", "fct_cases")) {
      checks.push({
        rule: "case_open",
        sql: `SELECT customer_id, format('follow-up case {} open since {}', arg_max(case_id, created_at), strftime(max(created_at), '%Y-%m-%d'))
          FROM marts.fct_cases f SEMI JOIN contact_candidates c USING (customer_id)
          WHERE f.created_at <= ${at} AND (f.closed_at IS NULL OR f.closed_at > ${at}) GROUP BY customer_id`,
      });
    } else notices.push("no follow-up cases in the warehouse yet (promotor build): the open-case rule was not applied");
  }
  // Every rule's verdicts; a customer held by several gets the first in this order.
  await connection.run(`CREATE OR REPLACE TEMP TABLE contact_held AS
    WITH verdicts AS (${checks.map((c, i) => `SELECT *, ${i} AS k, ${sqlString(c.rule)} AS rule FROM (${c.sql}) v(customer_id, detail)`).join(" UNION ALL ")})
    SELECT customer_id, arg_min(rule, k) AS rule, arg_min(detail, k) AS detail FROM verdicts
    WHERE customer_id IS NULL OR customer_id IN (SELECT customer_id FROM contact_candidates) GROUP BY customer_id`);
  const dims = (await relationExists(connection, "marts", "dim_customers")) ? "marts.dim_customers" : "(SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS segment, NULL::VARCHAR AS business_unit WHERE false)";
  await connection.run(`CREATE OR REPLACE TEMP TABLE contact_eligible AS
    SELECT c.customer_id, any_value(d.segment) AS segment, any_value(d.business_unit) AS business_unit FROM contact_candidates c
    LEFT JOIN ${dims} d ON d.customer_id = c.customer_id
    WHERE c.customer_id IS NOT NULL AND c.customer_id NOT IN (SELECT customer_id FROM contact_held WHERE customer_id IS NOT NULL) GROUP BY c.customer_id`);
  await connection.run(`CREATE OR REPLACE TEMP TABLE contact_held_rows AS
    SELECT coalesce(h.customer_id, '') AS customer_id, h.rule, h.detail, min(c.row) AS row FROM contact_held h JOIN contact_candidates c ON c.customer_id IS NOT DISTINCT FROM h.customer_id GROUP BY ALL`);
  const [counts] = await queryRows(connection, "SELECT (SELECT count(*) FROM contact_eligible) AS e, (SELECT count(*) FROM contact_held_rows) AS h");
  const byRule = (await queryRows(connection, "SELECT rule, count(*) AS n FROM contact_held_rows GROUP BY rule ORDER BY n DESC, rule")).map((r) => ({ rule: String(r["rule"]), customers: Number(r["n"]) }));
  return { eligible: Number(counts?.["e"] ?? 0), held: Number(counts?.["h"] ?? 0), byRule, notices };
}

/** The rows of the last eligibleContacts, for tests and small lists: eligible and held back. */
export async function contactRows(connection: DuckDBConnection): Promise<{ eligible: { customer_id: string; segment: string | null; business_unit: string | null }[]; held: HeldBack[] }> {
  const eligible = (await queryRows(connection, "SELECT customer_id, segment, business_unit FROM contact_eligible ORDER BY customer_id")).map((r) => ({
    customer_id: String(r["customer_id"]),
    segment: r["segment"] === null ? null : String(r["segment"]),
    business_unit: r["business_unit"] === null ? null : String(r["business_unit"]),
  }));
  const held = (await queryRows(connection, "SELECT customer_id, rule, detail, row FROM contact_held_rows ORDER BY rule, customer_id")).map((r) => ({
    customer_id: String(r["customer_id"]),
    rule: String(r["rule"]),
    detail: String(r["detail"]),
    row: r["row"] === null ? null : Number(r["row"]),
  }));
  return { eligible, held };
}

/** Writes the last eligibleContacts: FILE.csv and FILE-held-back.csv (written by DuckDB, cells
 * neutralised as every promotor export), or FILE.xlsx with the sheets "eligible" and "held back". */
export async function writeContacts(connection: DuckDBConnection, out: string): Promise<string[]> {
  const ext = extname(out).toLowerCase();
  if (ext === ".csv") {
    const heldFile = out.replace(/\.csv$/i, "-held-back.csv");
    const safe = (c: string): string => `${spreadsheetSafeSql(c)} AS ${c}`;
    await connection.run(`COPY (SELECT ${safe("customer_id")}, ${safe("segment")}, ${safe("business_unit")} FROM contact_eligible ORDER BY customer_id) TO ${sqlString(out)} (HEADER, DELIMITER ',')`);
    await connection.run(`COPY (SELECT ${safe("customer_id")}, rule, ${safe("detail")}, row AS customers_file_line FROM contact_held_rows ORDER BY rule, customer_id) TO ${sqlString(heldFile)} (HEADER, DELIMITER ',')`);
    return [out, heldFile];
  }
  if (ext !== ".xlsx") throw new PromotorError(`--out must end in .csv or .xlsx, not "${ext || "(none)"}"`, { file: out, hint: "e.g. --out eligible.csv (and eligible-held-back.csv) or --out eligible.xlsx (two sheets)", exitCode: 2 });
  const rows = await contactRows(connection);
  const sheetMax = 1_048_575;
  if (rows.eligible.length > sheetMax || rows.held.length > sheetMax) {
    throw new PromotorError(`${Math.max(rows.eligible.length, rows.held.length).toLocaleString("en-US")} rows do not fit an Excel sheet (at most ${sheetMax.toLocaleString("en-US")})`, { file: out, hint: "write a CSV instead: --out eligible.csv", exitCode: 2 });
  }
  const writeXlsxFile = (await import("write-excel-file/node")).default;
  const cell = (v: unknown) => (v === null || v === undefined ? null : typeof v === "number" ? { value: v, type: Number } : { value: spreadsheetSafe(String(v)), type: String });
  const header = (names: string[]) => names.map((n) => ({ value: n, type: String, fontWeight: "bold" as const }));
  await writeXlsxFile([
    { sheet: "eligible", data: [header(["customer_id", "segment", "business_unit"]), ...rows.eligible.map((r) => [cell(r.customer_id), cell(r.segment), cell(r.business_unit)])], stickyRowsCount: 1, columns: [{ width: 16 }, { width: 14 }, { width: 18 }] },
    { sheet: "held back", data: [header(["customer_id", "rule", "detail", "customers_file_line"]), ...rows.held.map((r) => [cell(r.customer_id), cell(r.rule), cell(r.detail), cell(r.row)])], stickyRowsCount: 1, columns: [{ width: 16 }, { width: 22 }, { width: 70 }, { width: 12 }] },
  ] as never  ).toFile(out);
  return [out];
}

