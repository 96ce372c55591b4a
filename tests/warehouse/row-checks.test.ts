import { join } from "node:path";
import { Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCommand } from "../../src/cli/commands/build.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { execute, ingestInto, tempDir } from "../helpers/warehouse.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures");

async function build(warehouse: string): Promise<unknown> {
  const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
  return buildCommand.run([], { warehouse, root: process.cwd(), stdout: sink(), stderr: sink() }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Each check of a row_checks test (transforms/macros/test_row_checks.sql) fails on its own rows,
 * and the build names every failing check with its row count. */
describe("row_checks: one dbt test per model, every check reported", () => {
  const path = join(tempDir(), "w.duckdb");
  beforeAll(async () => {
    await ingestInto(path, [join(fixtures, "hand-counted.csv")]);
    expect(await build(path)).toBeUndefined();
  });

  it("reports each failing value check of the new rows with its count", async () => {
    const copy = (id: string, set: string) =>
      `INSERT INTO raw.responses SELECT * REPLACE ('${id}' AS response_id, NULL AS customer_id, ${set}, 7 AS _ingestion_id) FROM raw.responses WHERE response_id = 'H01'`;
    await execute(path, copy("R1", "'other' AS survey_type"));
    await execute(path, copy("R2", "'other' AS survey_type, 9 AS csat"));
    await execute(path, copy("R3", "12 AS recommend_score"));
    const error = await build(path);
    expect(error).toBeInstanceOf(PromotorError);
    const message = (error as PromotorError).message;
    expect(message).toContain("raw_responses_checks");
    expect(message).toMatch(/accepted_values\(survey_type\): 2\b/);
    expect(message).toMatch(/accepted_range\(csat, 1, 5\): 1\b/);
    expect(message).toMatch(/accepted_range\(recommend_score, 0, 10\): 1\b/);
    expect(message).not.toMatch(/not_null\(/);
    await execute(path, "DELETE FROM raw.responses WHERE _ingestion_id = 7");
    expect(await build(path)).toBeUndefined();
  });

  it("checks a fact view in one pass: each failing check with its count", async () => {
    // A touchpoint survey without a touchpoint: staging accepts it, the touchpoint fact does not.
    await execute(path, "INSERT INTO raw.responses SELECT * REPLACE ('R4' AS response_id, NULL AS customer_id, 'touchpoint' AS survey_type, NULL AS touchpoint, 8 AS _ingestion_id) FROM raw.responses WHERE response_id = 'H01'");
    const error = await build(path);
    expect(error).toBeInstanceOf(PromotorError);
    const message = (error as PromotorError).message;
    expect(message).not.toContain("raw_responses_checks");
    expect(message).toMatch(/fct_touchpoint_responses_checks[\s\S]*not_null\(touchpoint\): 1\b/);
    expect(message).toMatch(/not_null\(journey_order\): 1\b/);
    expect(message).not.toMatch(/not_null\(response_id\)|rows_reconcile/);
    await execute(path, "DELETE FROM raw.responses WHERE _ingestion_id = 8");
    expect(await build(path)).toBeUndefined();
  });

  it("reports a duplicate key and a count that does not reconcile", async () => {
    // A second row for C05 as a faulty incremental run would write it (a newer ingestion): the
    // uniqueness check after a tested build groups the ids of such rows.
    await execute(path, "INSERT INTO marts.dim_customers SELECT * REPLACE (99 AS last_ingestion_id) FROM marts.dim_customers WHERE customer_id = 'C05'");
    const error = await build(path);
    expect(error).toBeInstanceOf(PromotorError);
    const message = (error as PromotorError).message;
    expect(message).toContain("dim_customers_checks");
    expect(message).toMatch(/unique\(customer_id\): 1\b/);
    expect(message).toMatch(/rows_reconcile: 1: 11 in the model, 10 expected/);
  });
});
