/** The value models between builds (round 18 of docs/benchmarks.md): they are views over
 * raw.customers and the staged answers, so new answers, a new ledger export and other value
 * settings show at the next build without anything built again, and a warehouse an earlier
 * version built (the value models as tables) gets the views. After each step the value models
 * equal those of a --full-refresh build of a copy of the same warehouse. */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CUSTOMERS } from "../../src/customers/spec.ts";
import { runDbt } from "../../src/dbt/run.ts";
import { ingestDataset } from "../../src/ingest/dataset.ts";
import { openWarehouse } from "../../src/lib/duckdb.ts";
import { projectRoot } from "../../src/lib/paths.ts";
import { execute, ingestInto, query, tempDir } from "../helpers/warehouse.ts";

const RELATIONSHIP = join(projectRoot, "seeds", "sample", "relationship-survey-2025-2026.csv");
const LEDGER = readdirSync(join(projectRoot, "seeds", "crm")).sort().map((f) => join(projectRoot, "seeds", "crm", f));
const HEADER = readFileSync(join(import.meta.dirname, "..", "fixtures", "hand-counted.csv"), "utf8").split("\n")[0]!;
const VALUE_MARTS = ["intermediate.int_customer_versions", "marts.fct_customer_answers", "marts.dim_customer_ledger", "marts.fct_revenue_at_risk"];

/** Relationship answers in the hand-counted layout. */
function answers(dir: string, name: string, rows: [id: string, customer: string, at: string, score: number][]): string {
  const columns = HEADER.split(",");
  const lines = rows.map(([id, customer, at, score]) => {
    const row: Record<string, string> = { response_id: id, customer_id: customer, answered_at: at, survey_type: "relationship", channel: "web", language: "nl", segment: "zakelijk", business_unit: "schade", account_manager: "Anna de Vries", recommend_score: String(score) };
    return columns.map((c) => row[c] ?? "").join(",");
  });
  const path = join(dir, name);
  writeFileSync(path, [HEADER, ...lines].join("\n") + "\n");
  return path;
}

async function ingestLedger(path: string, files: readonly string[]): Promise<void> {
  const wh = await openWarehouse(path);
  try {
    for (const f of files) expect((await ingestDataset(wh.connection, CUSTOMERS, f)).quarantined, f).toBe(0);
  } finally {
    wh.close();
  }
}

async function build(path: string, args: string[] = [], env: Record<string, string> = {}): Promise<void> {
  const result = await runDbt(["build", ...args], { warehouse: path, env });
  expect(result.exitCode, result.output.slice(-3000)).toBe(0);
}

/** Rows of each value model that differ from a --full-refresh build of a copy. */
async function differencesFromFullRefresh(path: string, dir: string, env: Record<string, string> = {}): Promise<Record<string, number>> {
  const copy = join(dir, `full-${Date.now()}.duckdb`);
  copyFileSync(path, copy);
  if (existsSync(`${path}.wal`)) copyFileSync(`${path}.wal`, `${copy}.wal`);
  await build(copy, ["--full-refresh", "--select", "tag:customer_value"], env);
  const out: Record<string, number> = {};
  for (const relation of VALUE_MARTS) {
    const columns = (await query(path, `SELECT column_name FROM information_schema.columns WHERE table_schema || '.' || table_name = '${relation}' ORDER BY ordinal_position`)).map((r) => `"${String(r["column_name"])}"`).join(", ");
    const [row] = await query(
      path,
      `ATTACH '${copy}' AS full_refresh (READ_ONLY);
       SELECT (SELECT count(*) FROM (SELECT ${columns} FROM ${relation} EXCEPT ALL SELECT ${columns} FROM full_refresh.${relation}))
            + (SELECT count(*) FROM (SELECT ${columns} FROM full_refresh.${relation} EXCEPT ALL SELECT ${columns} FROM ${relation})) AS n`,
    );
    out[relation] = Number(row?.["n"]);
  }
  return out;
}

const kinds = async (path: string): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await query(path, `SELECT table_schema || '.' || table_name AS relation, table_type AS kind FROM information_schema.tables WHERE table_schema || '.' || table_name IN (${VALUE_MARTS.map((r) => `'${r}'`).join(", ")})`)).map((r) => [String(r["relation"]), String(r["kind"])]),
  );
const count = async (path: string, sql: string): Promise<number> => Number((await query(path, sql))[0]?.["n"]);
const NONE = Object.fromEntries(VALUE_MARTS.map((r) => [r, 0]));
const VIEWS = Object.fromEntries(VALUE_MARTS.map((r) => [r, "VIEW"]));

