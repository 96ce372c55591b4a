/** Short-lived JWTs for the Cube REST/SQL API and live embeds. The claims carry the role and
 * scope that the semantic layer's security (cube.js, docs/semantic.md) turns into row filters. */
import jwt from "jsonwebtoken";
import { PromotorError } from "../lib/errors.ts";

import { ROLES, type Role } from "../semantic/types.ts";

export { ROLES, type Role };

/** What a token says about its holder; field names are the JWT claim names. */
export interface PromotorClaims {
  role: Role;
  business_unit?: string;
  account_manager?: string;
}

export const DEFAULT_TTL_SECONDS = 15 * 60;
export const MAX_TTL_SECONDS = 24 * 60 * 60;
/** HS256 only: the algorithm Cube's default checkAuth accepts with CUBEJS_API_SECRET. */
export const TOKEN_ALGORITHM = "HS256" as const;

/** Reads the signing secret; there is deliberately no default, a default secret is a leaked one. */
export function apiSecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env["CUBEJS_API_SECRET"];
  if (secret === undefined || secret.trim() === "") {
    throw new PromotorError("CUBEJS_API_SECRET is not set, so no token can be signed", {
      hint: 'set it to the same secret the Cube server uses, e.g. export CUBEJS_API_SECRET="$(openssl rand -hex 32)"',
    });
  }
  return secret;
}

/** "90s", "15m", "2h", "1d" -> seconds; bounded to (0, 24h]. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (!match) {
    throw new PromotorError(`cannot read the duration "${text}"`, { hint: "use a number and a unit: 90s, 15m, 2h, 1d" });
  }
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as "s" | "m" | "h" | "d"];
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0) throw new PromotorError(`the duration "${text}" is not positive`, { hint: "e.g. --expires 15m" });
  if (seconds > MAX_TTL_SECONDS) {
    throw new PromotorError(`--expires ${text} is longer than the 24 h maximum`, {
      hint: "embed tokens are meant to be short-lived: issue a new one per page view or per day",
    });
  }
  return seconds;
}

/** Checks that the scope fits the role: a business-unit token needs its unit, and so on. */
export function validateClaims(claims: PromotorClaims): PromotorClaims {
  if (!(ROLES as readonly string[]).includes(claims.role)) {
    throw new PromotorError(`unknown role "${claims.role}"`, { hint: `one of: ${ROLES.join(", ")}` });
  }
  const bu = claims.business_unit?.trim();
  const am = claims.account_manager?.trim();
  if (claims.role === "business_unit" && !bu) {
    throw new PromotorError("role business_unit needs --business-unit", { hint: 'e.g. --role business_unit --business-unit "Retail"' });
  }
  if (claims.role === "account_manager" && !am) {
    throw new PromotorError("role account_manager needs --account-manager", {
      hint: 'e.g. --role account_manager --account-manager "Sanne de Vries"',
    });
  }
  if (claims.role === "executive" && (bu || am)) {
    throw new PromotorError("role executive sees everything; --business-unit/--account-manager do not apply", {
      hint: "drop the scope, or choose --role business_unit / account_manager",
    });
  }
  if (claims.role === "business_unit" && am) {
    throw new PromotorError("role business_unit takes --business-unit, not --account-manager", { hint: "use --role account_manager for a person's view" });
  }
  const out: PromotorClaims = { role: claims.role };
  if (bu) out.business_unit = bu;
  if (am) out.account_manager = am;
  if (claims.role === "account_manager" && bu) out.business_unit = bu;
  return out;
}

export interface IssuedToken {
  token: string;
  claims: PromotorClaims;
  issuedAt: Date;
  expiresAt: Date;
}

export function issueToken(
  claims: PromotorClaims,
  options: { secret: string; ttlSeconds?: number; now?: Date },
): IssuedToken {
  const valid = validateClaims(claims);
  const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!(ttl > 0 && ttl <= MAX_TTL_SECONDS)) {
    throw new PromotorError(`token lifetime ${ttl} s is outside (0, ${MAX_TTL_SECONDS}] s`);
  }
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const exp = iat + ttl;
  // iat/exp set explicitly (not expiresIn) so a given `now` yields a reproducible token.
  const token = jwt.sign({ ...valid, iat, exp }, options.secret, { algorithm: TOKEN_ALGORITHM });
  return { token, claims: valid, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
}

/** The verification Cube's default checkAuth performs (HS256 with CUBEJS_API_SECRET), plus a
 * check that the claims make sense. Throws PromotorError for expired, tampered or foreign tokens. */
export function verifyToken(token: string, secret: string, now?: Date): PromotorClaims & { iat: number; exp: number } {
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, secret, {
      algorithms: [TOKEN_ALGORITHM],
      ...(now ? { clockTimestamp: Math.floor(now.getTime() / 1000) } : {}),
    });
  } catch (error) {
    const reason = error instanceof jwt.TokenExpiredError ? "it has expired" : error instanceof Error ? error.message : String(error);
    throw new PromotorError(`token rejected: ${reason}`, { hint: "issue a fresh one with promotor token", cause: error });
  }
  if (typeof payload === "string" || typeof payload["iat"] !== "number" || typeof payload["exp"] !== "number") {
    throw new PromotorError("token rejected: it lacks iat/exp claims", { hint: "issue a fresh one with promotor token" });
  }
  const claims = validateClaims({
    role: payload["role"] as Role,
    business_unit: typeof payload["business_unit"] === "string" ? payload["business_unit"] : undefined,
    account_manager: typeof payload["account_manager"] === "string" ? payload["account_manager"] : undefined,
  } as PromotorClaims);
  return { ...claims, iat: payload["iat"], exp: payload["exp"] };
}
