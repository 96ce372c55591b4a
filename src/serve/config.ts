/** The Cube server configuration for `promotor serve`: the project's Cube configuration (model,
 * security, SQL users — not duplicated here) on the warehouse snapshot, with secure defaults:
 * loopback only, no default password, a long API secret, CORS only for configured origins. */
import { createRequire } from "node:module";
import { PromotorError } from "../lib/errors.ts";
import { sqlUsersFromEnv } from "../semantic/security.ts";
import type { TrinoSettings } from "../engine/settings.ts";
import { LOCAL_SECRET_FILE, readApiSecret, SECRET_FIX } from "../token/secret.ts";

const require = createRequire(import.meta.url);

export type CubeLogger = (message: string, params?: Record<string, unknown>) => void;

function cubeLogger(env: NodeJS.ProcessEnv): CubeLogger {
  const { createLogger } = require("@cubejs-backend/server-core/dist/src/core/logger.js") as { createLogger(production: boolean, level?: string): CubeLogger };
  return createLogger(env["NODE_ENV"] === "production", env["CUBEJS_LOG_LEVEL"] ?? "info");
}

/** Cube's own logger (dev or production format, CUBEJS_LOG_LEVEL), except that a token Cube
 * logs with a refused request is cut to its first characters: an expired token in a log file is
 * still a token, and a signature is not evidence anyone needs. */
export function redactingLogger(env: NodeJS.ProcessEnv = process.env, base: CubeLogger = cubeLogger(env)): CubeLogger {
  return (message, params) => {
    if (params && typeof params["token"] === "string") params = { ...params, token: `${params["token"].slice(0, 12)}… (redacted)` };
    base(message, params);
  };
}

/** Options of @cubejs-backend/server's CubejsServer that Promotor sets; the rest pass through. */
export type CubeServerConfig = Record<string, unknown> & {
  driverFactory?: unknown;
  pgSqlPort?: number;
  apiSecret?: string;
  http?: { cors?: Record<string, unknown> };
};

export interface ServePorts {
  /** REST API (and /readyz). */
  api: number;
  /** SQL API, Postgres wire protocol. */
  sql: number;
}

export const DEFAULT_PORTS: ServePorts = { api: 4000, sql: 15432 };
export const DEFAULT_HOST = "127.0.0.1";

export function parsePort(value: string | undefined, what: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new PromotorError(`${what} must be a port number 1–65535, got "${value}"`, { hint: `e.g. ${what} ${fallback}` });
  }
  return n;
}

/** --port / PROMOTOR_API_PORT / PORT, --sql-port / PROMOTOR_SQL_PORT / CUBEJS_PG_SQL_PORT. */
export function resolvePorts(flags: { port?: string; sqlPort?: string }, env: NodeJS.ProcessEnv = process.env): ServePorts {
  const api = parsePort(flags.port ?? env["PROMOTOR_API_PORT"] ?? env["PORT"], "--port", DEFAULT_PORTS.api);
  const sql = parsePort(flags.sqlPort ?? env["PROMOTOR_SQL_PORT"] ?? env["CUBEJS_PG_SQL_PORT"], "--sql-port", DEFAULT_PORTS.sql);
  if (api === sql) throw new PromotorError(`the REST and SQL API cannot share port ${api}`, { hint: "choose different --port and --sql-port" });
  return { api, sql };
}

export const isLoopback = (host: string): boolean => host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);

/** --host / PROMOTOR_HOST, default 127.0.0.1 (this machine only). */
export function resolveHost(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const host = (flag ?? env["PROMOTOR_HOST"] ?? DEFAULT_HOST).trim();
  if (host === "") throw new PromotorError("--host is empty", { hint: `e.g. --host ${DEFAULT_HOST} (this machine only) or --host 0.0.0.0 (every interface)` });
  return host;
}

/** The warning printed when the server is opened beyond this machine. */
export function openHostWarning(host: string): string | undefined {
  if (isLoopback(host)) return undefined;
  return `the REST API listens on ${host}, reachable from other machines: serve it behind HTTPS (a reverse proxy) and keep CUBEJS_API_SECRET secret`;
}

/** Browser origins allowed to call the REST API (embeds): --cors-origin / PROMOTOR_CORS_ORIGINS,
 * comma-separated. None by default: only same-origin pages and non-browser clients. */
