/** An ingest that comes in after `promotor build` took its scope and before dbt opened the
 * warehouse is counted in the build that read it (issue 27): raw.builds.through_ingestion is what
 * dbt's own on-run-start hook saw, not the scope. Its own file, so that tests/reliability runs
 * beside the kill tests (under a minute for the whole folder). */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { openWarehouse, queryRows } from "../../src/lib/duckdb.ts";
import { capture } from "../helpers/capture.ts";
import { tempDir } from "../helpers/warehouse.ts";

describe("an ingest between a build's preparation and dbt's run", () => {
  it("is counted in the build that read it: through_ingestion names it", async () => {
    const dir = tempDir("promotor-watermark-");
    const warehouse = join(dir, "promotor.duckdb");
    const fixtures = join(import.meta.dirname, "..", "fixtures");
    expect(await main(["--warehouse", warehouse, "ingest", join(fixtures, "hand-counted.csv")], capture().io)).toBe(0);
    // The build takes its scope (ingestion 1); then an export arrives before dbt opens the file.
    const { projectFingerprint, recordBuild, testScope } = await import("../../src/dbt/test-state.ts");
    const scope = await testScope(warehouse, projectFingerprint(), false);
    expect(scope.latestIngestion).toBe(1);
    expect(await main(["--warehouse", warehouse, "ingest", join(fixtures, "minimal-columns.csv")], capture().io)).toBe(0);
    const { runDbt } = await import("../../src/dbt/run.ts");
    expect((await runDbt(["build"], { warehouse })).exitCode).toBe(0);
    // dbt read both; the record says so, whatever the scope said.
    expect(await recordBuild(warehouse, projectFingerprint(), scope)).toBe(2);
    const db = await openWarehouse(warehouse, { readOnly: true });
    try {
      expect(await queryRows(db.connection, "SELECT through_ingestion FROM raw.builds")).toEqual([{ through_ingestion: 2 }]);
      expect(await queryRows(db.connection, "SELECT count(DISTINCT ingestion_id) AS n FROM marts.fct_nps_responses")).toEqual([{ n: 2 }]);
    } finally {
      db.close();
    }
  }, 120_000);
});
