/** Security for the semantic layer, shared by cube.js (the Cube server) and the in-process
 * layer: JWT verification, the role -> Cube group mapping used by the model's access policies,
 * SQL API users, and a queryRewrite guard.
 *
 * JWT / securityContext layout: { role: "executive" | "business_unit" | "account_manager",
 * business_unit?: string, account_manager?: string, sub?: string }.
 *   executive        -> every row
 *   business_unit    -> rows whose business_unit equals the claim (claim required)
 *   account_manager  -> rows whose account_manager equals the claim (claim required)
 *   a token without a known role or its claim is refused (403); a context without one (e.g. a
 *   SQL user) gets no Cube group -> access policies deny -> no rows. */
import { timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import { PromotorError } from "../lib/errors.ts";
import { readApiSecret } from "../token/secret.ts";
import { verifyToken } from "../token/token.ts";
import { ROLES, type Role, type SecurityContext } from "./types.ts";

const require = createRequire(import.meta.url);

/** Cube's own error type for refused requests: its API gateway answers `status` with `message`
 * (any other error thrown by checkAuth becomes an HTTP 500). */
type CubejsHandlerErrorClass = new (status: number, type: string, message?: string, originalError?: unknown) => Error & { status: number; type: string };
const { CubejsHandlerError } = require("@cubejs-backend/api-gateway/dist/src/cubejs-handler-error.js") as { CubejsHandlerError: CubejsHandlerErrorClass };
export { CubejsHandlerError };

export const isRole = (value: unknown): value is Role => typeof value === "string" && (ROLES as readonly string[]).includes(value);

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";

/** Keeps only a complete role: a role whose required claim is missing is dropped (sees nothing). */
export function normalizeSecurityContext(raw: unknown): SecurityContext {
  if (raw === null || typeof raw !== "object") return {};
  const claims = raw as Record<string, unknown>;
  const out: SecurityContext = {};
  if (nonEmpty(claims["sub"])) out.sub = claims["sub"];
  const role = claims["role"];
  if (role === "executive") out.role = role;
  else if (role === "business_unit" && nonEmpty(claims["business_unit"])) {
    out.role = role;
    out.business_unit = claims["business_unit"];
  } else if (role === "account_manager" && nonEmpty(claims["account_manager"])) {
    out.role = role;
    out.account_manager = claims["account_manager"];
  }
  return out;
}

/** Cube's contextToGroups: the (complete) role is the only group; no role, no group. */
export function contextToGroups(context: { securityContext?: unknown } | undefined): string[] {
  const security = normalizeSecurityContext(context?.securityContext);
  return isRole(security.role) ? [security.role] : [];
}

export const EXECUTIVE: SecurityContext = { role: "executive" };

/** The security context a token carries, after the one verification (src/token/token.ts): what
 * the server's checkAuth and `query --token` both use. */
export function securityContextOfToken(token: string, secret: string): SecurityContext {
  return normalizeSecurityContext(verifyToken(token, secret));
}

/** Cube's checkAuth: the one token verification (src/token/token.ts) with the API secret
 * (src/token/secret.ts), read per request so that a rotated secret applies at once. A missing,
 * malformed, expired, over-long, wrongly signed or role-less token is refused with Cube's
 * CubejsHandlerError, so the REST API answers 403 Forbidden with the reason and the fix (a plain
 * error would be a 500, and an unknown role would otherwise answer 200 with no rows). */
export async function checkAuth(req: { securityContext?: unknown }, authorization?: string): Promise<{ security_context: SecurityContext }> {
  let securityContext: SecurityContext;
  try {
    securityContext = securityContextOfToken(authorization ?? "", readApiSecret().value);
  } catch (error) {
    const message = error instanceof PromotorError ? `${error.message}${error.hint ? ` (fix: ${error.hint})` : ""}` : String(error);
    throw new CubejsHandlerError(403, "Forbidden", message, error);
  }
  req.securityContext = securityContext;
  return { security_context: securityContext };
}

export interface SqlUser {
  password: string;
  securityContext: SecurityContext;
}

/** SQL API users from the environment: CUBEJS_SQL_USER / CUBEJS_SQL_PASSWORD (role
 * PROMOTOR_SQL_ROLE, default executive, with PROMOTOR_SQL_BUSINESS_UNIT / PROMOTOR_SQL_ACCOUNT_MANAGER),
 * plus PROMOTOR_SQL_USERS = JSON {"user": {"password": "...", "role": "...", "business_unit": "..."}}. */
export function sqlUsersFromEnv(env: NodeJS.ProcessEnv = process.env): Map<string, SqlUser> {
  const users = new Map<string, SqlUser>();
  const user = env["CUBEJS_SQL_USER"];
  const password = env["CUBEJS_SQL_PASSWORD"];
  if (user && password) {
    users.set(user, {
      password,
      securityContext: normalizeSecurityContext({
        sub: user,
        role: env["PROMOTOR_SQL_ROLE"] ?? "executive",
        business_unit: env["PROMOTOR_SQL_BUSINESS_UNIT"],
        account_manager: env["PROMOTOR_SQL_ACCOUNT_MANAGER"],
      }),
    });
  }
  const json = env["PROMOTOR_SQL_USERS"];
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new PromotorError("PROMOTOR_SQL_USERS is not valid JSON", { cause: error, hint: `e.g. {"anna":{"password":"…","role":"account_manager","account_manager":"Anna de Vries"}}` });
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new PromotorError("PROMOTOR_SQL_USERS must be a JSON object of users");
    for (const [name, spec] of Object.entries(parsed as Record<string, unknown>)) {
      const s = (spec ?? {}) as Record<string, unknown>;
      if (!nonEmpty(s["password"])) throw new PromotorError(`PROMOTOR_SQL_USERS: user "${name}" has no password`);
      users.set(name, { password: s["password"], securityContext: normalizeSecurityContext({ ...s, sub: name }) });
    }
  }
  return users;
}

/** Compares two passwords in constant time. */
function samePassword(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cube's checkSqlAuth: a known user with the right password gets its security context.
 * The password is checked here (Cube passes the one the client sent) and returned as well, so
 * Cube's own comparison agrees; unknown users and wrong passwords are refused alike. */
export function makeCheckSqlAuth(users: () => Map<string, SqlUser> = () => sqlUsersFromEnv()) {
  return async (_req: unknown, user: string | null, password?: string | null): Promise<{ password: string; superuser: boolean; securityContext: SecurityContext }> => {
    const found = user ? users().get(user) : undefined;
    if (!found || (typeof password === "string" && !samePassword(password, found.password))) {
      throw new Error(`Incorrect user name "${user ?? ""}" or password`);
    }
    return { password: found.password, superuser: false, securityContext: found.securityContext };
  };
}

export const checkSqlAuth = makeCheckSqlAuth();

/** Cube's canSwitchSqlUser: no SQL user may take another user's security context. */
export async function canSwitchSqlUser(current: string | null, next: string | null): Promise<boolean> {
  return current !== null && current === next;
}
