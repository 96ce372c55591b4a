import { createHmac } from "node:crypto";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { tokenCommand } from "../../src/cli/commands/token.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { apiSecret, issueToken, parseDuration, verifyToken } from "../../src/token/token.ts";

const SECRET = "test-secret-0123456789abcdef0123456789abcdef";
const NOW = new Date("2026-11-02T09:00:00Z");

/** Independent JWT check: recompute the HS256 signature with node:crypto and decode the payload. */
function decodeIndependently(token: string, secret: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signatureOk: boolean } {
  const [h, p, s] = token.split(".");
  const expected = createHmac("sha256", secret).update(`${h}.${p}`).digest("base64url");
  return {
    header: JSON.parse(Buffer.from(h!, "base64url").toString("utf8")),
    payload: JSON.parse(Buffer.from(p!, "base64url").toString("utf8")),
    signatureOk: expected === s,
  };
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { chunks.push(String(chunk)); cb(); } });
  return { stream, text: () => chunks.join("") };
}

describe("issueToken", () => {
  it("signs HS256 claims with the secret, expiring 15 minutes after issue by default", () => {
    const { token, expiresAt } = issueToken({ role: "business_unit", business_unit: "Retail" }, { secret: SECRET, now: NOW });
    const { header, payload, signatureOk } = decodeIndependently(token, SECRET);
    expect(signatureOk).toBe(true);
    expect(header["alg"]).toBe("HS256");
    expect(payload).toEqual({ role: "business_unit", business_unit: "Retail", iat: 1793610000, exp: 1793610000 + 900 });
    expect(expiresAt.toISOString()).toBe("2026-11-02T09:15:00.000Z");
    // 2026-11-02T09:00:00Z in epoch seconds, counted by hand: Date.UTC agrees.
    expect(Date.UTC(2026, 10, 2, 9, 0, 0) / 1000).toBe(1793610000);
  });

  it("verifies within its lifetime and returns the claims", () => {
    const { token } = issueToken({ role: "account_manager", account_manager: "Sanne de Vries" }, { secret: SECRET, now: NOW, ttlSeconds: 3600 });
    const claims = verifyToken(token, SECRET, new Date(NOW.getTime() + 59 * 60 * 1000));
    expect(claims.role).toBe("account_manager");
    expect(claims.account_manager).toBe("Sanne de Vries");
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it("rejects an expired token", () => {
    const { token } = issueToken({ role: "executive" }, { secret: SECRET, now: NOW });
    expect(() => verifyToken(token, SECRET, new Date(NOW.getTime() + 16 * 60 * 1000))).toThrow(/expired/);
  });

  it("rejects a token signed with another secret", () => {
    const { token } = issueToken({ role: "executive" }, { secret: "another-secret-of-someone-else", now: NOW });
    expect(() => verifyToken(token, SECRET, NOW)).toThrow(/invalid signature/);
  });

  it("rejects a tampered payload (role raised to executive) even though it decodes fine", () => {
    const { token } = issueToken({ role: "business_unit", business_unit: "Retail" }, { secret: SECRET, now: NOW });
    const [h, p, s] = token.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString("utf8"));
    payload.role = "executive";
    delete payload.business_unit;
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
    expect(decodeIndependently(forged, SECRET).signatureOk).toBe(false);
    expect(() => verifyToken(forged, SECRET, NOW)).toThrow(/token rejected/);
  });

  it("rejects an unsigned (alg none) token", () => {
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify({ role: "executive", iat: 1793610000, exp: 1793610900 })).toString("base64url");
    expect(() => verifyToken(`${header}.${payload}.`, SECRET, NOW)).toThrow(/token rejected/);
  });

  it("refuses scopes that do not fit the role", () => {
    expect(() => issueToken({ role: "business_unit" }, { secret: SECRET })).toThrow(/needs --business-unit/);
    expect(() => issueToken({ role: "account_manager" }, { secret: SECRET })).toThrow(/needs --account-manager/);
    expect(() => issueToken({ role: "executive", business_unit: "Retail" }, { secret: SECRET })).toThrow(/executive sees everything/);
    expect(() => issueToken({ role: "admin" as never }, { secret: SECRET })).toThrow(/unknown role "admin"/);
  });
});

describe("parseDuration", () => {
  it("reads units and bounds the lifetime to 24 h", () => {
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration("15m")).toBe(900);
    expect(parseDuration("2h")).toBe(7200);
    expect(parseDuration("1d")).toBe(86400);
    expect(() => parseDuration("25h")).toThrow(/24 h maximum/);
    expect(() => parseDuration("0m")).toThrow(/not positive/);
    expect(() => parseDuration("soon")).toThrow(/cannot read/);
  });
});

