/** Cube's own server classes, as `promotor serve` runs them: CubejsServer (@cubejs-backend/server)
 * around CubejsServerCore (option validation, compiler, orchestrator, DuckDB driver) and its
 * ApiGateway (REST routes, checkAuth, error handling) and SQLServer (SQL API).
 *
 * Two things are Promotor's own, each for a reason stated where it is done:
 * - listening: CubejsServer.listen() has no host option (it listens on every interface) and
 *   CubejsServer.close() fails on Node 24 (`util.promisify(this.server.close)` loses `this`);
 *   listenCube/stopCube run the same steps with a host and a working stop;
 * - without @cubejs-backend/native (machines that cannot download it) the core gets the
 *   JavaScript-only CompilerApi of src/semantic/compiler.ts, and the gateway's SQLServer is Cube's
 *   own class whose constructor (a native logger hook, nothing else) is skipped: its
 *   checkSqlAuth wrapping works, and starting the SQL API fails with Cube's own native error. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { PromotorError } from "../lib/errors.ts";
import { cubeCompilerApiClass } from "../semantic/compiler.ts";
import { hasCubeNative } from "../semantic/native.ts";
import type { SecurityContext } from "../semantic/types.ts";

const require = createRequire(import.meta.url);
// CubejsServer's own HTTP stack (its dependencies, resolved where it resolves them).
const requireFromCubeServer = createRequire(require.resolve("@cubejs-backend/server/package.json"));

export interface CubeGateway {
  initApp(app: unknown): void;
  checkAuthFn(req: Record<string, unknown>, authorization?: string): Promise<{ securityContext: unknown }>;
  contextByReq(req: unknown, securityContext: unknown, requestId: string): Promise<Record<string, unknown>>;
  load(request: { query: unknown; context: unknown; res: (result: unknown, extra?: { status: number }) => void | Promise<void> }): Promise<void>;
  meta(request: { context: unknown; res: (result: unknown) => void }): Promise<void>;
  getSQLServer(): CubeSqlServer;
  release(): void;
}

export interface CubeSqlServer {
  buildCheckSqlAuth(options: Record<string, unknown>): (req: unknown, user: string | null, password: string | null) => Promise<{ password: string; securityContext: SecurityContext; superuser?: boolean }>;
  init(options: Record<string, unknown>): Promise<void>;
  shutdown?(mode: string): Promise<void>;
  close(): Promise<void>;
}

export interface CubeCore {
  options: Record<string, unknown> & { dbType: (ctx: Record<string, unknown>) => Promise<string | undefined> };
  apiGateway(): CubeGateway;
  initApp(app: unknown): Promise<void>;
  initSQLServer(): CubeSqlServer;
  getOrchestratorApi(context: Record<string, unknown>): Promise<{ driverFactory(dataSource?: string): Promise<CubeDriver> }>;
  resolveDriver(context: Record<string, unknown>): Promise<CubeDriver>;
  beforeShutdown(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface CubeDriver {
  query(sql: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  testConnection(): Promise<void>;
  release(): Promise<void>;
}

/** A CubejsServer instance (the fields Promotor uses). */
export interface CubeServer {
  core: CubeCore;
  config: Record<string, unknown> & { http: { cors: Record<string, unknown> } };
  server: (Server & { stop?(timeoutMs: number): Promise<unknown> }) | null;
  sqlServer: CubeSqlServer | null;
}

type Ctor<T> = new (...args: any[]) => T; // eslint-disable-line @typescript-eslint/no-explicit-any

interface CubeClasses {
  CubejsServer: Ctor<CubeServer> & { prototype: CubeServer };
  CubejsServerCore: Ctor<CubeCore>;
  ApiGateway: Ctor<CubeGateway>;
  SQLServer: Ctor<CubeSqlServer> & { prototype: CubeSqlServer };
}

function cubeClasses(): CubeClasses {
  const { CubejsServer } = require("@cubejs-backend/server") as Pick<CubeClasses, "CubejsServer">;
  const { CubejsServerCore } = require("@cubejs-backend/server-core") as Pick<CubeClasses, "CubejsServerCore">;
  const { ApiGateway, SQLServer } = require("@cubejs-backend/api-gateway") as Pick<CubeClasses, "ApiGateway" | "SQLServer">;
  return { CubejsServer, CubejsServerCore, ApiGateway, SQLServer };
}

/** Cube's SQLServer without its constructor, whose only work is registering a log hook in the
 * native module (and which throws without it). Every method is Cube's. */
function sqlServerWithoutNativeLogger(SQLServer: CubeClasses["SQLServer"], apiGateway: CubeGateway): CubeSqlServer {
  const server = Object.create(SQLServer.prototype) as CubeSqlServer & Record<string, unknown>;
  server["apiGateway"] = apiGateway;
  server["sqlInterfaceInstance"] = null;
  return server;
}

/** CubejsServer: Cube's class as is where the native module loads; otherwise Cube's class with
 * the JavaScript-only compiler and SQLServer described at the top of this file. */
