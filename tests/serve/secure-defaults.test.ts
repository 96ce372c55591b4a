/** Secure by default (issue #11): loopback unless --host says otherwise, no default SQL password,
 * a 32-byte API secret, CORS only for configured origins; and `promotor serve --check`, which
 * validates the whole configuration with Cube's own classes and exits 0 without the native module. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openHostWarning, requireServerSecret, resolveCorsOrigins, resolveHost, resolveSqlApi } from "../../src/serve/config.ts";
import { serve, type RunningServer } from "../../src/serve/server.ts";
import { ensureApiSecret } from "../../src/token/secret.ts";
import { buildFixtureWarehouse, SMALL } from "../semantic/fixture.ts";
import { hasNative } from "./helpers.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const SECRET = "secure-defaults-secret-0123456789abcdef";

describe("secure defaults", () => {
  it("binds 127.0.0.1 unless --host or PROMOTOR_HOST says otherwise, and warns when opened", () => {
    expect(resolveHost(undefined, {})).toBe("127.0.0.1");
    expect(resolveHost(undefined, { PROMOTOR_HOST: "0.0.0.0" })).toBe("0.0.0.0");
    expect(resolveHost("10.1.2.3", { PROMOTOR_HOST: "0.0.0.0" })).toBe("10.1.2.3");
    expect(openHostWarning("127.0.0.1")).toBeUndefined();
    expect(openHostWarning("localhost")).toBeUndefined();
    expect(openHostWarning("0.0.0.0")).toMatch(/reachable from other machines/);
  });

  it("refuses a missing or short CUBEJS_API_SECRET, naming the fix", () => {
    expect(() => requireServerSecret({ CUBEJS_API_SECRET: "short-secret" })).toThrow(/CUBEJS_API_SECRET is 12 bytes long; tokens need a secret of at least 32 bytes/);
    try {
      requireServerSecret({ CUBEJS_API_SECRET: "x".repeat(31) });
    } catch (error) {
      expect((error as { hint?: string }).hint).toContain("openssl rand -hex 32");
    }
    expect(requireServerSecret({ CUBEJS_API_SECRET: "x".repeat(32) })).toBe("x".repeat(32));
  });

  it("uses the local secret of promotor start on loopback only, and never when CUBEJS_API_SECRET is set", () => {
    const root = mkdtempSync(join(tmpdir(), "promotor-local-secret-"));
    try {
      expect(() => requireServerSecret({}, "127.0.0.1", root)).toThrow(/no API secret/);
      const local = ensureApiSecret({ env: {}, root }).secret.value;
      expect(requireServerSecret({}, "127.0.0.1", root)).toBe(local);
      expect(requireServerSecret({}, "localhost", root)).toBe(local);
      expect(() => requireServerSecret({}, "0.0.0.0", root)).toThrow(/would listen on 0\.0\.0\.0, beyond this machine, with the local API secret/);
      expect(requireServerSecret({ CUBEJS_API_SECRET: "e".repeat(40) }, "0.0.0.0", root)).toBe("e".repeat(40));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("has no default SQL password: the SQL API stays off without one, and a user without a password is refused", () => {
    expect(resolveSqlApi({}, {})).toEqual({ enabled: false, reason: expect.stringMatching(/CUBEJS_SQL_PASSWORD/) });
    expect(() => resolveSqlApi({}, { CUBEJS_SQL_USER: "analyst" })).toThrow(/CUBEJS_SQL_PASSWORD is not: the SQL API will not start without a password/);
    expect(() => resolveSqlApi({ sqlPortGiven: true }, {})).toThrow(/--sql-port was given/);
    expect(resolveSqlApi({}, { CUBEJS_SQL_USER: "analyst", CUBEJS_SQL_PASSWORD: "pw" })).toEqual({ enabled: true });
    expect(resolveSqlApi({ noSqlApi: true }, { CUBEJS_SQL_USER: "analyst", CUBEJS_SQL_PASSWORD: "pw" }).enabled).toBe(false);
  });

  it("accepts only explicit origins for CORS", () => {
    expect(resolveCorsOrigins(undefined, {})).toEqual([]);
    expect(resolveCorsOrigins(undefined, { PROMOTOR_CORS_ORIGINS: "https://intranet.example.nl, http://localhost:8080/" })).toEqual(["https://intranet.example.nl", "http://localhost:8080"]);
    expect(() => resolveCorsOrigins("*", {})).toThrow(/not an origin/);
    expect(() => resolveCorsOrigins("https://intranet.example.nl/page", {})).toThrow(/not an origin/);
    expect(() => resolveCorsOrigins("intranet", {})).toThrow(/not an origin/);
  });
});

describe("CORS on the served REST API", () => {
  let fixture: { path: string; cleanup(): void };
  let rootDir: string;
  let running: RunningServer | undefined;
  const saved = process.env["CUBEJS_API_SECRET"];
  beforeAll(async () => {
    process.env["CUBEJS_API_SECRET"] = SECRET;
    fixture = await buildFixtureWarehouse(SMALL, "cors");
    rootDir = mkdtempSync(join(tmpdir(), "promotor-cors-"));
    running = await serve({ root: rootDir, warehouse: fixture.path, host: "127.0.0.1", ports: { api: 0, sql: 0 }, sqlApi: false, corsOrigins: ["https://intranet.example.nl"], reloadIntervalMs: 0, log: () => undefined });
  });
  afterAll(async () => {
    await running?.stop();
    fixture?.cleanup();
    if (rootDir) rmSync(rootDir, { recursive: true, force: true });
    if (saved === undefined) delete process.env["CUBEJS_API_SECRET"];
    else process.env["CUBEJS_API_SECRET"] = saved;
  });

  const preflight = (origin: string) =>
    fetch(`http://127.0.0.1:${running!.apiPort}/cubejs-api/v1/load`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });

  it("allows the configured intranet origin, and no other", async () => {
    const allowed = await preflight("https://intranet.example.nl");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://intranet.example.nl");
    expect(allowed.headers.get("access-control-allow-headers")).toMatch(/authorization/);
    const other = await preflight("https://evil.example.com");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("promotor serve --check", () => {
  let fixture: { path: string; cleanup(): void };
  beforeAll(async () => {
    fixture = await buildFixtureWarehouse(SMALL, "servecheck");
  });
  afterAll(() => fixture?.cleanup());

  const check = (env: NodeJS.ProcessEnv, extra: string[] = []) =>
    run(process.execPath, [join(root, "bin", "promotor.mjs"), "--warehouse", fixture.path, "serve", "--check", ...extra], {
      cwd: root,
      env: { ...process.env, CUBEJS_SQL_USER: "", CUBEJS_SQL_PASSWORD: "", PROMOTOR_SQL_USERS: "", ...env },
      timeout: 60_000,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it("exits 0 for a valid configuration, with the native module's status on its own line", async () => {
    const r = await check({ CUBEJS_API_SECRET: SECRET });
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(hasNative ? /^native module: @cubejs-backend\/native \S+ loaded$/ : /^native module: @cubejs-backend\/native \S+ missing \(Unable to load/);
    expect(r.stdout).toMatch(/configuration: valid \(Cube 1\.7\.43 accepted it; data source type duckdb; 10 views: cases, ces, csat, drivers, invitations, krs, nps, value, value_revenue, value_trend; 12 responses/);
    expect(r.stdout).toContain("REST API: would listen on http://127.0.0.1:4000/cubejs-api/v1 (this machine only)");
    expect(r.stdout).toMatch(/SQL API: off: no SQL user with a password/);
  });

  it("exits non-zero with the error and the fix for an invalid configuration", async () => {
    const short = await check({ CUBEJS_API_SECRET: "too-short" });
    expect(short.code).not.toBe(0);
    expect(short.stderr).toMatch(/not valid: CUBEJS_API_SECRET is 9 bytes long[\s\S]*fix: export CUBEJS_API_SECRET/);
    const noPassword = await check({ CUBEJS_API_SECRET: SECRET, CUBEJS_SQL_USER: "analyst" });
    expect(noPassword.code).not.toBe(0);
    expect(noPassword.stderr).toMatch(/CUBEJS_SQL_PASSWORD is not/);
    const missing = await run(process.execPath, [join(root, "bin", "promotor.mjs"), "--warehouse", join(tmpdir(), "no-such-warehouse.duckdb"), "serve", "--check"], {
      cwd: root,
      env: { ...process.env, CUBEJS_API_SECRET: SECRET },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/warehouse not found[\s\S]*fix: build it first/);
  });
});

describe("logs", () => {
  it("never carry a whole token: Cube's logger gets it cut short", async () => {
    const { redactingLogger } = await import("../../src/serve/config.ts");
    const logged: unknown[] = [];
    const token = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiZXhlY3V0aXZlIn0.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw";
    redactingLogger({}, (message, params) => logged.push({ message, ...params }))("Invalid token", { token, url: "/cubejs-api/v1/load" });
    expect(logged).toEqual([{ message: "Invalid token", token: "eyJhbGciOiJI… (redacted)", url: "/cubejs-api/v1/load" }]);
    expect(JSON.stringify(logged)).not.toContain("c2lnbmF0dXJl");
  });
});
