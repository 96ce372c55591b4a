/** The value models between rebuilds (round 17 of docs/benchmarks.md): while the ledger, the value
 * settings and the code stay the same, a build adds only the new answers to fct_customer_answers,
 * recomputes only the customers who answered in dim_customer_ledger and keeps
 * fct_revenue_at_risk unless a new answer falls on or before the latest export's day. After each
 * step the value marts equal a --full-refresh build of a copy of the same warehouse, and each
 * step checks that it took the path it should (kept rows keep their watermark; a rebuild gives
 * every row the new stamp). */
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

/** Rows of each value mart that differ from a --full-refresh build of a copy (every column but
 * the watermark, which says when a row was made). */
async function differencesFromFullRefresh(path: string, dir: string, env: Record<string, string> = {}): Promise<Record<string, number>> {
  const copy = join(dir, `full-${Date.now()}.duckdb`);
  copyFileSync(path, copy);
  if (existsSync(`${path}.wal`)) copyFileSync(`${path}.wal`, `${copy}.wal`);
  await build(copy, ["--full-refresh", "--select", "tag:customer_value"], env);
  const out: Record<string, number> = {};
  for (const relation of VALUE_MARTS) {
    const columns = (await query(path, `SELECT column_name FROM information_schema.columns WHERE table_schema || '.' || table_name = '${relation}' AND column_name <> 'through_ingestion' ORDER BY ordinal_position`)).map((r) => `"${String(r["column_name"])}"`).join(", ");
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

const watermarks = async (path: string, relation: string): Promise<number[]> =>
  (await query(path, `SELECT DISTINCT through_ingestion AS t FROM ${relation} ORDER BY 1`)).map((r) => Number(r["t"]));
const stamps = async (path: string, relation: string): Promise<string[]> => (await query(path, `SELECT DISTINCT value_stamp AS s FROM ${relation}`)).map((r) => String(r["s"]));
const NONE = Object.fromEntries(VALUE_MARTS.map((r) => [r, 0]));

describe("the value models between rebuilds equal a full rebuild", () => {
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

  it("answers after the latest export: new answer rows, their customers recomputed, revenue at risk kept", async () => {
    expect(ledgerEnd).toBe("2026-04-30");
    const before = { answers: Number((await query(path, "SELECT count(*) AS n FROM marts.fct_customer_answers"))[0]?.["n"]), revenue: await watermarks(path, "marts.fct_revenue_at_risk") };
    await ingestInto(path, [
      answers(dir, "after.csv", [
        ["INC-1", customers[0]!, "2026-06-01T10:00:00", 2],
        ["INC-2", customers[1]!, "2026-06-02T10:00:00", 10],
        ["INC-3", "NOT-IN-LEDGER", "2026-06-03T10:00:00", 3],
      ]),
    ]);
    await build(path);
    // Two linked answers more (the third customer is not in the ledger); the old rows kept.
    expect(Number((await query(path, "SELECT count(*) AS n FROM marts.fct_customer_answers"))[0]?.["n"])).toBe(before.answers + 2);
    expect((await watermarks(path, "marts.fct_customer_answers")).length).toBe(2);
    expect(await watermarks(path, "marts.fct_revenue_at_risk")).toEqual(before.revenue);
    // The detractor's answer is now their customer's latest.
    expect((await query(path, `SELECT latest_category FROM marts.dim_customer_ledger WHERE customer_id = '${customers[0]}'`))[0]?.["latest_category"]).toBe("detractor");
    expect(await differencesFromFullRefresh(path, dir)).toEqual(NONE);
  }, 300_000);

  it("an answer on or before the latest export's day rebuilds revenue at risk", async () => {
    const before = await watermarks(path, "marts.fct_revenue_at_risk");
    await ingestInto(path, [answers(dir, "older.csv", [["INC-4", customers[2]!, `${ledgerEnd}T08:00:00`, 1]])]);
    await build(path);
    const after = await watermarks(path, "marts.fct_revenue_at_risk");
    expect(after).toHaveLength(1);
    expect(after[0]).toBeGreaterThan(before[0]!);
    expect(await differencesFromFullRefresh(path, dir)).toEqual(NONE);
  }, 300_000);

  it("a new ledger export builds every value model whole under a new stamp", async () => {
    const before = await stamps(path, "marts.fct_customer_answers");
    await ingestLedger(path, LEDGER.slice(3));
    await build(path);
    for (const relation of VALUE_MARTS) {
      const now = await stamps(path, relation);
      expect(now, relation).toHaveLength(1);
      expect(now[0], relation).not.toBe(before[0]);
    }
    expect(await watermarks(path, "marts.fct_customer_answers")).toHaveLength(1);
    expect(await differencesFromFullRefresh(path, dir)).toEqual(NONE);
  }, 300_000);

  it("another churn window (promotor.yaml value) builds them whole too", async () => {
    const env = { PROMOTOR_CHURN_WINDOW_DAYS: "180" };
    const before = await stamps(path, "marts.fct_customer_answers");
    await build(path, [], env);
    expect(await stamps(path, "marts.fct_customer_answers")).not.toEqual(before);
    expect((await query(path, "SELECT DISTINCT churn_window_days AS d FROM intermediate.int_ledger_end"))[0]?.["d"]).toBe(180);
    expect(await differencesFromFullRefresh(path, dir, env)).toEqual(NONE);
  }, 300_000);

  it("a warehouse built before the stamp existed (its value tables without it) is built whole", async () => {
    // What a build of the earlier code left: the same tables without value_stamp and
    // through_ingestion (the first build after upgrading failed on `max(value_stamp)`).
    for (const relation of VALUE_MARTS) await execute(path, `ALTER TABLE ${relation} DROP COLUMN value_stamp; ALTER TABLE ${relation} DROP COLUMN IF EXISTS through_ingestion`);
    await build(path);
    for (const relation of VALUE_MARTS) expect(await stamps(path, relation), relation).toHaveLength(1);
    expect(await differencesFromFullRefresh(path, dir)).toEqual(NONE);
  }, 300_000);
});