export function resolveCorsOrigins(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const text = flag ?? env["PROMOTOR_CORS_ORIGINS"] ?? "";
  const origins = text.split(",").map((o) => o.trim()).filter((o) => o !== "");
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (origin === "*" || !url || !/^https?:$/.test(url.protocol) || url.origin !== origin.replace(/\/$/, "")) {
      throw new PromotorError(`"${origin}" is not an origin for --cors-origin / PROMOTOR_CORS_ORIGINS`, {
        hint: "give scheme, host and port of the intranet page, without a path, e.g. https://intranet.example.nl (comma-separated for several); * is not allowed",
      });
    }
  }
  return origins.map((o) => o.replace(/\/$/, ""));
}

/** CORS options for Cube's HTTP server (the `cors` package CubejsServer uses). */
export function corsOptions(origins: string[]): Record<string, unknown> {
  return { origin: origins.length ? origins : false, allowedHeaders: "authorization,content-type,x-request-id", maxAge: 600 };
}

/** The API secret for a server on `host`: CUBEJS_API_SECRET (at least 32 bytes), or on a loopback
 * address the local one `promotor start` created. A local secret is refused on any other address:
 * whoever can reach the server must not depend on a file only this machine knows of. */
export function requireServerSecret(env: NodeJS.ProcessEnv = process.env, host: string = DEFAULT_HOST, root?: string): string {
  const secret = readApiSecret({ env, ...(root ? { root } : {}) });
  if (secret.source === "local" && !isLoopback(host)) {
    throw new PromotorError(`the server would listen on ${host}, beyond this machine, with the local API secret (${LOCAL_SECRET_FILE})`, {
      hint: `${SECRET_FIX}, or serve on 127.0.0.1 only`,
    });
  }
  return secret.value;
}

export interface SqlApiChoice {
  enabled: boolean;
  /** Why it is off, for the start-up message. */
  reason?: string;
}

/** The SQL API runs only with SQL users that have passwords: CUBEJS_SQL_USER + CUBEJS_SQL_PASSWORD
 * or PROMOTOR_SQL_USERS. There is no default password. --no-sql-api turns it off. */
export function resolveSqlApi(flags: { noSqlApi?: boolean; sqlPortGiven?: boolean }, env: NodeJS.ProcessEnv = process.env): SqlApiChoice {
  if (flags.noSqlApi) return { enabled: false, reason: "turned off with --no-sql-api" };
  if (env["CUBEJS_SQL_USER"] && !env["CUBEJS_SQL_PASSWORD"]) {
    throw new PromotorError(`CUBEJS_SQL_USER is set to "${env["CUBEJS_SQL_USER"]}" but CUBEJS_SQL_PASSWORD is not: the SQL API will not start without a password`, {
      hint: 'export CUBEJS_SQL_PASSWORD="$(openssl rand -base64 24)" and give it to the analyst, or run with --no-sql-api',
    });
  }
  if (sqlUsersFromEnv(env).size === 0) {
    const reason = "no SQL user with a password: set CUBEJS_SQL_USER and CUBEJS_SQL_PASSWORD (or PROMOTOR_SQL_USERS) to start the SQL API";
    if (flags.sqlPortGiven) throw new PromotorError(`--sql-port was given, but ${reason}`, { hint: 'e.g. export CUBEJS_SQL_USER=analyst CUBEJS_SQL_PASSWORD="$(openssl rand -base64 24)"' });
    return { enabled: false, reason };
  }
  return { enabled: true };
}

export interface ServerConfigOptions {
  /** The DuckDB snapshot Cube reads; unused with `trino`. */
  snapshotPath: string;
  /** Serve Trino's marts through Cube's Trino driver (issue 25). */
  trino?: TrinoSettings;
  /** The address the server listens on (a local secret is refused beyond loopback). */
  host?: string;
  corsOrigins?: string[];
}

/** The project's Cube configuration (cube.js is `export default cubeConfig()`), pointed at the
 * snapshot, with Promotor's serving defaults on top. Security, model and SQL users come from
 * src/semantic unchanged. The SQL port is given when listening (src/serve/cube.ts). */
export async function serverConfig(options: ServerConfigOptions, env: NodeJS.ProcessEnv = process.env): Promise<CubeServerConfig> {
  const { cubeConfig } = await import("../semantic/config.ts");
  return {
    ...(cubeConfig(options.trino ? { trino: options.trino } : { warehouse: options.snapshotPath }) as CubeServerConfig),
    apiSecret: requireServerSecret(env, options.host),
    devServer: false,
    telemetry: false,
    logger: redactingLogger(env),
    webSockets: false,
    http: { cors: corsOptions(options.corsOrigins ?? []) },
  };
}
