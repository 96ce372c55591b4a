/** `promotor serve --check`: the whole server configuration through Cube's own classes, without
 * listening — Cube's option validation (CubejsServer/CubejsServerCore), the data source type from
 * the driver factory, the DuckDB driver reading the warehouse, and the model compiled by the
 * core's CompilerApi. Works without the native module (see src/serve/cube.ts). */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { PromotorError } from "../lib/errors.ts";
import type { TrinoSettings } from "../engine/settings.ts";
import { EXECUTIVE } from "../semantic/security.ts";
import { serverConfig } from "./config.ts";
import { createCubeServer, stopCube } from "./cube.ts";
import { probeWarehouse } from "./server.ts";

const require = createRequire(import.meta.url);

export interface ServerCheck {
  cubeVersion: string;
  dbType: string;
  views: string[];
  responses: number;
}

interface MetaCompilerApi {
  metaConfig(context: unknown, options?: Record<string, unknown>): Promise<{ config: { name: string; type?: string; public?: boolean; isVisible?: boolean } }[]>;
}

export async function checkServer(options: { warehouse: string; host?: string; corsOrigins?: string[]; trino?: TrinoSettings }, env: NodeJS.ProcessEnv = process.env): Promise<ServerCheck> {
  const expected = options.trino ? "trino" : "duckdb";
  if (!options.trino && !existsSync(options.warehouse)) {
    throw new PromotorError(`warehouse not found: ${options.warehouse}`, { hint: "build it first: promotor ingest seeds/sample && promotor build" });
  }
  // The server reads a snapshot; the check reads the warehouse itself, read-only, like it.
  const config = await serverConfig({ snapshotPath: options.warehouse, host: options.host, corsOrigins: options.corsOrigins ?? [], ...(options.trino ? { trino: options.trino } : {}) }, env);
  let cube;
  try {
    cube = createCubeServer(config);
  } catch (error) {
    throw new PromotorError(`Cube refused the server configuration: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      hint: "fix src/semantic/config.ts (the options Cube 1.7 accepts: https://cube.dev/docs/reference/configuration/config)",
    });
  }
  try {
    const dbType = await cube.core.options.dbType({ dataSource: "default" });
    if (dbType !== expected) throw new PromotorError(`Cube types the data source as "${String(dbType)}", not ${expected}`, { hint: `the driverFactory in src/semantic/config.ts must return { type: "${expected}", … }` });
    const responses = await probeWarehouse(cube, options.trino);
    const core = cube.core as unknown as { getCompilerApi(context: unknown): Promise<MetaCompilerApi> };
    const context = { securityContext: EXECUTIVE, requestId: "promotor-serve-check" };
    let meta;
    try {
      meta = await (await core.getCompilerApi(context)).metaConfig(context, { requestId: context.requestId });
    } catch (error) {
      throw new PromotorError(`the Cube model does not compile in the server: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        hint: "fix the model file named in the message (model/cubes, model/views) or the measure library (src/measures)",
      });
    }
    const views = meta.filter((m) => m.config.type === "view").map((m) => m.config.name);
    const { version } = require("@cubejs-backend/server/package.json") as { version: string };
    return { cubeVersion: version, dbType, views, responses };
  } finally {
    await stopCube(cube);
  }
}