describe("apiSecret", () => {
  it("refuses when CUBEJS_API_SECRET is unset or blank, naming the variable", () => {
    expect(() => apiSecret({})).toThrow(PromotorError);
    expect(() => apiSecret({})).toThrow(/CUBEJS_API_SECRET is not set/);
    expect(() => apiSecret({ CUBEJS_API_SECRET: "  " })).toThrow(/CUBEJS_API_SECRET/);
    expect(apiSecret({ CUBEJS_API_SECRET: SECRET })).toBe(SECRET);
  });
});

describe("promotor token", () => {
  const ctx = () => {
    const out = sink();
    const err = sink();
    return { out, err, ctx: { warehouse: "/nonexistent.duckdb", root: process.cwd(), stdout: out.stream, stderr: err.stream } };
  };

  it("prints only the token on stdout and a summary on stderr", async () => {
    const saved = process.env["CUBEJS_API_SECRET"];
    process.env["CUBEJS_API_SECRET"] = SECRET;
    try {
      const { out, err, ctx: c } = ctx();
      const before = Math.floor(Date.now() / 1000);
      const code = await tokenCommand.run(["--role", "business_unit", "--business-unit", "Zakelijk", "--expires", "2h"], c);
      expect(code).toBe(0);
      const token = out.text().trim();
      expect(token.split(".")).toHaveLength(3);
      const { payload, signatureOk } = decodeIndependently(token, SECRET);
      expect(signatureOk).toBe(true);
      expect(payload["business_unit"]).toBe("Zakelijk");
      expect((payload["exp"] as number) - (payload["iat"] as number)).toBe(7200);
      expect(payload["iat"] as number).toBeGreaterThanOrEqual(before);
      expect(err.text()).toMatch(/business_unit\s+Zakelijk/);
    } finally {
      if (saved === undefined) delete process.env["CUBEJS_API_SECRET"];
      else process.env["CUBEJS_API_SECRET"] = saved;
    }
  });

  it("fails with a clear message when the secret is missing", async () => {
    const saved = process.env["CUBEJS_API_SECRET"];
    delete process.env["CUBEJS_API_SECRET"];
    try {
      const { out, ctx: c } = ctx();
      await expect(tokenCommand.run(["--role", "executive"], c)).rejects.toThrow(/CUBEJS_API_SECRET is not set/);
      expect(out.text()).toBe("");
    } finally {
      if (saved !== undefined) process.env["CUBEJS_API_SECRET"] = saved;
    }
  });
});

describe("tokens against the Cube configuration's own verification (src/semantic/security.ts checkAuth)", () => {
  it("accepts a fresh token and yields the row-level-security context", async () => {
    const { checkAuth, verifyToken: cubeVerify } = await import("../../src/semantic/security.ts");
    const { token } = issueToken({ role: "business_unit", business_unit: "Retail" }, { secret: SECRET });
    expect(cubeVerify(token, SECRET)).toEqual({ role: "business_unit", business_unit: "Retail" });
    const saved = process.env["CUBEJS_API_SECRET"];
    process.env["CUBEJS_API_SECRET"] = SECRET;
    try {
      const req: { securityContext?: unknown } = {};
      await checkAuth(req, `Bearer ${token}`);
      expect(req.securityContext).toEqual({ role: "business_unit", business_unit: "Retail" });
    } finally {
      if (saved === undefined) delete process.env["CUBEJS_API_SECRET"];
      else process.env["CUBEJS_API_SECRET"] = saved;
    }
  });

  it("rejects expired, tampered and foreign-secret tokens", async () => {
    const { verifyToken: cubeVerify } = await import("../../src/semantic/security.ts");
    const expired = issueToken({ role: "executive" }, { secret: SECRET, now: new Date(Date.now() - 60 * 60 * 1000) }).token;
    expect(() => cubeVerify(expired, SECRET)).toThrow(/jwt expired/);
    const foreign = issueToken({ role: "executive" }, { secret: "not-the-server-secret" }).token;
    expect(() => cubeVerify(foreign, SECRET)).toThrow(/invalid signature/);
    const [h, p, s] = issueToken({ role: "account_manager", account_manager: "Sanne de Vries" }, { secret: SECRET }).token.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString("utf8"));
    payload.account_manager = "Someone Else";
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
    expect(() => cubeVerify(tampered, SECRET)).toThrow(/invalid signature/);
  });
});
