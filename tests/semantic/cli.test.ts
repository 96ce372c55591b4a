/** `promotor query` end to end through main(): table/JSON/CSV output, --sql, roles, errors. */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { parseQueryArgs } from "../../src/cli/commands/query.ts";
import jwt from "jsonwebtoken";
import { issueToken } from "../../src/token/token.ts";
import { buildFixtureWarehouse, SMALL } from "./fixture.ts";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr } as never);
  return { code, out: stdout.text, err: stderr.text };
}

describe("promotor query", () => {
  let warehouse: string;
  let cleanup: () => void;
  beforeAll(async () => {
    const fx = await buildFixtureWarehouse(SMALL, "cli");
    warehouse = fx.path;
    cleanup = fx.cleanup;
  });
  afterAll(() => cleanup?.());

  const q = JSON.stringify({ measures: ["nps.responses", "nps.score"], dimensions: ["nps.business_unit"], order: { "nps.business_unit": "asc" } });

  it("prints an aligned table", async () => {
    const { code, out } = await run("--warehouse", warehouse, "query", q);
    expect(code).toBe(0);
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^nps\.business_unit\s+nps\.responses\s+nps\.score$/);
    // north: r01 P, r02 P, r05 D, r07 Pa, r09 P, r11 P -> (4 - 1) / 6 = 50; south: r04 Pa, r06 P, r03/r08/r10/r12 D -> (1 - 4) / 6 = -50
    expect(lines[2]).toMatch(/^north\s+6\s+50$/);
    expect(lines[3]).toMatch(/^south\s+6\s+-50$/);
    const header = lines[0]!;
    expect(lines[2]!.length).toBe(header.length);
  });

  it("prints JSON and CSV", async () => {
    const json = await run("--warehouse", warehouse, "query", q, "--format", "json");
    expect(JSON.parse(json.out)).toEqual([
      { "nps.business_unit": "north", "nps.responses": 6, "nps.score": 50 },
      { "nps.business_unit": "south", "nps.responses": 6, "nps.score": -50 },
    ]);
    const csv = await run("--warehouse", warehouse, "query", q, "--format=csv");
    expect(csv.out).toBe("nps.business_unit,nps.responses,nps.score\nnorth,6,50\nsouth,6,-50\n");
  });

  it("--sql shows the SQL Cube generated", async () => {
    const { code, out } = await run("--warehouse", warehouse, "query", q, "--sql");
    expect(code).toBe(0);
    expect(out).toMatch(/^SELECT/);
    expect(out).toContain(`marts.fct_nps_responses AS "nps_responses"`);
    expect(out).toContain(`"nps__score"`);
  });

  it("applies --role/--business-unit and --token through the same security", async () => {
    const bu = await run("--warehouse", warehouse, "query", q, "--business-unit", "south", "--format", "csv");
    expect(bu.out).toBe("nps.business_unit,nps.responses,nps.score\nsouth,6,-50\n");
    const saved = process.env["CUBEJS_API_SECRET"];
    const secret = "cli-test-secret-0123456789abcdef0123";
    process.env["CUBEJS_API_SECRET"] = secret;
    try {
      const token = issueToken({ role: "account_manager", account_manager: "carl" }, { secret }).token;
      const am = await run("--warehouse", warehouse, "query", q, "--token", token, "--format", "csv");
      // carl: r04 (8, passive), r08 (0), r12 (4) -> (0 - 2) / 3
      expect(am.out).toBe("nps.business_unit,nps.responses,nps.score\nsouth,3,-66.66666666666667\n");
      const bad = await run("--warehouse", warehouse, "query", q, "--token", issueToken({ role: "executive" }, { secret: "wrong-".repeat(8) }).token);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/token refused: invalid signature/);
      // The same refusals as the server's (tests/token/token.test.ts): no exp, 30 days, unknown role.
      const now = Math.floor(Date.now() / 1000);
      for (const [payload, reason] of [
        [{ role: "executive", iat: now }, /no expiry/],
        [{ role: "executive", iat: now, exp: now + 30 * 86400 }, /at most 24 h/],
        [{ role: "auditor", iat: now, exp: now + 60 }, /role "auditor" is unknown/],
      ] as const) {
        const refused = await run("--warehouse", warehouse, "query", q, "--token", jwt.sign(payload, secret, { algorithm: "HS256" }));
        expect(refused.code, String(reason)).toBe(2);
        expect(refused.err).toMatch(reason);
        expect(refused.out).toBe("");
      }
      process.env["CUBEJS_API_SECRET"] = "short";
      const short = await run("--warehouse", warehouse, "query", q, "--token", token);
      expect(short.code).toBe(2);
      expect(short.err).toMatch(/CUBEJS_API_SECRET is 5 bytes long/);
    } finally {
      if (saved === undefined) delete process.env["CUBEJS_API_SECRET"];
      else process.env["CUBEJS_API_SECRET"] = saved;
    }
  });

  it("a bad member name gives Cube's error plus close matches", async () => {
    const { code, err } = await run("--warehouse", warehouse, "query", '{"measures":["nps.scor"],"dimensions":["nps.touchpont"]}');
    expect(code).toBe(2);
    expect(err).toMatch(/not found for path 'nps\.(scor|touchpont)'/);
    expect(err).toMatch(/did you mean nps\.score\b/);
  });

  it("refuses bad JSON, unknown options and incomplete roles", async () => {
    expect((await run("--warehouse", warehouse, "query", "{measures")).err).toMatch(/not valid JSON/);
    expect(() => parseQueryArgs([q, "--frobnicate"])).toThrow(/unknown option/);
    expect(() => parseQueryArgs([q, "--role", "business_unit"])).toThrow(/needs --business-unit/);
    expect(() => parseQueryArgs([q, "--format", "xml"])).toThrow(/unknown --format/);
    expect(parseQueryArgs([q]).security).toEqual({ role: "executive" });
  });

  it("a missing warehouse is named with a fix", async () => {
    const { code, err } = await run("--warehouse", "/nonexistent/promotor.duckdb", "query", q);
    expect(code).toBe(2);
    expect(err).toMatch(/warehouse not found: \/nonexistent\/promotor.duckdb/);
    expect(err).toMatch(/promotor build/);
  });
});
