/** Security through the compiled model: Cube's access policies (contextToGroups from the role
 * claim) really restrict rows; JWT and SQL-user checks refuse what they must. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkAuth,
  contextToGroups,
  createSemanticLayer,
  makeCheckSqlAuth,
  normalizeSecurityContext,
  sqlUsersFromEnv,
} from "../../src/semantic/index.ts";
import type { SemanticLayer } from "../../src/semantic/types.ts";
import { issueToken } from "../../src/token/token.ts";
import { buildFixtureWarehouse, SMALL } from "./fixture.ts";

const SECRET = "test-secret-not-used-anywhere-else-0123456789";

describe("row-level security through the compiled model", () => {
  let layer: SemanticLayer;
  let cleanup: () => void;
  beforeAll(async () => {
    const fx = await buildFixtureWarehouse(SMALL, "security");
    cleanup = fx.cleanup;
    layer = await createSemanticLayer({ warehouse: fx.path });
  });
  afterAll(async () => {
    await layer?.close();
    cleanup?.();
  });

  const responsesBy = async (view: string, dimension: string, security: Parameters<SemanticLayer["load"]>[1]) => {
    const measure = view === "drivers" ? "ratings" : "responses";
    const { data } = await layer.load({ measures: [`${view}.${measure}`], dimensions: [`${view}.${dimension}`] }, security);
    return Object.fromEntries(data.map((r) => [String(r[`${view}.${dimension}`]), r[`${view}.${measure}`]]));
  };

  it("executive sees every response", async () => {
    expect(await responsesBy("nps", "business_unit", { role: "executive" })).toEqual({ north: 6, south: 6 });
  });

  it("business-unit role sees only its unit, in every view", async () => {
    expect(await responsesBy("nps", "business_unit", { role: "business_unit", business_unit: "south" })).toEqual({ south: 6 });
    // krs: south has r03, r06, r08, r12 with all three items
    expect(await responsesBy("krs", "business_unit", { role: "business_unit", business_unit: "south" })).toEqual({ south: 4 });
    expect(await responsesBy("csat", "business_unit", { role: "business_unit", business_unit: "north" })).toEqual({ north: 6 });
    expect(await responsesBy("drivers", "business_unit", { role: "business_unit", business_unit: "south" })).toEqual({ south: 20 });
  });

  it("a repeated query is compiled once, but never answered with another person's rows", async () => {
    // The layer keeps prepared queries by (query, security context); the same question in
    // alternating contexts must keep each context's answer (denied rows stay denied).
    for (let round = 0; round < 2; round++) {
      expect(await responsesBy("nps", "business_unit", { role: "executive" })).toEqual({ north: 6, south: 6 });
      expect(await responsesBy("nps", "business_unit", { role: "business_unit", business_unit: "south" })).toEqual({ south: 6 });
      expect(await responsesBy("nps", "business_unit", { role: "business_unit", business_unit: "north" })).toEqual({ north: 6 });
    }
    const first = await layer.load({ measures: ["nps.responses"] }, { role: "business_unit", business_unit: "south" });
    first.query["measures"] = ["nps.score"]; // a caller changing its result must not change the cache
    const again = await layer.load({ measures: ["nps.responses"] }, { role: "business_unit", business_unit: "south" });
    expect(again.data).toEqual([{ "nps.responses": 6 }]);
    expect(again.query["measures"]).toEqual(["nps.responses"]);
  });

  it("account manager sees only the responses of their own customers", async () => {
    expect(await responsesBy("nps", "customer_id", { role: "account_manager", account_manager: "anna" })).toEqual({ c1: 3, c2: 3 });
    expect(await responsesBy("nps", "customer_id", { role: "account_manager", account_manager: "carl" })).toEqual({ c4: 3 });
    // filters in the query cannot widen it
    const { data } = await layer.load(
      { measures: ["nps.responses"], filters: [{ member: "nps.account_manager", operator: "equals", values: ["bob"] }] },
      { role: "account_manager", account_manager: "anna" },
    );
    expect(data[0]!["nps.responses"]).toBe(0);
  });

  it("the restriction is in the SQL Cube generates (and a quote in a claim stays a literal)", async () => {
    const sql = await layer.sql({ measures: ["nps.score"] }, { role: "account_manager", account_manager: "o'brien" });
    expect(sql).toContain(`account_manager = 'o''brien'`);
  });

  it("a token without a role, an unknown role or a role without its claim sees nothing", async () => {
    for (const security of [{}, { role: "admin" }, { role: "business_unit" }, { role: "account_manager", account_manager: "" }]) {
      const { data } = await layer.load({ measures: ["nps.responses"], dimensions: ["nps.business_unit"] }, security);
      expect(data, JSON.stringify(security)).toEqual([]);
    }
  });

  it("pre-aggregations never bypass the row filter", async () => {
    const q = { measures: ["nps.responses"], dimensions: ["nps.touchpoint"], timeDimensions: [{ dimension: "nps.answered_at", granularity: "month" as const }] };
    const exec = await layer.load(q, { role: "executive" });
    const bu = await layer.load(q, { role: "business_unit", business_unit: "north" });
    expect(exec.preAggregation).toBe("nps_responses.nps_by_touchpoint_month");
    expect(bu.preAggregation).toBeUndefined();
    expect(bu.data.reduce((a, r) => a + (r["nps.responses"] as number), 0)).toBe(6);
  });
});

describe("security context and groups", () => {
  it("maps complete roles to one group, anything else to none", () => {
    expect(contextToGroups({ securityContext: { role: "executive" } })).toEqual(["executive"]);
    expect(contextToGroups({ securityContext: { role: "business_unit", business_unit: "north" } })).toEqual(["business_unit"]);
    expect(contextToGroups({ securityContext: { role: "business_unit" } })).toEqual([]);
    expect(contextToGroups({ securityContext: { role: "root" } })).toEqual([]);
    expect(contextToGroups({ securityContext: undefined })).toEqual([]);
    expect(normalizeSecurityContext({ role: "account_manager", account_manager: "anna", business_unit: "x" })).toEqual({ role: "account_manager", account_manager: "anna" });
  });
});

describe("JWT (checkAuth)", () => {
  it("reads the secret from CUBEJS_API_SECRET and refuses a wrongly signed token", async () => {
    const saved = process.env["CUBEJS_API_SECRET"];
    process.env["CUBEJS_API_SECRET"] = SECRET;
    try {
      const req: { securityContext?: unknown } = {};
      const token = issueToken({ role: "business_unit", business_unit: "north" }, { secret: SECRET }).token;
      await checkAuth(req, token);
      expect(req.securityContext).toEqual({ role: "business_unit", business_unit: "north" });
      await expect(checkAuth({}, "garbage")).rejects.toThrow(/token refused: jwt malformed/);
      await expect(checkAuth({}, issueToken({ role: "executive" }, { secret: "y".repeat(40) }).token)).rejects.toThrow(/invalid signature/);
    } finally {
      if (saved === undefined) delete process.env["CUBEJS_API_SECRET"];
      else process.env["CUBEJS_API_SECRET"] = saved;
    }
  });
});

describe("SQL API users (checkSqlAuth)", () => {
  const env = {
    CUBEJS_SQL_USER: "analyst",
    CUBEJS_SQL_PASSWORD: "pw1",
    PROMOTOR_SQL_USERS: JSON.stringify({ anna: { password: "pw2", role: "account_manager", account_manager: "anna" }, nobody: { password: "pw3" } }),
  };
  const check = makeCheckSqlAuth(() => sqlUsersFromEnv(env));

  it("returns each user's password (Cube compares it) and row-level context", async () => {
    expect(await check({}, "analyst", "pw1")).toEqual({ password: "pw1", superuser: false, securityContext: { sub: "analyst", role: "executive" } });
    expect((await check({}, "anna", "pw2")).securityContext).toEqual({ sub: "anna", role: "account_manager", account_manager: "anna" });
    expect((await check({}, "nobody", "pw3")).securityContext).toEqual({ sub: "nobody" });
  });

  it("refuses unknown users and bad configuration", async () => {
    await expect(check({}, "mallory", "x")).rejects.toThrow(/Incorrect user name/);
    await expect(check({}, null, null)).rejects.toThrow(/Incorrect user name/);
    expect(() => sqlUsersFromEnv({ PROMOTOR_SQL_USERS: "{not json" })).toThrow(/not valid JSON/);
    expect(() => sqlUsersFromEnv({ PROMOTOR_SQL_USERS: JSON.stringify({ x: { role: "executive" } }) })).toThrow(/no password/);
    expect(sqlUsersFromEnv({ CUBEJS_SQL_USER: "only-user" }).size).toBe(0);
  });
});
