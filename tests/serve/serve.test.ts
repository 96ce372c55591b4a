import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, queryRows } from "../../src/lib/duckdb.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { resolvePorts } from "../../src/serve/config.ts";
import { nativeArtifact, nativeMissingError } from "../../src/serve/native.ts";
import { removeSnapshots, takeSnapshot, warehouseStamp } from "../../src/serve/snapshot.ts";
import { cubeConfig } from "../../src/semantic/config.ts";
import { buildFixtureWarehouse, SMALL } from "../semantic/fixture.ts";
import { hasNative, nativeProbe, noNativeReason } from "./helpers.ts";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, "..", "..");

describe("promotor serve without Cube's native module", () => {
  if (hasNative) console.warn("serve fail-fast test skipped: @cubejs-backend/native loads here, so the server can start");

  it.skipIf(hasNative)("stops within seconds, naming the module, why it is missing and what to do, exit code 3", async () => {
    const started = performance.now();
    const result = await run(process.execPath, [join(root, "bin", "promotor.mjs"), "serve"], {
      cwd: root,
      env: { ...process.env, CUBEJS_API_SECRET: "a-test-secret-for-serve" },
      timeout: 30_000,
    }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    const seconds = (performance.now() - started) / 1000;
    expect(result.code).toBe(3);
    expect(seconds).toBeLessThan(10);
    expect(result.stderr).toContain("@cubejs-backend/native");
    expect(result.stderr).toMatch(/GitHub releases/);
    expect(result.stderr).toMatch(/npm install/);
    expect(result.stderr).toContain(nativeArtifact(nativeProbe.version ?? "1.7.43").url);
  });

  it("builds the artifact name the way Cube's post-installer does", () => {
    expect(nativeArtifact("1.7.43", "linux", "x64")).toEqual({
      name: "native-linux-x64-glibc-fallback.tar.gz",
      url: "https://github.com/cube-js/cube/releases/download/v1.7.43/native-linux-x64-glibc-fallback.tar.gz",
    });
    const error = nativeMissingError({ available: false, detail: "Unable to load", elapsedMs: 1, version: "1.7.43", packageDir: "/x/native" });
    expect(error).toBeInstanceOf(PromotorError);
    expect(error.exitCode).toBe(3);
    expect(error.hint).toContain("tar -xzf native-");
  });
});

describe("ports", () => {
  it("defaults to 4000 (REST) and 15432 (SQL), flags beat the environment", () => {
    expect(resolvePorts({}, {})).toEqual({ api: 4000, sql: 15432 });
    expect(resolvePorts({}, { PORT: "4100", CUBEJS_PG_SQL_PORT: "5433" })).toEqual({ api: 4100, sql: 5433 });
    expect(resolvePorts({}, { PROMOTOR_API_PORT: "4200", PORT: "4100" })).toEqual({ api: 4200, sql: 15432 });
    expect(resolvePorts({ port: "4300", sqlPort: "5500" }, { PORT: "4100", PROMOTOR_SQL_PORT: "5433" })).toEqual({ api: 4300, sql: 5500 });
    expect(() => resolvePorts({ port: "70000" }, {})).toThrow(/1–65535/);
    expect(() => resolvePorts({ port: "5000", sqlPort: "5000" }, {})).toThrow(/cannot share port 5000/);
  });
});

describe("the warehouse snapshot the server reads", () => {
  let fixture: { path: string; dir: string; cleanup(): void };
  beforeAll(async () => {
    fixture = await buildFixtureWarehouse(SMALL, "serve");
  });
  afterAll(() => fixture?.cleanup());

  it("lets a rebuild write the warehouse while Cube's driver reads the snapshot", async () => {
    const snapDir = join(fixture.dir, "snapshots");
    const snap = await takeSnapshot(fixture.path, snapDir);
    // The same driver factory the server uses (src/semantic/config.ts), on the snapshot.
    // The DriverConfig the server uses (src/semantic/config.ts), made into a driver by Cube.
    const { type, ...driverOptions } = await cubeConfig({ warehouse: snap.path }).driverFactory();
    const { CubejsServerCore } = require("@cubejs-backend/server-core") as {
      CubejsServerCore: { createDriver(type: string, options: object): { query(sql: string): Promise<Record<string, unknown>[]>; release(): Promise<void> } };
    };
    const driver = CubejsServerCore.createDriver(type, driverOptions);
    try {
      const before = await driver.query("SELECT count(*) AS n, sum(is_promoter) AS p FROM marts.fct_nps_responses");
      // SMALL: 12 responses; promoters (9–10) are r01, r02, r06, r09, r11.
      expect(Number(before[0]!["n"])).toBe(12);
      expect(Number(before[0]!["p"])).toBe(5);

      // "dbt" rewrites the warehouse while the server's driver is open: no lock conflict.
      const writer = await openWarehouse(fixture.path);
      await writer.connection.run("DELETE FROM marts.fct_nps_responses WHERE recommend_score < 5");
      await writer.connection.run("CHECKPOINT");
      writer.close();
      expect(warehouseStamp(fixture.path)).not.toBe(snap.stamp);
      const after = await driver.query("SELECT count(*) AS n FROM marts.fct_nps_responses");
      expect(Number(after[0]!["n"])).toBe(12);

      const next = await takeSnapshot(fixture.path, snapDir);
      const check = await openWarehouse(next.path, { readOnly: true });
      // Scores below 5 in SMALL: r05 (3), r08 (0), r12 (4) -> 9 remain.
      expect(Number((await queryRows(check.connection, "SELECT count(*) AS n FROM marts.fct_nps_responses"))[0]!["n"])).toBe(9);
      check.close();
    } finally {
      await driver.release();
      removeSnapshots(snapDir);
    }
  });

  it("refuses to copy while a writer holds the warehouse, saying what to do", async () => {
    const writer = await openWarehouse(fixture.path);
    try {
      // DuckDB's lock is per process; a second process must try to read it.
      const script = `import { takeSnapshot } from ${JSON.stringify(join(root, "src", "serve", "snapshot.ts"))};
        try { await takeSnapshot(${JSON.stringify(fixture.path)}, ${JSON.stringify(join(fixture.dir, "s2"))}); console.log("copied"); }
        catch (e) { console.log(e.message); }`;
      const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root });
      expect(stdout).toContain("the warehouse is being written right now");
    } finally {
      writer.close();
    }
  });
});

if (!hasNative) console.warn(`live serve tests: ${noNativeReason}`);
