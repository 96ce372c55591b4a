/** What `promotor build` says when dbt tests fail: the same text on every run and machine (CI once
 * failed on a message whose parts came in another order), each failing test with its rows. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { failureReport } from "../../src/cli/commands/build.ts";
import type { DbtNodeResult } from "../../src/dbt/run.ts";
import { execute, tempDir } from "../helpers/warehouse.ts";

const failed = (uniqueId: string, compiledCode: string): DbtNodeResult => ({
  uniqueId,
  resourceType: "test",
  status: "fail",
  executionTime: 0.1,
  message: "Got rows, configured to fail if != 0",
  compiledCode,
});

describe("promotor build's report of failed dbt tests", () => {
  it("lists failed tests by id and the first 10 rows of each in sorted order, whatever order dbt and DuckDB gave", async () => {
    const path = join(tempDir(), "w.duckdb");
    await execute(path, "CREATE TABLE t AS SELECT 1 AS x");
    // Twelve failing rows, stored from L down to A: a LIMIT alone would show L…C.
    const letters = "LKJIHGFEDCBA".split("");
    const values = letters.map((l, i) => `('${l}', ${12 - i})`).join(", ");
    const report = await failureReport(path, [
      failed("test.promotor.z_second", "select 'only' as id, 1 as n"),
      failed("test.promotor.a_first", `select * from (values ${values}) as v(id, n)`),
    ]);
    const lines = report.split("\n");
    expect(lines[0]).toBe("  test.promotor.a_first: Got rows, configured to fail if != 0");
    expect(lines.slice(1, 11).map((l) => l.trim())).toEqual("ABCDEFGHIJ".split("").map((l, i) => `${l}: ${i + 1}`));
    expect(lines[11]).toBe("  test.promotor.z_second: Got rows, configured to fail if != 0");
    expect(lines[12]!.trim()).toBe("only: 1");
    expect(lines).toHaveLength(13);
  });
});
