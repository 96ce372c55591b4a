import { createHmac } from "node:crypto";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tokenCommand } from "../../src/cli/commands/token.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { mkdtempSync, mkdirSync, statSync, writeFileSync, chmodSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jwt from "jsonwebtoken";
import { ensureApiSecret, readApiSecret } from "../../src/token/secret.ts";
import { issueToken, parseDuration, TokenRefused, verifyToken } from "../../src/token/token.ts";

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
    const { token } = issueToken({ role: "executive" }, { secret: "another-secret-of-someone-else-0123456789", now: NOW });
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
    expect(() => verifyToken(forged, SECRET, NOW)).toThrow(/token refused: invalid signature/);
  });

  it("rejects an unsigned (alg none) token", () => {
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify({ role: "executive", iat: 1793610000, exp: 1793610900 })).toString("base64url");
    expect(() => verifyToken(`${header}.${payload}.`, SECRET, NOW)).toThrow(/token refused: (jwt signature is required|invalid signature|invalid algorithm)/);
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

describe("the API secret (src/token/secret.ts)", () => {
  const emptyRoot = () => mkdtempSync(join(tmpdir(), "promotor-secret-"));

  it("refuses when neither CUBEJS_API_SECRET nor a local secret exists, naming both fixes", () => {
    expect(() => readApiSecret({ env: {}, root: emptyRoot() })).toThrow(PromotorError);
    expect(() => readApiSecret({ env: {}, root: emptyRoot() })).toThrow(/CUBEJS_API_SECRET is not set and there is no local one/);
    expect(() => readApiSecret({ env: { CUBEJS_API_SECRET: "  " }, root: emptyRoot() })).toThrow(expect.objectContaining({ hint: expect.stringMatching(/promotor start.*openssl rand -hex 32/) }));
    expect(readApiSecret({ env: { CUBEJS_API_SECRET: SECRET }, root: emptyRoot() })).toEqual({ value: SECRET, source: "environment" });
  });

  it("refuses a secret shorter than 32 bytes, with openssl rand as the fix", () => {
    for (const short of ["abc", "x".repeat(31)]) {
      const error = (() => {
        try {
          readApiSecret({ env: { CUBEJS_API_SECRET: short }, root: emptyRoot() });
        } catch (e) {
          return e as PromotorError;
        }
        throw new Error("accepted a short secret");
      })();
      expect(error.message).toMatch(new RegExp(`CUBEJS_API_SECRET is ${short.length} bytes long`));
      expect(error.hint).toMatch(/openssl rand -hex 32/);
    }
    expect(() => issueToken({ role: "executive" }, { secret: "abc" })).toThrow(/3 bytes long/);
    expect(readApiSecret({ env: { CUBEJS_API_SECRET: "x".repeat(32) }, root: emptyRoot() }).value).toHaveLength(32);
  });

  it("creates a local secret once (32 random bytes, mode 0600), never when CUBEJS_API_SECRET is set", () => {
    const root = emptyRoot();
    expect(ensureApiSecret({ env: { CUBEJS_API_SECRET: SECRET }, root })).toEqual({ secret: { value: SECRET, source: "environment" }, created: false });
    expect(() => statSync(join(root, ".promotor", "api-secret"))).toThrow();
    const first = ensureApiSecret({ env: {}, root });
    expect(first.created).toBe(true);
    expect(first.secret.value).toMatch(/^[0-9a-f]{64}$/);
    const path = join(root, ".promotor", "api-secret");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8").trim()).toBe(first.secret.value);
    const second = ensureApiSecret({ env: {}, root });
    expect(second).toEqual({ secret: { value: first.secret.value, source: "local", path }, created: false });
    expect(ensureApiSecret({ env: {}, root: emptyRoot() }).secret.value).not.toBe(first.secret.value);
    // The environment wins over the file, which is then not read.
    expect(readApiSecret({ env: { CUBEJS_API_SECRET: SECRET }, root }).value).toBe(SECRET);
  });

  it("refuses a local secret that other users can read", () => {
    const root = emptyRoot();
    mkdirSync(join(root, ".promotor"));
    writeFileSync(join(root, ".promotor", "api-secret"), "f".repeat(64));
    chmodSync(join(root, ".promotor", "api-secret"), 0o644);
    expect(() => readApiSecret({ env: {}, root })).toThrow(/can be read by other users \(mode 644\)/);
  });
});

describe("the one verification refuses what a server must not accept", () => {
  const sign = (payload: Record<string, unknown>, secret = SECRET) => jwt.sign(payload, secret, { algorithm: "HS256", noTimestamp: !("iat" in payload) });
  const iat = Math.floor(NOW.getTime() / 1000);

  it("a token without exp, one valid for 30 days, one without iat", () => {
    expect(() => verifyToken(sign({ role: "executive", iat }), SECRET, NOW)).toThrow(/no expiry \(exp claim\)/);
    expect(() => verifyToken(sign({ role: "executive", iat, exp: iat + 30 * 86400 }), SECRET, NOW)).toThrow(/valid for 720\.0 h; at most 24 h/);
    expect(() => verifyToken(sign({ role: "executive", exp: iat + 600 }), SECRET, NOW)).toThrow(/no issue time/);
    expect(verifyToken(sign({ role: "executive", iat, exp: iat + 86400 }), SECRET, NOW).role).toBe("executive");
  });

  it("an unknown or missing role, or a role without its claim, with exit code 2", () => {
    for (const [payload, reason] of [
      [{ role: "admin" }, /role "admin" is unknown/],
      [{}, /names no role/],
      [{ role: "account_manager" }, /needs the account_manager claim/],
      [{ role: "business_unit", business_unit: " " }, /needs the business_unit claim/],
    ] as const) {
      const token = sign({ ...payload, iat, exp: iat + 600 });
      expect(() => verifyToken(token, SECRET, NOW)).toThrow(reason);
      try {
        verifyToken(token, SECRET, NOW);
      } catch (error) {
        expect(error).toBeInstanceOf(TokenRefused);
        expect((error as PromotorError).exitCode).toBe(2);
      }
    }
  });

  it("verifying with a short secret is refused too", () => {
    expect(() => verifyToken(sign({ role: "executive", iat, exp: iat + 60 }, "short"), "short", NOW)).toThrow(/5 bytes long/);
  });
});

describe("promotor token", () => {
  afterEach(() => vi.unstubAllEnvs());
  const ctx = () => {
    const out = sink();
    const err = sink();
    return { out, err, ctx: { warehouse: "/nonexistent.duckdb", root: process.cwd(), stdout: out.stream, stderr: err.stream } };
  };

  it("prints only the token on stdout and a summary on stderr", async () => {
    vi.stubEnv("CUBEJS_API_SECRET", SECRET);
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
  });

  it("signs with the local secret when CUBEJS_API_SECRET is not set", async () => {
    vi.stubEnv("CUBEJS_API_SECRET", undefined);
    const { out, ctx: c } = ctx();
    c.root = mkdtempSync(join(tmpdir(), "promotor-secret-"));
    const local = ensureApiSecret({ env: {}, root: c.root }).secret.value;
    expect(await tokenCommand.run(["--role", "executive", "--quiet"], c)).toBe(0);
    expect(decodeIndependently(out.text().trim(), local).signatureOk).toBe(true);
  });

  it("fails with a clear message when the secret is missing", async () => {
    vi.stubEnv("CUBEJS_API_SECRET", undefined);
    const { out, ctx: c } = ctx();
    c.root = mkdtempSync(join(tmpdir(), "promotor-secret-"));
    await expect(tokenCommand.run(["--role", "executive"], c)).rejects.toThrow(/CUBEJS_API_SECRET is not set and there is no local one/);
    expect(out.text()).toBe("");
  });
});

describe("tokens against the Cube server's checkAuth (src/semantic/security.ts)", () => {
  const withSecret = async (body: () => Promise<void>) => {
    vi.stubEnv("CUBEJS_API_SECRET", SECRET);
    try {
      await body();
    } finally {
      vi.unstubAllEnvs();
    }
  };

  it("accepts a fresh token and yields the row-level-security context", async () => {
    const { checkAuth } = await import("../../src/semantic/security.ts");
    const { token } = issueToken({ role: "business_unit", business_unit: "Retail" }, { secret: SECRET });
    await withSecret(async () => {
      const req: { securityContext?: unknown } = {};
      await checkAuth(req, `Bearer ${token}`);
      expect(req.securityContext).toEqual({ role: "business_unit", business_unit: "Retail" });
    });
  });

  it("refuses expired, tampered, foreign-secret, endless, unknown-role and missing tokens with 403 and the fix", async () => {
    const { checkAuth } = await import("../../src/semantic/security.ts");
    const now = Math.floor(Date.now() / 1000);
    const [h, p, s] = issueToken({ role: "account_manager", account_manager: "Sanne de Vries" }, { secret: SECRET }).token.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString("utf8"));
    payload.account_manager = "Someone Else";
    const cases: [string | undefined, RegExp][] = [
      [issueToken({ role: "executive" }, { secret: SECRET, now: new Date(Date.now() - 60 * 60 * 1000) }).token, /expired/],
      [issueToken({ role: "executive" }, { secret: "not-the-server-secret-0123456789abcdef" }).token, /invalid signature/],
      [`${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`, /invalid signature/],
      [jwt.sign({ role: "executive", iat: now }, SECRET, { algorithm: "HS256" }), /no expiry/],
      [jwt.sign({ role: "executive", iat: now, exp: now + 30 * 86400 }, SECRET, { algorithm: "HS256" }), /at most 24 h/],
      [jwt.sign({ role: "root", iat: now, exp: now + 60 }, SECRET, { algorithm: "HS256" }), /role "root" is unknown/],
      [undefined, /no token was given/],
    ];
    await withSecret(async () => {
      for (const [token, reason] of cases) {
        const refused = await checkAuth({}, token).then(
          () => undefined,
          (error: { status?: number; message?: string }) => error,
        );
        expect(refused?.status, String(reason)).toBe(403);
        expect(refused?.message).toMatch(reason);
        expect(refused?.message).toMatch(/promotor token/);
      }
    });
  });
});