export function cubeServerClass(native = hasCubeNative()): Ctor<CubeServer> {
  const { CubejsServer, CubejsServerCore, ApiGateway, SQLServer } = cubeClasses();
  if (native) return CubejsServer;
  const CompilerApi = cubeCompilerApiClass();
  class JsOnlyApiGateway extends ApiGateway {
    createSQLServerInstance(): CubeSqlServer {
      return sqlServerWithoutNativeLogger(SQLServer, this);
    }
  }
  class JsOnlyCore extends CubejsServerCore {
    createCompilerApi(repository: unknown, options: Record<string, unknown> = {}): unknown {
      const self = this as unknown as { options: { dbType: unknown }; createCompilerApiOptions(o: unknown): Record<string, unknown> };
      return new CompilerApi(repository as never, (options["dbType"] ?? self.options.dbType) as never, self.createCompilerApiOptions(options));
    }
    createApiGatewayInstance(...args: unknown[]): CubeGateway {
      return new JsOnlyApiGateway(...args);
    }
  }
  return class extends CubejsServer {
    createCoreInstance(config: unknown, systemOptions: unknown): CubeCore {
      return new JsOnlyCore(config, systemOptions);
    }
  };
}

/** Constructs Cube's server (options validated by Cube's OptsHandler) without listening. */
export function createCubeServer(config: Record<string, unknown>): CubeServer {
  const CubejsServer = cubeServerClass();
  return new CubejsServer(config);
}

export interface ListenOptions {
  host: string;
  port: number;
  /** Start the SQL API (Postgres protocol) on this port. */
  sqlPort?: number;
}

async function listenHttp(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

/** CubejsServer.listen(), step for step, with a host: CORS and JSON body parsing, the core's app
 * (ApiGateway routes), Cube's graceful HTTP wrapper, then the SQL API through Cube's SQLServer. */
export async function listenCube(cube: CubeServer, options: ListenOptions): Promise<{ host: string; port: number }> {
  const express = requireFromCubeServer("express") as () => { use(handler: unknown): void } & ((req: unknown, res: unknown) => void);
  const cors = requireFromCubeServer("cors") as (options: unknown) => unknown;
  const bodyParser = requireFromCubeServer("body-parser") as { json(options: unknown): unknown };
  const { getEnv } = require("@cubejs-backend/shared") as { getEnv(name: string): unknown };
  const { gracefulHttp } = require("@cubejs-backend/server/dist/src/server/gracefull-http.js") as { gracefulHttp<T>(server: T): T & { stop(timeoutMs: number): Promise<unknown> } };
  if (cube.server) throw new PromotorError("the Cube server is already listening");
  const app = express();
  app.use(cors(cube.config.http.cors));
  app.use(bodyParser.json({ limit: getEnv("maxRequestSize") }));
  await cube.core.initApp(app);
  const http = gracefulHttp(createServer(app));
  let address: AddressInfo;
  try {
    address = await listenHttp(http, options.port, options.host);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PromotorError(`the REST API cannot listen on ${options.host}:${options.port}: ${message}`, {
      cause: error,
      hint: /EADDRINUSE/.test(message) ? `port ${options.port} is taken: choose another with --port` : /EADDRNOTAVAIL/.test(message) ? `${options.host} is not an address of this machine: check --host` : "see the message above",
    });
  }
  cube.server = http;
  if (options.sqlPort !== undefined) {
    cube.sqlServer = cube.core.initSQLServer();
    try {
      await cube.sqlServer.init({ ...cube.config, pgSqlPort: options.sqlPort });
    } catch (error) {
      await stopCube(cube);
      throw error;
    }
  }
  return { host: address.address, port: address.port };
}

/** Stops what listenCube started and releases the core (orchestrator, DuckDB drivers), without
 * CubejsServer.close() (broken on Node 24) or shutdown() (which may call process.exit). */
export async function stopCube(cube: CubeServer, graceMs = 2_000): Promise<void> {
  const errors: unknown[] = [];
  const attempt = async (step: () => Promise<unknown> | unknown): Promise<void> => {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  };
  const http = cube.server;
  const sql = cube.sqlServer;
  cube.server = null;
  cube.sqlServer = null;
  if (sql) await attempt(() => (sql.shutdown ? sql.shutdown("fast") : sql.close()));
  if (http?.stop) await attempt(() => http.stop!(graceMs));
  await attempt(() => cube.core.beforeShutdown());
  await attempt(() => cube.core.shutdown());
  if (errors.length) {
    const first = errors[0];
    throw new PromotorError(`stopping the Cube server failed: ${first instanceof Error ? first.message : String(first)}`, { cause: first });
  }
}

/** A SQL API login as Cube's SQLServer checks it (its checkSqlAuth wrapper around the
 * configuration's checkSqlAuth): the user's security context, or the refusal. */
export async function sqlLogin(cube: CubeServer, user: string | null, password: string | null): Promise<SecurityContext> {
  const check = cube.core.apiGateway().getSQLServer().buildCheckSqlAuth(cube.config);
  const { securityContext } = await check({ protocol: "postgres", method: "password" }, user, password);
  return securityContext;
}
