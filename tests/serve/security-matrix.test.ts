/** Allowed and denied, for each role, through the server `promotor serve` builds, in-process:
 * REST requests through Cube's checkAuth middleware and ApiGateway.load; SQL API users through
 * Cube's SQLServer checkSqlAuth and ApiGateway.sqlApiLoad (the JavaScript half of the SQL API:
 * the Cube query cubesql makes of `SELECT … WHERE …`; turning SQL text into that query is Rust,
 * covered by sql-api.test.ts where the native module is installed). SMALL: north = anna (c1,
 * c2), south = bob (c3) and carl (c4); 12 responses, 6 per unit, 3 per customer. */
import jwt from "jsonwebtoken";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverConfig } from "../../src/serve/config.ts";
import { createCubeServer, sqlLogin, stopCube, type CubeServer } from "../../src/serve/cube.ts";
import { removeSnapshots, takeSnapshot } from "../../src/serve/snapshot.ts";
import type { SecurityContext } from "../../src/semantic/types.ts";
import { issueToken } from "../../src/token/token.ts";
import { buildFixtureWarehouse, SMALL } from "../semantic/fixture.ts";
import { restLoad } from "./cube-in-process.ts";

const SECRET = "security-matrix-secret-0123456789abcdef";
const tokenFor = (claims: Parameters<typeof issueToken>[0]) => issueToken(claims, { secret: SECRET }).token;
const EXEC = tokenFor({ role: "executive" });
const NORTH = tokenFor({ role: "business_unit", business_unit: "north" });
const ANNA = tokenFor({ role: "account_manager", account_manager: "anna" });
const ROLELESS = jwt.sign({ sub: "someone" }, SECRET, { algorithm: "HS256", expiresIn: "5m" });
const UNKNOWN_ROLE = jwt.sign({ role: "admin" }, SECRET, { algorithm: "HS256", expiresIn: "5m" });
const BU_WITHOUT_UNIT = jwt.sign({ role: "business_unit" }, SECRET, { algorithm: "HS256", expiresIn: "5m" });
const EXPIRED = issueToken({ role: "executive" }, { secret: SECRET, ttlSeconds: 60, now: new Date(Date.now() - 2 * 3_600_000) }).token;
const FORGED = issueToken({ role: "executive" }, { secret: "not-the-server-secret-0123456789abcdef" }).token;
const UNSIGNED = jwt.sign({ role: "executive" }, "", { algorithm: "none" });
const SQL_USERS = {
  ceo: { password: "ceo-password-long-enough", role: "executive" },
  north: { password: "north-password-long-enough", role: "business_unit", business_unit: "north" },
  anna: { password: "anna-password-long-enough", role: "account_manager", account_manager: "anna" },
  nobody: { password: "nobody-password-long-enough" },
};

