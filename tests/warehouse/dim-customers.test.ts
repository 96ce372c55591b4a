import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { dbtWorkDirs, runDbt } from "../../src/dbt/run.ts";
import { openWarehouse, queryRows } from "../../src/lib/duckdb.ts";
import { ingestInto, query, tempDir } from "../helpers/warehouse.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures");
const header = readFileSync(join(fixtures, "hand-counted.csv"), "utf8").split("\n")[0] ?? "";

/** A CSV in the hand-counted layout; each row names the columns it sets, the rest empty. */
function exportFile(dir: string, name: string, rows: Record<string, string>[]): string {
  const columns = header.split(",");
  const lines = rows.map((row) => columns.map((c) => row[c] ?? "").join(","));
  const path = join(dir, name);
  writeFileSync(path, [header, ...lines].join("\n") + "\n");
  return path;
}

const answer = (id: string, customer: string, at: string, extra: Record<string, string> = {}): Record<string, string> => ({
  response_id: id,
  customer_id: customer,
  answered_at: at,
  survey_type: "relationship",
  channel: "web",
  language: "nl",
  segment: "zakelijk",
  business_unit: "schade",
  recommend_score: "8",
  ...extra,
});

/** dim_customers as the full build computes it, over every response: of answers at the same time,
 * the one whose response id hashes higher counts as the later (written out here as a struct key,
 * the order the model's HUGEINT key encodes). */
const LATER = "(answered_at, hash(response_id))";
const RECOMPUTED = `SELECT customer_id, arg_max(segment, ${LATER}) AS segment, arg_max(business_unit, ${LATER}) AS business_unit,
  arg_max(account_manager, ${LATER}) AS account_manager, min(answered_at) AS first_answered_at, max(answered_at) AS last_answered_at,
  count(*) AS responses, max(ingestion_id) AS last_ingestion_id
  FROM marts.fct_nps_responses WHERE customer_id IS NOT NULL GROUP BY customer_id`;

async function differences(path: string): Promise<number> {
  const [row] = await query(
    path,
    `SELECT (SELECT count(*) FROM (SELECT * FROM marts.dim_customers EXCEPT ALL ${RECOMPUTED}))
          + (SELECT count(*) FROM (${RECOMPUTED} EXCEPT ALL SELECT * FROM marts.dim_customers)) AS n`,
  );
  return Number(row?.["n"]);
}

async function build(path: string): Promise<void> {
  const result = await runDbt(["build"], { warehouse: path });
  if (result.exitCode !== 0) throw new Error(result.output.slice(-3000));
}

const customer = async (path: string, id: string): Promise<Record<string, unknown> | undefined> =>
  (await query(path, `SELECT segment, business_unit, account_manager, responses, strftime(first_answered_at, '%Y-%m-%d') AS first FROM marts.dim_customers WHERE customer_id = '${id}'`))[0];

describe("dim_customers after new ingestions equals a rebuild over every response", () => {
  const dir = tempDir();
  const path = join(dir, "w.duckdb");
  beforeAll(async () => {
    await ingestInto(path, [join(fixtures, "hand-counted.csv")]);
    await build(path);
  });

  it("takes later values from the new rows, keeps a stored value the new rows lack, adds new customers", async () => {
    const before = await customer(path, "C01");
    expect(before).toMatchObject({ segment: "zakelijk", account_manager: "Anna de Vries", responses: 2 });
    await ingestInto(path, [
      exportFile(dir, "later.csv", [
        // Later, another segment and unit, no account manager: the manager stays the stored one.
        answer("L01", "C01", "2025-06-01T09:00:00", { segment: "particulier", business_unit: "leven" }),
        answer("L02", "C01", "2025-05-01T09:00:00", { segment: "zakelijk" }),
        answer("L03", "C99", "2025-06-02T09:00:00", { account_manager: "Piet Jansen" }),
      ]),
    ]);
    await build(path);
    expect(await customer(path, "C01")).toEqual({ segment: "particulier", business_unit: "leven", account_manager: "Anna de Vries", responses: 4, first: "2025-01-10" });
    expect(await customer(path, "C99")).toMatchObject({ account_manager: "Piet Jansen", responses: 1 });
    expect(await differences(path)).toBe(0);
  });

  it("recomputes a customer whose new answers are older than the stored ones", async () => {
    await ingestInto(path, [
      exportFile(dir, "older.csv", [
        // Before C01's latest answer (June) but after its stored manager's: a new manager that is
        // the latest non-null one although the row is not the customer's latest.
        answer("O01", "C01", "2025-04-01T09:00:00", { segment: "mkb", account_manager: "Sanne Smit" }),
        answer("O02", "C02", "2024-12-01T09:00:00", { segment: "mkb" }),
      ]),
    ]);
    await build(path);
    expect(await customer(path, "C01")).toEqual({ segment: "particulier", business_unit: "leven", account_manager: "Sanne Smit", responses: 5, first: "2025-01-10" });
    expect(await customer(path, "C02")).toMatchObject({ segment: "zakelijk", responses: 3, first: "2024-12-01" });
    expect(await differences(path)).toBe(0);
  });

  it("breaks a tie of answers at the same time by a fixed order of the response ids, in one file and across ingestions", async () => {
    // Exports with dates only give a customer several answers at the same time. Of these ids,
    // DuckDB's hash orders T22 > T5 > T6 > T1 > T9: not file order, and not the ids' own order.
    const [order] = await query(path, "SELECT string_agg(v, ' > ' ORDER BY hash(v) DESC) AS o FROM (VALUES ('T1'), ('T5'), ('T9'), ('T6'), ('T22')) t(v)");
    expect(order?.["o"], "the expectations below were worked out with this order of DuckDB's hash").toBe("T22 > T5 > T6 > T1 > T9");
    await ingestInto(path, [
      exportFile(dir, "same-day.csv", [
        answer("T1", "C77", "2025-07-01T00:00:00", { segment: "zakelijk", account_manager: "Anna de Vries" }),
        answer("T5", "C77", "2025-07-01T00:00:00", { segment: "particulier", account_manager: "Piet Jansen" }),
        answer("T9", "C77", "2025-07-01T00:00:00", { segment: "groot" }),
      ]),
    ]);
    await build(path);
    // T5 wins: not the first row of the file (T1), not the greatest id (T9).
    expect(await customer(path, "C77")).toMatchObject({ segment: "particulier", account_manager: "Piet Jansen", responses: 3 });
    // A later ingestion at that same time: T6 ranks below T5 and changes nothing; T22 ranks above
    // it and wins the segment; neither names a manager, so T5's stays. As in a full build.
    await ingestInto(path, [
      exportFile(dir, "same-day-2.csv", [
        answer("T6", "C77", "2025-07-01T00:00:00", { segment: "groot" }),
        answer("T22", "C77", "2025-07-01T00:00:00", { segment: "mkb" }),
      ]),
    ]);
    await build(path);
    expect(await customer(path, "C77")).toMatchObject({ segment: "mkb", account_manager: "Piet Jansen", responses: 5 });
    expect(await differences(path)).toBe(0);
  });
});

