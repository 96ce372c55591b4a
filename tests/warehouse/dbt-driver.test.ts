import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dbtWorkDirs, startDbt } from "../../src/dbt/run.ts";
import { ingestInto, tempDir } from "../helpers/warehouse.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures");

describe("dbt started ahead of its command (src/dbt/dbt_driver.py)", () => {
  it("exits without running dbt when cancelled", async () => {
    const warehouse = join(tempDir(), "w.duckdb");
    const dbt = startDbt({ warehouse });
    dbt.cancel();
    expect(await dbt.exited).toBe(0);
    // dbt writes its log directory as soon as it runs a command.
    expect(existsSync(dbtWorkDirs(warehouse).logPath)).toBe(false);
  });

  it("runs the command it is given and reports every node", async () => {
    const warehouse = join(tempDir(), "w.duckdb");
    await ingestInto(warehouse, [join(fixtures, "hand-counted.csv")]);
    const dbt = startDbt({ warehouse });
    const lines: string[] = [];
    const result = await dbt.run(["build", "--select", "stg_survey__ingestions"], { env: { PROMOTOR_TESTED_THROUGH_INGESTION: "0" }, onLine: (l) => lines.push(l) });
    expect(result.exitCode, result.output.slice(-1500)).toBe(0);
    expect(result.nodes.map((n) => `${n.resourceType} ${n.uniqueId} ${n.status}`)).toEqual(["model model.promotor.stg_survey__ingestions success"]);
    expect(lines.some((l) => /1 of 1 OK created sql view model staging\.stg_survey__ingestions/.test(l))).toBe(true);
    expect(await dbt.exited).toBe(0);
  });
});
