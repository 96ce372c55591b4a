/** The worked SQL API queries from docs/serving.md, sent with a real Postgres client (pg) to
 * `promotor serve`, must answer what `promotor query` answers for the same question. Needs Cube's
 * native module: skipped here with the reason printed, runs unchanged where it is installed. */
import { execFile, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixtureWarehouse, generatedResponses } from "../semantic/fixture.ts";
import { freePort, hasNative, noNativeReason, startServe, stopChild } from "./helpers.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const SECRET = "sql-api-test-secret-0123456789abcdef";

if (!hasNative) console.warn(`SQL API tests skipped: ${noNativeReason}`);

describe.skipIf(!hasNative)("SQL API (Postgres protocol) against promotor query", () => {
  let server: ChildProcess | undefined;
  let fixture: { path: string; cleanup(): void };
  let client: pg.Client;
  let sqlPort = 0;

  const query = async (q: object): Promise<Record<string, unknown>[]> => {
    const { stdout } = await run(process.execPath, [join(root, "bin", "promotor.mjs"), "--warehouse", fixture.path, "query", JSON.stringify(q), "--format", "json"], { cwd: root });
    return JSON.parse(stdout) as Record<string, unknown>[];
  };

  beforeAll(async () => {
    fixture = await buildFixtureWarehouse(generatedResponses(800, 5), "sqlapi");
    const sql = await freePort();
    ({ child: server } = await startServe(["--warehouse", fixture.path, "serve", "--sql-port", String(sql)], {
      CUBEJS_API_SECRET: SECRET,
      CUBEJS_SQL_USER: "analyst",
      CUBEJS_SQL_PASSWORD: "analyst-password",
    }));
    sqlPort = sql;
    client = new pg.Client({ host: "127.0.0.1", port: sql, user: "analyst", password: "analyst-password", database: "promotor", connectionTimeoutMillis: 10_000 });
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    await client?.end().catch(() => undefined);
    await stopChild(server);
    fixture?.cleanup();
  });

  it("refuses a wrong password and an unknown user over the wire", async () => {
    for (const [user, password] of [["analyst", "wrong-password"], ["mallory", "analyst-password"]] as const) {
      const other = new pg.Client({ host: "127.0.0.1", port: sqlPort, user, password, database: "promotor", connectionTimeoutMillis: 10_000 });
      await expect(other.connect()).rejects.toThrow(/Incorrect user name|password/);
      await other.end().catch(() => undefined);
    }
  });

  it("touchpoint NPS: SELECT touchpoint, MEASURE(score) FROM nps GROUP BY 1", async () => {
    const { rows } = await client.query("SELECT touchpoint, MEASURE(score) AS nps, MEASURE(responses) AS responses FROM nps WHERE survey_type = 'touchpoint' GROUP BY 1 ORDER BY 1");
    const expected = await query({ measures: ["nps.score", "nps.responses"], dimensions: ["nps.touchpoint"], filters: [{ member: "nps.survey_type", operator: "equals", values: ["touchpoint"] }], order: { "nps.touchpoint": "asc" } });
    expect(rows.map((r) => r.touchpoint)).toEqual(expected.map((r) => r["nps.touchpoint"]));
    rows.forEach((r, i) => {
      expect(Number(r.nps)).toBeCloseTo(Number(expected[i]!["nps.score"]), 6);
      expect(Number(r.responses)).toBe(Number(expected[i]!["nps.responses"]));
    });
  });

  it("KRS by month", async () => {
    const { rows } = await client.query("SELECT DATE_TRUNC('month', answered_at) AS month, MEASURE(score) AS krs, MEASURE(responses) AS responses FROM krs GROUP BY 1 ORDER BY 1");
    const expected = await query({ measures: ["krs.score", "krs.responses"], timeDimensions: [{ dimension: "krs.answered_at", granularity: "month" }], order: { "krs.answered_at": "asc" } });
    expect(rows).toHaveLength(expected.length);
    rows.forEach((r, i) => {
      expect(new Date(r.month).toISOString().slice(0, 7)).toBe(String(expected[i]!["krs.answered_at.month"]).slice(0, 7));
      expect(Number(r.krs)).toBeCloseTo(Number(expected[i]!["krs.score"]), 6);
    });
  });

  it("drivers: importance and performance", async () => {
    const { rows } = await client.query("SELECT driver, MEASURE(importance) AS importance, MEASURE(performance) AS performance FROM drivers GROUP BY 1 ORDER BY 1");
    const expected = await query({ measures: ["drivers.importance", "drivers.performance"], dimensions: ["drivers.driver"], order: { "drivers.driver": "asc" } });
    expect(rows.map((r) => r.driver)).toEqual(expected.map((r) => r["drivers.driver"]));
    rows.forEach((r, i) => {
      expect(Number(r.importance)).toBeCloseTo(Number(expected[i]!["drivers.importance"]), 6);
      expect(Number(r.performance)).toBeCloseTo(Number(expected[i]!["drivers.performance"]), 6);
    });
  });
});
