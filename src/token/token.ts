/** Short-lived JWTs for the Cube REST/SQL API and live embeds. The claims carry the role and
 * scope that the semantic layer's security (cube.js, docs/semantic.md) turns into row filters. */
import jwt from "jsonwebtoken";
import { PromotorError } from "../lib/errors.ts";

import { ROLES, type Role } from "../semantic/types.ts";
import { checkSecretStrength } from "./secret.ts";

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
  checkSecretStrength(options.secret, "the API secret");
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

/** Why a token is refused, for the person holding it: HTTP 403 from the server, exit 2 from the CLI. */
export class TokenRefused extends PromotorError {
  constructor(reason: string, cause?: unknown) {
    super(`token refused: ${reason}`, { hint: "issue a fresh one with promotor token --role ... (valid at most 24 h)", exitCode: 2, cause });
  }
}

/** The one verification of a token, used by the Cube server (checkAuth), `query --token` and
 * embeds: HS256 only, signed with the secret, `iat` and `exp` present and at most 24 h apart,
 * not expired, and a known role with the claim it needs. Anything else is refused: a token
 * without `exp` would be valid forever, one with an unknown role would quietly see nothing. */
export function verifyToken(token: string, secret: string, now?: Date): PromotorClaims & { iat: number; exp: number; sub?: string } {
  checkSecretStrength(secret, "the API secret");
  const bare = token.replace(/^Bearer\s+/i, "").trim();
  if (bare === "") throw new TokenRefused("no token was given");
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(bare, secret, {
      algorithms: [TOKEN_ALGORITHM],
      ...(now ? { clockTimestamp: Math.floor(now.getTime() / 1000) } : {}),
    });
  } catch (error) {
    const reason = error instanceof jwt.TokenExpiredError ? "it has expired" : error instanceof Error ? error.message : String(error);
    throw new TokenRefused(reason, error);
  }
  if (typeof payload === "string") throw new TokenRefused("its payload is not a JSON object");
  const iat = payload["iat"];
  const exp = payload["exp"];
  if (typeof exp !== "number") throw new TokenRefused("it has no expiry (exp claim); a token without one would be valid forever");
  if (typeof iat !== "number") throw new TokenRefused("it has no issue time (iat claim)");
  if (exp - iat > MAX_TTL_SECONDS) throw new TokenRefused(`it is valid for ${((exp - iat) / 3600).toFixed(1)} h; at most 24 h is accepted`);
  const role = payload["role"];
  if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) {
    throw new TokenRefused(role === undefined ? "it names no role" : `its role "${String(role)}" is unknown (one of: ${ROLES.join(", ")})`);
  }
  let claims: PromotorClaims;
  try {
    claims = validateClaims({
      role: role as Role,
      business_unit: typeof payload["business_unit"] === "string" ? payload["business_unit"] : undefined,
      account_manager: typeof payload["account_manager"] === "string" ? payload["account_manager"] : undefined,
    });
  } catch (error) {
    throw new TokenRefused(error instanceof Error ? error.message.replace(/--([a-z-]+)/g, (_m, name: string) => `the ${name.replace("-", "_")} claim`) : String(error), error);
  }
  const sub = payload["sub"];
  return { ...claims, iat, exp, ...(typeof sub === "string" && sub.trim() !== "" ? { sub } : {}) };
}