describe("the value models between builds equal a full rebuild", () => {
  const dir = tempDir("promotor-value-incremental-");
  const path = join(dir, "w.duckdb");
  let ledgerEnd = "";
  let customers: string[] = [];

  beforeAll(async () => {
    await ingestInto(path, [RELATIONSHIP]);
    // The first three exports: the last comes later, as a change of the ledger.
    await ingestLedger(path, LEDGER.slice(0, 3));
    await build(path);
    ledgerEnd = String((await query(path, "SELECT strftime(ledger_end, '%Y-%m-%d') AS d FROM intermediate.int_ledger_end"))[0]?.["d"]);
    customers = (await query(path, "SELECT customer_id FROM marts.dim_customer_ledger ORDER BY customer_id LIMIT 3")).map((r) => String(r["customer_id"]));
  }, 300_000);

  it("builds every value model as a view", async () => {
    expect(await kinds(path)).toEqual(VIEWS);
  });

  it("answers after the latest export: in the marts at the next build", async () => {
    expect(ledgerEnd).toBe("2026-04-30");
    const before = { answers: await count(path, "SELECT count(*) AS n FROM marts.fct_customer_answers"), versions: await count(path, "SELECT count(*) AS n FROM intermediate.int_customer_versions") };
    await ingestInto(path, [
      answers(dir, "after.csv", [
        ["INC-1", customers[0]!, "2026-06-01T10:00:00", 2],
        ["INC-2", customers[1]!, "2026-06-02T10:00:00", 10],
        ["INC-3", "NOT-IN-LEDGER", "2026-06-03T10:00:00", 3],
      ]),
    ]);
    await build(path);
    // Two linked answers more (the third customer is not in the ledger); the versions as they were.
    expect(await count(path, "SELECT count(*) AS n FROM marts.fct_customer_answers")).toBe(before.answers + 2);
    expect(await count(path, "SELECT count(*) AS n FROM intermediate.int_customer_versions")).toBe(before.versions);
    // The detractor's answer is now their customer's latest.
    expect((await query(path, `SELECT latest_category FROM marts.dim_customer_ledger WHERE customer_id = '${customers[0]}'`))[0]?.["latest_category"]).toBe("detractor");
    expect(await differencesFromFullRefresh(path, dir)).toEqual(NONE);
  }, 300_000);

  it("an answer on the latest export's day counts in that day's revenue at risk", async () => {
    const detractorRevenue = (): Promise<number> =>
      count(path, `SELECT coalesce(sum(annual_revenue), 0) AS n FROM marts.fct_revenue_at_risk WHERE as_of = DATE '${ledgerEnd}' AND latest_category = 'detractor'`);
    const before = await detractorRevenue();
    const [customer] = (await query(path, `SELECT customer_id FROM marts.dim_customer_ledger WHERE is_active AND latest_category = 'promoter' AND annual_revenue > 0 AND latest_answered_at < DATE '${ledgerEnd}' ORDER BY customer_id LIMIT 1`)).map((r) => String(r["customer_id"]));
    expect(customer).toBeDefined();
    const revenue = await count(path, `SELECT annual_revenue AS n FROM marts.dim_customer_ledger WHERE customer_id = '${customer}'`);
    await ingestInto(path, [answers(dir, "older.csv", [["INC-4", customer!, `${ledgerEnd}T08:00:00`, 1]])]);
    await build(path);
    expect(await detractorRevenue()).toBeCloseTo(before + revenue, 2);
    expect(await differencesFromFullRefresh(path, dir)).toEqual(NONE);
  }, 300_000);

  it("a new ledger export: its versions, and answers meet them", async () => {
    const before = await count(path, "SELECT count(*) AS n FROM intermediate.int_customer_versions");
    await ingestLedger(path, LEDGER.slice(3));
    await build(path);
    expect(await count(path, "SELECT count(*) AS n FROM intermediate.int_customer_versions")).toBeGreaterThan(before);
    expect(await count(path, "SELECT strftime(max(ledger_end), '%Y%m%d')::INTEGER AS n FROM marts.fct_customer_answers")).toBeGreaterThan(Number(ledgerEnd.replaceAll("-", "")));
    expect(await differencesFromFullRefresh(path, dir)).toEqual(NONE);
  }, 300_000);

  it("another churn window (promotor.yaml value) counts at the next build", async () => {
    const env = { PROMOTOR_CHURN_WINDOW_DAYS: "180" };
    await build(path, [], env);
    expect((await query(path, "SELECT DISTINCT churn_window_days AS d FROM intermediate.int_ledger_end"))[0]?.["d"]).toBe(180);
    expect(await count(path, "SELECT max(date_diff('day', answered_on, window_ends_on)) AS n FROM marts.fct_customer_answers")).toBe(180);
    expect(await differencesFromFullRefresh(path, dir, env)).toEqual(NONE);
  }, 300_000);

  it("a warehouse an earlier version built (the value models as tables) gets the views", async () => {
    // What a build of the earlier code left: tables with its stamp and watermark columns.
    for (const relation of VALUE_MARTS) {
      await execute(path, `CREATE TABLE ${relation}_old AS SELECT *, 'old' AS value_stamp, 1 AS through_ingestion FROM ${relation}; DROP VIEW ${relation}; ALTER TABLE ${relation}_old RENAME TO ${relation.split(".")[1]}`);
    }
    expect(Object.values(await kinds(path))).toEqual(VALUE_MARTS.map(() => "BASE TABLE"));
    await build(path);
    expect(await kinds(path)).toEqual(VIEWS);
    expect(await differencesFromFullRefresh(path, dir)).toEqual(NONE);
  }, 300_000);
});