describe("dim_customers' full build in the memory a build has", () => {
  // At 10 million responses a full build ran out of DuckDB's 1,000 MB (PROMOTOR_DUCKDB_MEMORY_LIMIT)
  // in dim_customers, beside the other model dbt's second thread builds: its arg_max keys were a
  // (timestamp, response id) struct, a variable-size key per state. The same proportion at 1 million
  // responses (367,000 customers) is ~100 MB. The model's own compiled SQL runs here in 110 MB on
  // two threads: with the struct key it needs 140 MB; with a fixed-size key 70-80 MB.
  it("aggregates 1 million responses of 367,000 customers within 110 MB", async () => {
    const dir = tempDir();
    const path = join(dir, "w.duckdb");
    await ingestInto(path, [join(fixtures, "hand-counted.csv")]);
    const compiled = await runDbt(["compile", "--select", "dim_customers", "--full-refresh"], { warehouse: path });
    expect(compiled.exitCode, compiled.output.slice(-2000)).toBe(0);
    const sql = readFileSync(join(dbtWorkDirs(path).targetPath, "compiled", "promotor", "models", "marts", "dim_customers.sql"), "utf8");
    expect(sql).toMatch(/group by customer_id/);

    const warehouse = await openWarehouse(join(dir, "synthetic.duckdb"));
    try {
      const c = warehouse.connection;
      await c.run(`SET threads = 2; SET temp_directory = '${join(dir, "spill")}'`);
      // Every customer id 0..366,999 occurs (7919 is prime to 367,000); answers at midnight, so
      // customers have answers at the same time; a fifth of the rows name an account manager.
      // The staged responses as the model reads them (a view over raw there: answer_order is
      // DuckDB's hash of the response id, macros/dialect.sql).
      await c.run(`CREATE SCHEMA staging; CREATE TABLE staging.stg_survey__responses AS
        SELECT 'R' || lpad(i::VARCHAR, 8, '0') AS response_id, 'C' || ((i * 7919) % 367000)::VARCHAR AS customer_id,
          ['particulier', 'zakelijk', 'mkb', 'groot'][1 + i % 4] AS segment, ['schade', 'leven', 'zorg', 'pensioen', 'bank'][1 + (i // 7) % 5] AS business_unit,
          CASE WHEN i % 5 = 0 THEN 'Manager ' || (i % 40)::VARCHAR END AS account_manager,
          TIMESTAMP '2024-01-01' + to_seconds(((i * 104729) % 63072000) // 86400 * 86400) AS answered_at, CAST(1 + i % 3 AS INTEGER) AS ingestion_id
        FROM range(1000000) t(i);
        CREATE VIEW staging.stg_survey__responses_v AS SELECT *, hash(response_id) AS answer_order FROM staging.stg_survey__responses; CHECKPOINT`);
      await c.run("SET memory_limit = '110MB'");
      await c.run(`CREATE TABLE dim_customers AS ${sql.replaceAll('"staging"."stg_survey__responses"', '"staging"."stg_survey__responses_v"')}`);
      const [row] = await queryRows(c, "SELECT count(*) AS customers, sum(responses) AS responses, count(account_manager) AS managed FROM dim_customers");
      // Customers with a manager: those with a row i % 5 = 0, counted independently.
      const [expected] = await queryRows(c, "SELECT count(DISTINCT customer_id) AS managed FROM staging.stg_survey__responses WHERE account_manager IS NOT NULL");
      expect({ customers: Number(row?.["customers"]), responses: Number(row?.["responses"]), managed: Number(row?.["managed"]) }).toEqual({
        customers: 367_000,
        responses: 1_000_000,
        managed: Number(expected?.["managed"]),
      });
    } finally {
      warehouse.close();
    }
  });
});
