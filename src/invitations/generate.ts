/** Survey invitations for a warehouse's answers (`promotor generate invitations`): the
 * distribution history a survey tool would export. Deterministic (md5 of ids, a salt and the
 * seed), computed in DuckDB.
 *
 * The effect, as generated (docs/survey-pressure.md, "The sample"): every answer had an
 * invitation 30 minutes to 3 days before it (same survey, touchpoint and channel; half of them
 * name the answer's response_id, as a distribution history does); a fifth of the answered ones
 * had an unanswered invitation of the same survey 60–200 days before. After an answered
 * invitation, the customer gets another invitation 5–40 days later, which stays unanswered, with
 * a probability that grows with how often they were asked in the past year: 12 % per answered
 * invitation in the 365 days before, at most 85 %; from four, a second one 40–80 days later
 * with probability 50 %. So the response rate falls with contact frequency, and invitations
 * close together break the 30-day rule. */
import type { DuckDBConnection } from "@duckdb/node-api";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { queryRows, sqlString } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import { referenceTouchpoints } from "../ingest/ingest.ts";

export const EXTRA_PER_RECENT_INVITATION = 0.12;
export const EXTRA_MAX = 0.85;
/** Invitations that go unanswered whatever the pressure: one 60–200 days before an answered one. */
export const BASE_UNANSWERED = 0.2;

export async function generateInvitations(connection: DuckDBConnection, out: string, options: { seed?: number } = {}): Promise<{ invitations: number; answered: number }> {
  const seed = options.seed ?? 42;
  const [range] = await queryRows(connection, "SELECT strftime(max(answered_at), '%Y-%m-%d %H:%M:%S') AS last_at, count(*) FILTER (WHERE customer_id IS NOT NULL) AS n FROM raw.responses");
  if (!range || range["last_at"] === null || Number(range["n"]) === 0) {
    throw new PromotorError("the warehouse has no answers of known customers to make invitations for", { hint: "ingest survey exports with a customer_id column first (promotor ingest seeds/sample)", exitCode: 2 });
  }
  const end = `TIMESTAMP ${sqlString(String(range["last_at"]))}`;
  const u = (id: string, salt: string): string => `(CAST(('0x' || substr(md5(${id} || ':${salt}:${seed}'), 1, 8)) AS UBIGINT) / 4294967296.0)`;
  const touchpoints = referenceTouchpoints();
  const pick = (id: string, salt: string): string => `([${touchpoints.map(sqlString).join(", ")}])[1 + CAST(floor(${u(id, salt)} * ${touchpoints.length}) AS INTEGER)]`;
  await connection.run(`CREATE OR REPLACE TEMP TABLE gen_answered AS
    SELECT 'I' || upper(substr(md5(response_id || ':inv:${seed}'), 1, 12)) AS invitation_id, customer_id, response_id,
      answered_at - to_seconds(CAST(1800 + floor(${u("response_id", "lead")} * 257400) AS BIGINT)) AS sent_at,
      survey_type, touchpoint, coalesce(channel, 'email') AS channel
    FROM raw.responses WHERE customer_id IS NOT NULL`);
  await connection.run(`CREATE OR REPLACE TEMP TABLE gen_all AS
    WITH ranked AS (
      SELECT *, count(*) OVER (PARTITION BY customer_id ORDER BY sent_at RANGE BETWEEN INTERVAL 365 DAY PRECEDING AND CURRENT ROW) AS recent
      FROM gen_answered
    ),
    extra1 AS (
      SELECT 'I' || upper(substr(md5(response_id || ':x1:${seed}'), 1, 12)) AS invitation_id, customer_id, NULL::VARCHAR AS response_id,
        sent_at + to_seconds(CAST(432000 + floor(${u("response_id", "gap1")} * 3024000) AS BIGINT)) AS sent_at,
        CASE WHEN ${u("response_id", "type1")} < 0.3 THEN 'relationship' ELSE 'touchpoint' END AS survey_type, response_id AS rid
      FROM ranked WHERE ${u("response_id", "extra1")} < least(${EXTRA_MAX}, ${EXTRA_PER_RECENT_INVITATION} * recent)
    ),
    extra0 AS (
      SELECT 'I' || upper(substr(md5(response_id || ':x0:${seed}'), 1, 12)) AS invitation_id, customer_id, NULL::VARCHAR AS response_id,
        sent_at - to_seconds(CAST(5184000 + floor(${u("response_id", "gap0")} * 12096000) AS BIGINT)) AS sent_at,
        survey_type, response_id AS rid
      FROM ranked WHERE ${u("response_id", "extra0")} < ${BASE_UNANSWERED}
    ),
    extra2 AS (
      SELECT 'I' || upper(substr(md5(response_id || ':x2:${seed}'), 1, 12)) AS invitation_id, customer_id, NULL::VARCHAR AS response_id,
        sent_at + to_seconds(CAST(3456000 + floor(${u("response_id", "gap2")} * 3456000) AS BIGINT)) AS sent_at,
        CASE WHEN ${u("response_id", "type2")} < 0.3 THEN 'relationship' ELSE 'touchpoint' END AS survey_type, response_id AS rid
      FROM ranked WHERE recent >= 4 AND ${u("response_id", "extra2")} < 0.5
    )
    SELECT invitation_id, customer_id, sent_at, survey_type, touchpoint, channel,
      CASE WHEN ${u("response_id", "named")} < 0.5 THEN response_id END AS response_id
    FROM gen_answered
    UNION ALL
    SELECT invitation_id, customer_id, sent_at, survey_type, CASE WHEN survey_type = 'touchpoint' THEN ${pick("rid", "tp")} END, CASE WHEN ${u("rid", "ch")} < 0.7 THEN 'email' ELSE 'sms' END, response_id
    FROM (SELECT * FROM extra0 UNION ALL SELECT * FROM extra1 UNION ALL SELECT * FROM extra2) WHERE sent_at <= ${end} AND sent_at >= (SELECT min(answered_at) FROM raw.responses) - INTERVAL 30 DAY`);
  mkdirSync(dirname(out), { recursive: true });
  await connection.run(`COPY (SELECT invitation_id, customer_id, strftime(sent_at, '%Y-%m-%dT%H:%M:%S') AS sent_at, survey_type, touchpoint, channel, response_id
    FROM gen_all ORDER BY sent_at, invitation_id) TO ${sqlString(out)} (HEADER, DELIMITER ',')`);
  const [summary] = await queryRows(connection, "SELECT count(*) AS n, count(response_id) AS named FROM gen_all");
  const answered = Number((await queryRows(connection, "SELECT count(*) AS n FROM gen_answered"))[0]?.["n"] ?? 0);
  await connection.run("DROP TABLE gen_answered; DROP TABLE gen_all");
  return { invitations: Number(summary?.["n"] ?? 0), answered };
}