describe("security matrix through the served Cube server", () => {
  let fixture: { path: string; dir: string; cleanup(): void };
  let cube: CubeServer;
  const saved = { secret: process.env["CUBEJS_API_SECRET"], users: process.env["PROMOTOR_SQL_USERS"] };

  beforeAll(async () => {
    process.env["CUBEJS_API_SECRET"] = SECRET;
    process.env["PROMOTOR_SQL_USERS"] = JSON.stringify(SQL_USERS);
    fixture = await buildFixtureWarehouse(SMALL, "secmatrix");
    const snapshot = await takeSnapshot(fixture.path, join(fixture.dir, "snapshots"));
    cube = createCubeServer(await serverConfig({ snapshotPath: snapshot.path }, { CUBEJS_API_SECRET: SECRET }));
  });
  afterAll(async () => {
    if (cube) await stopCube(cube);
    if (fixture) removeSnapshots(join(fixture.dir, "snapshots"));
    fixture?.cleanup();
    for (const [k, v] of [["CUBEJS_API_SECRET", saved.secret], ["PROMOTOR_SQL_USERS", saved.users]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  /** responses by a dimension, as a {value: count} map, through the REST path. */
  async function rest(token: string | undefined, dimension: string, filters: object[] = []): Promise<Record<string, number> | { status: number; error?: string }> {
    const answer = await restLoad(cube, token, { measures: ["nps.responses"], dimensions: [`nps.${dimension}`], filters });
    if (answer.status !== 200) return { status: answer.status, error: answer.error };
    return Object.fromEntries(answer.rows!.map((r) => [String(r[`nps.${dimension}`]), Number(r["nps.responses"])]));
  }

  /** The SQL API's JavaScript half: a SQL user's login, then the Cube query of its statement. */
  async function sql(user: string, password: string, query: object): Promise<Record<string, number>> {
    const securityContext: SecurityContext = await sqlLogin(cube, user, password);
    const gateway = cube.core.apiGateway() as unknown as {
      contextByReq(req: unknown, sc: unknown, id: string): Promise<Record<string, unknown>>;
      sqlApiLoad(request: Record<string, unknown>): Promise<void>;
    };
    const context = await gateway.contextByReq({ protocol: "postgres" }, securityContext, "sql-matrix");
    let answer: unknown;
    await gateway.sqlApiLoad({ query, context, memberExpressions: true, apiType: "sql", res: (r: unknown) => (answer = r) });
    const wrapper = answer as { error?: string; results?: { getArray(): Record<string, unknown>[]; getTransformData(): { aliasToMemberNameMap: Record<string, string> }[] }[] };
    if (!wrapper.results) throw new Error(`sqlApiLoad: ${String(wrapper.error)}`);
    const result = wrapper.results[0]!;
    const aliases = result.getTransformData()[0]!.aliasToMemberNameMap;
    const rows = result.getArray().map((row) => Object.fromEntries(Object.entries(row).map(([a, v]) => [aliases[a] ?? a, v])));
    const dimension = (query as { dimensions: string[] }).dimensions[0]!;
    return Object.fromEntries(rows.map((r) => [String(r[dimension]), Number(r["nps.responses"])]));
  }

  describe("REST API", () => {
    it("executive: every row", async () => {
      expect(await rest(EXEC, "business_unit")).toEqual({ north: 6, south: 6 });
    });

    it("business_unit: its unit only; asking for another unit by filter or dimension gets nothing more", async () => {
      expect(await rest(NORTH, "business_unit")).toEqual({ north: 6 });
      expect(await rest(NORTH, "business_unit", [{ member: "nps.business_unit", operator: "equals", values: ["south"] }])).toEqual({});
      expect(await rest(NORTH, "account_manager")).toEqual({ anna: 6 });
    });

    it("account_manager: own customers only, whether another manager's customers are asked for by filter or by dimension", async () => {
      expect(await rest(ANNA, "customer_id")).toEqual({ c1: 3, c2: 3 });
      // filter on the other manager, and on one of their customers
      expect(await rest(ANNA, "customer_id", [{ member: "nps.account_manager", operator: "equals", values: ["bob"] }])).toEqual({});
      expect(await rest(ANNA, "customer_id", [{ member: "nps.customer_id", operator: "equals", values: ["c3", "c4"] }])).toEqual({});
      // the manager as a dimension shows only the token's own
      expect(await rest(ANNA, "account_manager")).toEqual({ anna: 6 });
      // an OR filter cannot widen the policy either
      expect(
        await rest(ANNA, "customer_id", [{ or: [{ member: "nps.account_manager", operator: "equals", values: ["bob"] }, { member: "nps.account_manager", operator: "set" }] }]),
      ).toEqual({ c1: 3, c2: 3 });
    });

    it("cases (the follow-up view): an account manager sees the cases they own, a unit its own, the executive all; other owners by filter: nothing", async () => {
      const owners = async (token: string, filters: object[] = []) => {
        const answer = await restLoad(cube, token, { measures: ["cases.count"], dimensions: ["cases.owner"], filters });
        expect(answer.status).toBe(200);
        return Object.fromEntries(answer.rows!.map((r) => [String(r["cases.owner"]), Number(r["cases.count"])]));
      };
      // SMALL's detractor answers (0–6): anna r05 (c1), bob r03 (c3), carl r08 (c4), …
      const all = await owners(EXEC);
      expect(Object.keys(all).sort()).toEqual(["anna", "bob", "carl"]);
      expect(await owners(ANNA)).toEqual({ anna: all["anna"] });
      expect(await owners(ANNA, [{ member: "cases.owner", operator: "equals", values: ["bob"] }])).toEqual({});
      expect(await owners(ANNA, [{ member: "cases.customer_id", operator: "equals", values: ["c3", "c4"] }])).toEqual({});
      expect(await owners(NORTH)).toEqual({ anna: all["anna"] });
      // the recovery figures (cube case_recovery) follow the same policy
      const recovery = async (token: string) => {
        const answer = await restLoad(cube, token, { measures: ["cases.recovery_followed_up_answered", "cases.recovery_not_followed_up_answered"] });
        expect(answer.status).toBe(200);
        const r = answer.rows![0]!;
        return [Number(r["cases.recovery_followed_up_answered"]), Number(r["cases.recovery_not_followed_up_answered"])];
      };
      expect(await recovery(EXEC)).toEqual([all["anna"], all["bob"]! + all["carl"]!]);
      expect(await recovery(ANNA)).toEqual([all["anna"], 0]);
    });

    it("no role, an unknown role, or a role without its claim: refused with 403 and the reason, not an empty 200", async () => {
      expect(await rest(ROLELESS, "business_unit")).toEqual({ status: 403, error: expect.stringMatching(/names no role.*promotor token/) });
      expect(await rest(UNKNOWN_ROLE, "business_unit")).toEqual({ status: 403, error: expect.stringMatching(/role "admin" is unknown/) });
      expect(await rest(BU_WITHOUT_UNIT, "business_unit")).toEqual({ status: 403, error: expect.stringMatching(/needs the business_unit claim/) });
    });

    it("expired, wrongly signed, unsigned and missing tokens: 403 with the reason", async () => {
      expect(await rest(EXPIRED, "business_unit")).toEqual({ status: 403, error: expect.stringMatching(/expired/) });
      expect(await rest(FORGED, "business_unit")).toEqual({ status: 403, error: expect.stringMatching(/invalid signature/) });
      expect(await rest(UNSIGNED, "business_unit")).toEqual({ status: 403, error: expect.stringMatching(/token refused: jwt signature is required/) });
      expect(await rest(undefined, "business_unit")).toEqual({ status: 403, error: expect.stringMatching(/no token was given/) });
      expect(await rest("Bearer not-a-jwt", "business_unit")).toEqual({ status: 403, error: expect.stringMatching(/token refused: jwt malformed/) });
    });
  });

  describe("SQL API users (login through Cube's SQLServer, queries through ApiGateway.sqlApiLoad)", () => {
    const byUnit = { measures: ["nps.responses"], dimensions: ["nps.business_unit"] };
    const byCustomer = (filters: object[] = []) => ({ measures: ["nps.responses"], dimensions: ["nps.customer_id"], filters });

    it("executive, business_unit, account_manager and a user without a role each see their rows", async () => {
      expect(await sql("ceo", SQL_USERS.ceo.password, byUnit)).toEqual({ north: 6, south: 6 });
      expect(await sql("north", SQL_USERS.north.password, byUnit)).toEqual({ north: 6 });
      expect(await sql("anna", SQL_USERS.anna.password, byCustomer())).toEqual({ c1: 3, c2: 3 });
      expect(await sql("nobody", SQL_USERS.nobody.password, byUnit)).toEqual({});
    });

    it("an account manager's WHERE on another manager's customers returns nothing", async () => {
      // SELECT customer_id, MEASURE(responses) FROM nps WHERE account_manager = 'bob' GROUP BY 1
      expect(await sql("anna", SQL_USERS.anna.password, byCustomer([{ member: "nps.account_manager", operator: "equals", values: ["bob"] }]))).toEqual({});
      // … WHERE customer_id IN ('c3', 'c4')
      expect(await sql("anna", SQL_USERS.anna.password, byCustomer([{ member: "nps.customer_id", operator: "equals", values: ["c3", "c4"] }]))).toEqual({});
    });

    it("cases through the SQL API: an account manager's WHERE on another owner returns nothing", async () => {
      const securityContext: SecurityContext = await sqlLogin(cube, "anna", SQL_USERS.anna.password);
      const gateway = cube.core.apiGateway() as unknown as {
        contextByReq(req: unknown, sc: unknown, id: string): Promise<Record<string, unknown>>;
        sqlApiLoad(request: Record<string, unknown>): Promise<void>;
      };
      const context = await gateway.contextByReq({ protocol: "postgres" }, securityContext, "sql-cases");
      const load = async (filters: object[]) => {
        let answer: unknown;
        await gateway.sqlApiLoad({ query: { measures: ["cases.count"], dimensions: ["cases.owner"], filters }, context, memberExpressions: true, apiType: "sql", res: (r: unknown) => (answer = r) });
        const wrapper = answer as { error?: string; results?: { getArray(): Record<string, unknown>[] }[] };
        if (!wrapper.results) throw new Error(`sqlApiLoad: ${String(wrapper.error)}`);
        return wrapper.results[0]!.getArray().length;
      };
      expect(await load([])).toBe(1); // anna's own
      expect(await load([{ member: "cases.owner", operator: "equals", values: ["bob"] }])).toBe(0);
    });

    it("refuses a wrong password, another user's password and an unknown user", async () => {
      await expect(sqlLogin(cube, "anna", "wrong")).rejects.toThrow(/Incorrect user name "anna" or password/);
      await expect(sqlLogin(cube, "anna", SQL_USERS.ceo.password)).rejects.toThrow(/Incorrect user name/);
      await expect(sqlLogin(cube, "root", "x")).rejects.toThrow(/Incorrect user name "root"/);
    });
  });
});
