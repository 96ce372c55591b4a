import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runDbt } from "../../src/dbt/run.ts";
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
 * the one with the greater response id counts as the later. */
const RECOMPUTED = `SELECT customer_id, arg_max(segment, (answered_at, response_id)) AS segment, arg_max(business_unit, (answered_at, response_id)) AS business_unit,
  arg_max(account_manager, (answered_at, response_id)) AS account_manager, min(answered_at) AS first_answered_at, max(answered_at) AS last_answered_at,
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

  it("breaks a tie of answers at the same time by response id, in one file and across ingestions", async () => {
    // Exports with dates only give a customer several answers at the same time. The file lists
    // the smaller id first, so "the first row met" and "the greater id" differ.
    await ingestInto(path, [
      exportFile(dir, "same-day.csv", [
        answer("T1", "C77", "2025-07-01T00:00:00", { segment: "zakelijk", account_manager: "Anna de Vries" }),
        answer("T2", "C77", "2025-07-01T00:00:00", { segment: "particulier", account_manager: "Piet Jansen" }),
      ]),
    ]);
    await build(path);
    expect(await customer(path, "C77")).toMatchObject({ segment: "particulier", account_manager: "Piet Jansen", responses: 2 });
    // A later ingestion with an answer at that same time and a greater id: it wins, as in a full build.
    await ingestInto(path, [exportFile(dir, "same-day-2.csv", [answer("T3", "C77", "2025-07-01T00:00:00", { segment: "mkb" })])]);
    await build(path);
    expect(await customer(path, "C77")).toMatchObject({ segment: "mkb", account_manager: "Piet Jansen", responses: 3 });
    expect(await differences(path)).toBe(0);
  });
});
