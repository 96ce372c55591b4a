/** The Cube server configuration for `promotor serve`: the project's Cube configuration (model,
 * security, SQL users — not duplicated here) on the warehouse snapshot, and the ports. */
import { PromotorError } from "../lib/errors.ts";

/** Options of @cubejs-backend/server's CubejsServer that Promotor sets; the rest pass through. */
export type CubeServerConfig = Record<string, unknown> & {
  dbType?: unknown;
  driverFactory?: unknown;
  pgSqlPort?: number;
  apiSecret?: string;
};

export interface ServePorts {
  /** REST API (and /readyz); Cube reads it from PORT. */
  api: number;
  /** SQL API, Postgres wire protocol. */
  sql: number;
}

export const DEFAULT_PORTS: ServePorts = { api: 4000, sql: 15432 };

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

/** The project's Cube configuration (cube.js is `export default cubeConfig()`), pointed at the
 * snapshot, with Promotor's serving defaults on top. Security, model and SQL users come from
 * src/semantic unchanged. */
export async function serverConfig(options: { snapshotPath: string; ports: ServePorts }): Promise<CubeServerConfig> {
  const { cubeConfig } = await import("../semantic/config.ts");
  return {
    ...(cubeConfig({ warehouse: options.snapshotPath }) as CubeServerConfig),
    pgSqlPort: options.ports.sql,
    devServer: false,
    telemetry: false,
    webSockets: false,
  };
}
