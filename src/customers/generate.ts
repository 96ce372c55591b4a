/** A customer ledger for a warehouse's answers (`promotor generate customers`): the exports a
 * CRM would have given at a few dates, whose churn depends on the customers' answers, so that the
 * value figures (docs/value.md) have something to find. Deterministic (md5 of the customer id,
 * a salt and the seed), and computed in DuckDB: a million customers take seconds.
 *
 * The effect, as generated (docs/value.md, "The sample"): a customer leaves after their last
 * answer (between 14 and 300 days later, never after the data's end) with a probability set by
 * the NPS category of their latest relationship answer: detractor 80 %, passive 35 %, promoter
 * 10 %. Revenue is updated once a year (from the first export) and grows by 8 % a year for customers whose average relationship score is a
 * promoter's, 1 % for a passive's, and shrinks by 6 % for a detractor's. Customers whose average
 * score is a promoter's came through a referral more often (35 % against 20 %). */
import type { DuckDBConnection } from "@duckdb/node-api";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { queryRows, sqlString } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";

/** Probability that a customer leaves after their last answer, by the NPS category of their
 * latest relationship answer. */
export const CHURN_PROBABILITY = { detractor: 0.8, passive: 0.35, promoter: 0.1 } as const;
export const REVENUE_GROWTH = { detractor: -0.06, passive: 0.01, promoter: 0.08 } as const;

export interface GenerateCustomersOptions {
  seed?: number;
  /** Export dates (YYYY-MM-DD); default: every six months back from the data's end, four in all. */
  exports?: string[];
}

export interface GeneratedLedger {
  files: string[];
  customers: number;
  churned: number;
  exports: string[];
}

/** Four export dates, six months apart, the last on the data's last day. */
export function defaultExportDates(end: Date, count = 4): string[] {
  const dates: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    // The last day of the month, i × 6 months before the end's month.
    const d = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 6 * i + 1, 0));
    dates.push((i === 0 ? end : d).toISOString().slice(0, 10));
  }
  return dates;
}

