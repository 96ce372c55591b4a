/** The HS256 secret that signs and verifies every token (server, SQL API, `query --token`,
 * embeds): CUBEJS_API_SECRET when set, else a local one that `promotor start` creates in the
 * git-ignored .promotor/ folder, so that a newcomer's machine works out of the box on localhost.
 * A local secret is for this machine only: `serve` refuses it on any address but loopback. */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { PromotorError } from "../lib/errors.ts";
import { projectRoot } from "../lib/paths.ts";

/** Shorter HS256 secrets than the hash (32 bytes) can be brute-forced from one token. */
export const MIN_SECRET_BYTES = 32;
export const LOCAL_SECRET_FILE = join(".promotor", "api-secret");
export const SECRET_FIX = 'export CUBEJS_API_SECRET="$(openssl rand -hex 32)" (the same value wherever tokens are signed or verified; keep it out of the repository)';

export interface ApiSecret {
  value: string;
  /** Where it came from, for messages: never the secret itself. */
  source: "environment" | "local";
  /** The local file, when source is "local". */
  path?: string;
}

/** A secret at least MIN_SECRET_BYTES long, else a refusal with the fix. */
export function checkSecretStrength(value: string, where: string): string {
  const bytes = Buffer.byteLength(value);
  if (bytes < MIN_SECRET_BYTES) {
    throw new PromotorError(`${where} is ${bytes} bytes long; tokens need a secret of at least ${MIN_SECRET_BYTES} bytes (a short HS256 secret can be guessed from one token)`, {
      hint: SECRET_FIX,
      exitCode: 2,
    });
  }
  return value;
}

function localPath(root: string): string {
  return join(root, LOCAL_SECRET_FILE);
}

function readLocal(path: string): ApiSecret {
  const shown = relative(process.cwd(), path) || path;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new PromotorError(`${shown} can be read by other users (mode ${mode.toString(8)}): the local API secret is no longer secret`, {
      hint: `chmod 600 ${shown}, or delete it and run promotor start again for a new one (tokens signed with the old one stop working)`,
      exitCode: 2,
    });
  }
  const value = readFileSync(path, "utf8").trim();
  checkSecretStrength(value, shown);
  return { value, source: "local", path };
}

/** CUBEJS_API_SECRET when set (and long enough), else the local secret when it exists. */
export function readApiSecret(options: { env?: NodeJS.ProcessEnv; root?: string } = {}): ApiSecret {
  const env = options.env ?? process.env;
  const root = options.root ?? projectRoot;
  const fromEnv = env["CUBEJS_API_SECRET"];
  if (fromEnv !== undefined && fromEnv.trim() !== "") return { value: checkSecretStrength(fromEnv, "CUBEJS_API_SECRET"), source: "environment" };
  const path = localPath(root);
  if (existsSync(path)) return readLocal(path);
  throw new PromotorError("no API secret: CUBEJS_API_SECRET is not set and there is no local one", {
    hint: `run promotor start once (it creates ${LOCAL_SECRET_FILE} for this machine), or ${SECRET_FIX}`,
    exitCode: 2,
  });
}

/** The secret for this machine: CUBEJS_API_SECRET when set (the local file is then neither read
 * nor created), else the local one, created when missing: 32 random bytes as hex, mode 0600. */
export function ensureApiSecret(options: { env?: NodeJS.ProcessEnv; root?: string } = {}): { secret: ApiSecret; created: boolean } {
  const env = options.env ?? process.env;
  const root = options.root ?? projectRoot;
  const fromEnv = env["CUBEJS_API_SECRET"];
  if ((fromEnv !== undefined && fromEnv.trim() !== "") || existsSync(localPath(root))) return { secret: readApiSecret({ env, root }), created: false };
  const path = localPath(root);
  mkdirSync(dirname(path), { recursive: true });
  const value = randomBytes(MIN_SECRET_BYTES).toString("hex");
  // "wx": never overwrite one another process created meanwhile.
  writeFileSync(path, value + "\n", { mode: 0o600, flag: "wx" });
  return { secret: { value, source: "local", path }, created: true };
}

/** For people: where the secret comes from, with a short fingerprint, never the secret. */
export function describeSecret(secret: ApiSecret): string {
  const where = secret.source === "environment" ? "CUBEJS_API_SECRET" : relative(process.cwd(), secret.path ?? LOCAL_SECRET_FILE) || LOCAL_SECRET_FILE;
  return `${where} (${secret.value.slice(0, 4)}…, ${Buffer.byteLength(secret.value)} bytes)`;
}
