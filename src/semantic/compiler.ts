/** Cube's own compiler in-process: server-core's CompilerApi (the class the Cube server uses)
 * over Promotor's repository, with the DuckDB dialect. Without @cubejs-backend/native it gets
 * its own NativeInstance whose only job, a Jinja engine, refuses with a clear message: Jinja and
 * Python model files need the native module; Promotor's model is JavaScript. */
import { createRequire } from "node:module";
import { contextToGroups } from "./security.ts";
import { configurePlanner, hasCubeNative } from "./native.ts";
import type { SchemaFileRepository } from "./repository.ts";
import { PromotorDuckDBQuery } from "./dialect.ts";

const require = createRequire(import.meta.url);

import { PRE_AGGREGATIONS_SCHEMA } from "./session.ts";

export { PRE_AGGREGATIONS_SCHEMA };

export interface PreAggregationDescription {
  preAggregationId: string;
  tableName: string;
  loadSql: [string, unknown[]];
  sql?: [string, unknown[]];
  type?: string;
  external?: boolean;
  [key: string]: unknown;
}

export interface CubeSqlResult {
  sql: [string, unknown[]];
  preAggregations: PreAggregationDescription[];
  aliasNameToMember: Record<string, string>;
  memberNames: string[];
  order?: unknown;
  external?: unknown;
}

export interface CubeRequestContext {
  securityContext: unknown;
  requestId: string;
}

export interface CubeMetaMember {
  name: string;
  title: string;
  shortTitle: string;
  type: string;
  aggType?: string;
  description?: string;
  format?: unknown;
  meta?: unknown;
  isVisible: boolean;
  public?: boolean;
  granularities?: { name: string }[];
}

export interface CubeMetaConfig {
  config: {
    name: string;
    type: "cube" | "view";
    title: string;
    description?: string;
    isVisible: boolean;
    public?: boolean;
    measures: CubeMetaMember[];
    dimensions: CubeMetaMember[];
    segments: CubeMetaMember[];
  };
}

/** The part of Cube's CompilerApi Promotor uses (server-core/dist/src/core/CompilerApi.js). */
export interface CubeCompilerApi {
  getSql(query: Record<string, unknown>, options?: { requestId?: string }): Promise<CubeSqlResult>;
  applyRowLevelSecurity(
    query: Record<string, unknown>,
    evaluatedQuery: Record<string, unknown>,
    context: CubeRequestContext,
  ): Promise<{ query: Record<string, unknown>; denied: boolean }>;
  metaConfig(context: CubeRequestContext, options?: { skipVisibilityPatch?: boolean }): Promise<CubeMetaConfig[]>;
  getCompilers(options?: { requestId?: string }): Promise<unknown>;
  dispose(): void;
}

export type CompilerApiClass = new (
  repository: SchemaFileRepository,
  dbType: (ctx: { dataSource: string }) => string | Promise<string | undefined>,
  options: Record<string, unknown>,
) => CubeCompilerApi;

const JINJA_NEEDS_NATIVE =
  "Jinja/Python model files need @cubejs-backend/native, which is not installed here; write the model in JavaScript (model/*.js)";

/** Stands in for Cube's NativeInstance when the native module is missing. Cube's YAML compiler
 * creates a Jinja engine on every compile even without Jinja files; using it fails loudly. */
export const jsOnlyNativeInstance = {
  newJinjaEngine(): { loadTemplate(): never; renderTemplate(): never } {
    const refuse = (): never => {
      throw new Error(JINJA_NEEDS_NATIVE);
    };
    return { loadTemplate: refuse, renderTemplate: refuse };
  },
  loadPythonContext(): never {
    throw new Error(JINJA_NEEDS_NATIVE);
  },
};

/** Cube's CompilerApi class (server-core), or, without the native module, the same class with
 * the JavaScript-only NativeInstance above. The Cube server's core uses it too (src/serve/cube.ts). */
export function cubeCompilerApiClass(): CompilerApiClass {
  const { CompilerApi: CubeCompilerApiClass } = require("@cubejs-backend/server-core/dist/src/core/CompilerApi.js") as {
    CompilerApi: CompilerApiClass;
  };
  if (hasCubeNative()) return CubeCompilerApiClass;
  return class extends (CubeCompilerApiClass as unknown as new (...args: unknown[]) => object) {
    createNativeInstance(): unknown {
      return jsOnlyNativeInstance;
    }
  } as unknown as CompilerApiClass;
}

/** The engine Cube writes SQL for: DuckDB (default) or a Trino target (src/semantic/trino.ts). */
export interface CompilerEngine {
  dbType: "duckdb" | "trino";
  dialectClass: unknown;
  preAggregationsSchema: string;
}

export const DUCKDB_ENGINE: CompilerEngine = { dbType: "duckdb", dialectClass: PromotorDuckDBQuery, preAggregationsSchema: PRE_AGGREGATIONS_SCHEMA };

export function createCompilerApi(repository: SchemaFileRepository, engine: CompilerEngine = DUCKDB_ENGINE): CubeCompilerApi {
  configurePlanner();
  const CompilerApi = cubeCompilerApiClass();
  return new CompilerApi(repository, () => engine.dbType, {
    dialectClass: () => engine.dialectClass,
    contextToGroups,
    preAggregationsSchema: engine.preAggregationsSchema,
    // The model only requires its own files (import './promotor_measures').
    allowNodeRequire: false,
    sqlCache: false,
  });
}