export async function generateCustomers(connection: DuckDBConnection, outDir: string, options: GenerateCustomersOptions = {}): Promise<GeneratedLedger> {
  const seed = options.seed ?? 42;
  const [range] = await queryRows(connection, "SELECT strftime(max(answered_at), '%Y-%m-%d') AS last_day, count(DISTINCT customer_id) AS n FROM raw.responses WHERE customer_id IS NOT NULL");
  if (!range || range["last_day"] === null || Number(range["n"]) === 0) {
    throw new PromotorError("the warehouse has no answers of known customers to make a ledger for", { hint: "ingest survey exports with a customer_id column first (promotor ingest seeds/sample)", exitCode: 2 });
  }
  const end = new Date(`${String(range["last_day"])}T00:00:00Z`);
  const exports = options.exports ?? defaultExportDates(end);
  for (const e of exports) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(e)) throw new PromotorError(`export date "${e}" is not YYYY-MM-DD`, { hint: "e.g. --exports 2026-04-30,2026-10-31", exitCode: 2 });
  }
  const u = (salt: string): string => `(CAST(('0x' || substr(md5(customer_id || ':${salt}:${seed}'), 1, 8)) AS UBIGINT) / 4294967296.0)`;
  const endSql = `DATE ${sqlString(end.toISOString().slice(0, 10))}`;
  await connection.run(`CREATE OR REPLACE TEMP TABLE gen_customers AS
    WITH answers AS (
      SELECT customer_id,
        CAST(min(answered_at) AS DATE) AS first_on,
        CAST(max(answered_at) AS DATE) AS last_on,
        arg_max(segment, answered_at) AS segment,
        coalesce(arg_max(recommend_score, answered_at) FILTER (WHERE survey_type = 'relationship'), arg_max(recommend_score, answered_at)) AS last_score,
        coalesce(avg(recommend_score) FILTER (WHERE survey_type = 'relationship'), avg(recommend_score)) AS mean_score
      FROM raw.responses WHERE customer_id IS NOT NULL GROUP BY customer_id
    ),
    typed AS (
      SELECT *,
        CASE WHEN last_score >= 9 THEN 'promoter' WHEN last_score >= 7 THEN 'passive' ELSE 'detractor' END AS last_category,
        CASE WHEN mean_score >= 9 THEN 'promoter' WHEN mean_score >= 7 THEN 'passive' ELSE 'detractor' END AS mean_category
      FROM answers
    )
    SELECT customer_id, first_on, last_on, segment, last_category, mean_category,
      CASE WHEN first_on > ${endSql} - 365 AND ${u("new")} < 0.5 THEN first_on - CAST(floor(${u("since")} * 60) AS INTEGER)
           ELSE first_on - 30 - CAST(floor(pow(${u("since")}, 1.5) * 5000) AS INTEGER) END AS customer_since,
      CASE WHEN ${u("churn")} < (CASE last_category WHEN 'detractor' THEN ${CHURN_PROBABILITY.detractor} WHEN 'passive' THEN ${CHURN_PROBABILITY.passive} ELSE ${CHURN_PROBABILITY.promoter} END)
            AND last_on + 14 + CAST(floor(${u("when")} * 287) AS INTEGER) <= ${endSql}
           THEN last_on + 14 + CAST(floor(${u("when")} * 287) AS INTEGER) END AS churned_at,
      round(CASE segment WHEN 'particulier' THEN 300 + pow(${u("rev")}, 2) * 3000 WHEN 'mkb' THEN 3000 + pow(${u("rev")}, 2) * 40000
            WHEN 'zakelijk' THEN 25000 + pow(${u("rev")}, 2) * 400000 ELSE 1000 + pow(${u("rev")}, 2) * 5000 END) AS base_revenue,
      CASE mean_category WHEN 'promoter' THEN ${REVENUE_GROWTH.promoter} WHEN 'passive' THEN ${REVENUE_GROWTH.passive} ELSE ${REVENUE_GROWTH.detractor} END AS growth,
      CASE WHEN ${u("via")} < (CASE WHEN mean_category = 'promoter' THEN 0.35 ELSE 0.20 END) THEN 'referral'
           WHEN ${u("via")} < 0.55 THEN 'campaign' WHEN ${u("via")} < 0.8 THEN 'branch' ELSE 'online' END AS acquired_via,
      -- A few consumers become small businesses on a day: a segment change, a new version.
      CASE WHEN segment = 'particulier' AND ${u("switch")} < 0.04 THEN first_on + CAST(floor(${u("switch_day")} * 400) AS INTEGER) END AS became_mkb_on
    FROM typed`);
  mkdirSync(outDir, { recursive: true });
  const first = exports[0]!;
  const files: string[] = [];
  for (const e of exports) {
    const at = `DATE ${sqlString(e)}`;
    const file = join(outDir, `customers-${e}.csv`);
    // The ledger as the CRM knew it on that date: customers who had begun, churn that had happened,
    // revenue grown or shrunk since the first export.
    await connection.run(`COPY (
      SELECT customer_id, strftime(customer_since, '%Y-%m-%d') AS customer_since,
        CASE WHEN churned_at <= ${at} THEN strftime(churned_at, '%Y-%m-%d') END AS churned_at,
        CAST(round(base_revenue * (1 + growth * floor(greatest(0, datediff('day', DATE ${sqlString(first)}, least(${at}, coalesce(churned_at, ${at})))) / 365.25))) AS DECIMAL(18,2)) AS annual_revenue,
        CASE WHEN became_mkb_on <= ${at} THEN 'mkb' ELSE segment END AS segment,
        acquired_via
      FROM gen_customers WHERE customer_since <= ${at} ORDER BY customer_id
    ) TO ${sqlString(file)} (HEADER, DELIMITER ',')`);
    files.push(file);
  }
  const [summary] = await queryRows(connection, `SELECT count(*) AS n, count(churned_at) AS churned FROM gen_customers`);
  await connection.run("DROP TABLE gen_customers");
  return { files, customers: Number(summary?.["n"] ?? 0), churned: Number(summary?.["churned"] ?? 0), exports };
}
