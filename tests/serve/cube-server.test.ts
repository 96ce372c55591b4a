/** The exact configuration `promotor serve` uses, given to Cube's own server classes in-process:
 * option validation and driver typing (Cube's OptsHandler), pre-aggregations through Cube's
 * orchestrator and DuckDB driver over the read-only snapshot, refused requests through Cube's
 * gateway error handling, SQL API logins through Cube's SQLServer. Runs without the native module
 * (the result transform and the SQL wire protocol are Rust; see sql-api.test.ts for those). */
import jwt from "jsonwebtoken";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverConfig } from "../../src/serve/config.ts";
import { createCubeServer, sqlLogin, stopCube, type CubeServer } from "../../src/serve/cube.ts";
import { probeWarehouse } from "../../src/serve/server.ts";
import { removeSnapshots, takeSnapshot } from "../../src/serve/snapshot.ts";
import { createSemanticLayer } from "../../src/semantic/index.ts";
import type { SemanticLayer } from "../../src/semantic/types.ts";
import { issueToken } from "../../src/token/token.ts";
import { buildFixtureWarehouse, SMALL } from "../semantic/fixture.ts";
import { restLoad } from "./cube-in-process.ts";

const SECRET = "cube-server-test-secret-0123456789abcdef";
const ENV = { CUBEJS_API_SECRET: SECRET };
const token = (claims: Parameters<typeof issueToken>[0]) => issueToken(claims, { secret: SECRET }).token;

describe("Cube's own server classes with the serve configuration", () => {
  let fixture: { path: string; dir: string; cleanup(): void };
  let snapshotDir: string;
  let cube: CubeServer;
  let raw: SemanticLayer;
  const savedSecret = process.env["CUBEJS_API_SECRET"];

  beforeAll(async () => {
    process.env["CUBEJS_API_SECRET"] = SECRET;
    fixture = await buildFixtureWarehouse(SMALL, "cubeserver");
    snapshotDir = join(fixture.dir, "snapshots");
    const snapshot = await takeSnapshot(fixture.path, snapshotDir);
    cube = createCubeServer(await serverConfig({ snapshotPath: snapshot.path }, ENV));
    raw = await createSemanticLayer({ warehouse: fixture.path, preAggregations: false });
  });
  afterAll(async () => {
    if (cube) await stopCube(cube);
    await raw?.close();
    if (snapshotDir) removeSnapshots(snapshotDir);
    fixture?.cleanup();
    if (savedSecret === undefined) delete process.env["CUBEJS_API_SECRET"];
    else process.env["CUBEJS_API_SECRET"] = savedSecret;
  });

  it("passes Cube's option validation and Cube types the data source as duckdb (no dbType, issue #11 defect 1)", async () => {
    expect(cube.config).not.toHaveProperty("dbType");
    expect(await cube.core.options.dbType({ dataSource: "default" })).toBe("duckdb");
    // The driver Cube builds from the DriverConfig reads the snapshot.
    expect(await probeWarehouse(cube)).toBe(12);
  });

  it("builds pre-aggregations through Cube's orchestrator and driver, with the same answers as without rollups (defect 2)", async () => {
    const query = {
      measures: ["nps.responses", "nps.promoters", "nps.detractors"],
      dimensions: ["nps.touchpoint"],
      timeDimensions: [{ dimension: "nps.answered_at", granularity: "month" }],
      filters: [{ member: "nps.survey_type", operator: "equals", values: ["touchpoint"] }],
      order: [["nps.answered_at", "asc"], ["nps.touchpoint", "asc"]],
    };
    const served = await restLoad(cube, token({ role: "executive" }), query);
    expect(served.error).toBeUndefined();
    expect(Object.keys(served.usedPreAggregations ?? {}).join()).toContain("prod_pre_aggregations.nps_responses_nps_by_touchpoint_month");
    const expected = (await raw.load(query as never)).data;
    const key = (r: Record<string, unknown>) => `${String(r["nps.answered_at.month"]).slice(0, 7)}|${String(r["nps.touchpoint"])}`;
    expect(served.rows!.map(key)).toEqual(expected.map(key));
    served.rows!.forEach((row, i) => {
      for (const m of ["nps.responses", "nps.promoters", "nps.detractors"]) expect(Number(row[m]), `${m} ${key(row)}`).toBe(Number(expected[i]![m]));
    });
    // A token without a role is refused before any rollup is read (issue 27: not an empty 200).
    const nobody = await restLoad(cube, jwt.sign({ sub: "x" }, SECRET, { algorithm: "HS256", expiresIn: "5m" }), query);
    expect(nobody).toMatchObject({ status: 403, error: expect.stringMatching(/names no role/) });
  });

  it("refuses missing, wrongly signed and expired tokens with 403 and the reason, not 500 (defect 3)", async () => {
    const missing = await restLoad(cube, undefined, { measures: ["nps.responses"] });
    expect(missing.status).toBe(403);
    expect(missing.error).toMatch(/no token was given/);
    const forged = await restLoad(cube, issueToken({ role: "executive" }, { secret: "another-secret-another-secret-another" }).token, { measures: ["nps.responses"] });
    expect(forged.status).toBe(403);
    expect(forged.error).toMatch(/invalid signature.*promotor token/);
    const expired = await restLoad(cube, issueToken({ role: "executive" }, { secret: SECRET, ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) }).token, { measures: ["nps.responses"] });
    expect(expired.status).toBe(403);
    expect(expired.error).toMatch(/expired/);
    const bearer = await restLoad(cube, `Bearer ${token({ role: "executive" })}`, { measures: ["nps.responses"] });
    expect(Number(bearer.rows?.[0]?.["nps.responses"])).toBe(12);
  });

  it("refuses SQL API logins with an unknown user or a wrong password, through Cube's SQLServer (checkSqlAuth)", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { CUBEJS_SQL_USER: "analyst", CUBEJS_SQL_PASSWORD: "a-long-analyst-password" });
    try {
      expect(await sqlLogin(cube, "analyst", "a-long-analyst-password")).toEqual({ sub: "analyst", role: "executive" });
      await expect(sqlLogin(cube, "analyst", "wrong")).rejects.toThrow(/Incorrect user name "analyst" or password/);
      await expect(sqlLogin(cube, "mallory", "a-long-analyst-password")).rejects.toThrow(/Incorrect user name "mallory"/);
      await expect(sqlLogin(cube, null, null)).rejects.toThrow(/Incorrect user name/);
    } finally {
      for (const k of ["CUBEJS_SQL_USER", "CUBEJS_SQL_PASSWORD"]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});

describe("cube.js (for Cube's own cubejs-server)", () => {
  it("is the same configuration with the serving defaults, and Cube accepts it", async () => {
    const saved = process.env["CUBEJS_API_SECRET"];
    process.env["CUBEJS_API_SECRET"] = SECRET;
    try {
      // @ts-expect-error cube.js is plain JavaScript (Cube loads it), without type declarations
      const { default: config } = (await import("../../cube.js")) as { default: Record<string, unknown> & { http: { cors: { origin: unknown } } } };
      expect(config).not.toHaveProperty("dbType");
      expect(config.http.cors.origin).toBe(false);
      const cube = createCubeServer(config);
      await stopCube(cube);
    } finally {
      if (saved === undefined) delete process.env["CUBEJS_API_SECRET"];
      else process.env["CUBEJS_API_SECRET"] = saved;
    }
  });
});
