/** The semantic layer in-process: Cube's compiler and planner over the model, Cube's access
 * policies for row-level security, DuckDB for execution, rollups kept in DuckDB. */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { PromotorError } from "../lib/errors.ts";
import type { CompilerEngine, CubeCompilerApi, CubeMetaConfig, CubeSqlResult } from "./compiler.ts";
import { openExecutor, type Executor } from "./executor.ts";
import { inlineParams } from "./inline.ts";
import { PlanCache, type CachedPlan } from "./plan-cache.ts";
import { PreAggregationStore } from "./preaggregations.ts";
import { DEFAULT_MODEL_DIR, PromotorSchemaRepository } from "./repository.ts";
import { EXECUTIVE, normalizeSecurityContext } from "./security.ts";
import { closeMatches } from "./suggest.ts";
import { installTranspileCache, transpileCacheFor } from "./transpile-cache.ts";
import type {
  CubeQuery,
  LoadResult,
  MetaCube,
  MetaMember,
  ResultAnnotation,
  SecurityContext,
  SemanticLayer,
  SemanticLayerOptions,
  SqlOptions,
} from "./types.ts";

const require = createRequire(import.meta.url);

interface GatewayQueryModule {
  normalizeQuery(query: unknown, persistent: boolean): Record<string, unknown>;
  remapToQueryAdapterFormat(query: Record<string, unknown>): Record<string, unknown>;
}
interface AnnotationModule {
  prepareAnnotation(meta: CubeMetaConfig[], query: unknown): ResultAnnotation;
}
// Cube's API gateway helpers: the same query validation/normalisation and annotations as the REST
// API. Loaded on first use: a query answered from the plan cache loads nothing of Cube.
let gatewayModules: { query: GatewayQueryModule; annotations: AnnotationModule } | undefined;
function gateway(): { query: GatewayQueryModule; annotations: AnnotationModule } {
  gatewayModules ??= {
    query: require("@cubejs-backend/api-gateway/dist/src/query.js") as GatewayQueryModule,
    annotations: require("@cubejs-backend/api-gateway/dist/src/helpers/prepare-annotation.js") as AnnotationModule,
  };
  return gatewayModules;
}

/** A preAggregationId no rollup has: makes Cube's matcher pick none (SQL over the marts). */
const NO_PRE_AGGREGATION = "__promotor_no_pre_aggregation__";

/** Cube's built-in granularities (custom ones in the model are listed after them). */
const BUILT_IN_GRANULARITIES: readonly string[] = ["second", "minute", "hour", "day", "week", "month", "quarter", "year"];

interface PreparedQuery {
  normalized: Record<string, unknown>;
  sqlResult: Pick<CubeSqlResult, "sql" | "preAggregations" | "aliasNameToMember">;
  /** Kept with plans from the disk cache (src/semantic/plan-cache.ts); computed otherwise. */
  annotation?: ResultAnnotation;
}

/** Cube's compilers for a layer, compiled on first use. */
export interface CompilerSource {
  /** The compiler (rollups as the layer was created). */
  compiler(): Promise<CubeCompilerApi>;
  /** A second, rollup-free compiler (Cube caches the chosen rollup per query shape). */
  raw(): Promise<CubeCompilerApi>;
  /** Whether either was asked for. */
  loaded(): boolean;
  dispose(): void;
}

/** Only plain data survives the disk: Cube's deny filter is a function, so such plans stay in
 * memory (an undefined property is dropped, as it would be in Cube's REST answer). */
function isPlainJson(value: unknown): boolean {
  if (value === null || value === undefined || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(isPlainJson);
  return false;
}

function cubeTimestamp(date: Date): string {
  return date.toISOString().replace(/Z$/, "");
}

/** DuckDB values -> what Cube's REST API would hold, but numbers as numbers. */
function jsValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return cubeTimestamp(value);
  if (value !== null && typeof value === "object" && "toDouble" in value && typeof (value as { toDouble: unknown }).toDouble === "function") {
    return (value as { toDouble(): number }).toDouble();
  }
  return value;
}

/** A deep copy of arrays and plain objects; other values (Cube's row-level deny filter is a
 * function) are shared, as structuredClone cannot copy functions. */
function copyPlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyPlain) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyPlain(v)])) as T;
  }
  return value;
}

/** Cube's query with the rollup's table as the executor built it (DuckDB: the same name). */
export function readingRollup(sql: string, tableName: string, builtAs: string): string {
  if (builtAs === tableName) return sql;
  const escaped = tableName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return sql.replace(new RegExp(`(?<![\\w."])${escaped}(?![\\w"])`, "g"), builtAs);
}

/** Prepared queries kept per layer: dashboards ask the same few questions again and again. */
const PREPARED_CACHE_SIZE = 500;

/** Whether a query's SQL depends on the clock (a relative date range such as "last 7 days"). */
export function dependsOnNow(query: CubeQuery): boolean {
  return (query.timeDimensions ?? []).some((t) => typeof t.dateRange === "string" || t.compareDateRange !== undefined);
}

export class InProcessSemanticLayer implements SemanticLayer {
  private readonly preAggregations: PreAggregationStore;
  /** Normalised, secured and compiled queries by (query, security context, rollups): after the
   * first compile, a repeated query costs only its execution. Normalising and access policies
   * alone took ~5 ms per query, more than DuckDB needs to answer from a rollup (docs/benchmarks.md). */
  private readonly prepared = new Map<string, Promise<PreparedQuery>>();
  private metaCache: Promise<CubeMetaConfig[]> | undefined;

  constructor(
    private readonly compilers: CompilerSource,
    private readonly executor: Executor,
    private readonly usePreAggregations: boolean,
    /** Prepared queries on disk (the CLI's); undefined: in memory only. */
    private readonly planCache?: PlanCache,
  ) {
    this.preAggregations = new PreAggregationStore(executor);
  }

  /** Whether Cube was loaded and the model compiled in this layer (not when every question so
   * far came from the plan cache). */
  get cubeLoaded(): boolean {
    return this.compilers.loaded();
  }

  /** Cube caches the chosen rollup per query shape (the preAggregationId is not in its cache
   * key), so SQL that must ignore rollups gets its own compiler when this layer uses them. */
  private compilerFor(usePreAggregations: boolean): Promise<CubeCompilerApi> {
    if (usePreAggregations === this.usePreAggregations) return this.compilers.compiler();
    if (usePreAggregations) throw new PromotorError("this semantic layer was created with preAggregations: false");
    return this.compilers.raw();
  }

  private context(security: SecurityContext | undefined) {
    return { securityContext: normalizeSecurityContext(security ?? EXECUTIVE), requestId: randomUUID() };
  }

  private async metaConfig(): Promise<CubeMetaConfig[]> {
    this.metaCache ??= this.compilers.compiler().then((api) => api.metaConfig({ securityContext: EXECUTIVE, requestId: "meta" }, { skipVisibilityPatch: true }));
    return this.metaCache;
  }

  /** Cube's error plus the known members closest to each unknown one in the query. */
  private async explain(error: unknown, query: CubeQuery): Promise<PromotorError> {
    const message = error instanceof Error ? error.message : String(error);
    let known: string[] = [];
    try {
      known = (await this.meta()).filter((c) => c.isVisible).flatMap((c) => [...c.measures, ...c.dimensions, ...c.segments].map((m) => m.name));
    } catch {
      // The model itself failed to compile: Cube's message is all there is.
    }
    const used = [
      ...(query.measures ?? []),
      ...(query.dimensions ?? []).map((d) => d.split(".").slice(0, 2).join(".")),
      ...(query.timeDimensions ?? []).map((t) => t.dimension),
      ...(query.segments ?? []),
    ];
    const allKnown = new Set((await this.meta().catch(() => [])).flatMap((c) => [...c.measures, ...c.dimensions, ...c.segments].map((m) => m.name)));
    const unknown = known.length ? used.filter((m) => !allKnown.has(m)) : [];
    const hints = unknown.map((m) => {
      const close = closeMatches(m, known);
      return close.length ? `${m}: did you mean ${close.join(", ")}?` : `${m}: no close match; list members with \`promotor query --members\``;
    });
    return new PromotorError(`Cube: ${message}`, {
      cause: error,
      hint: hints.length ? hints.join("\n       ") : "check the query against docs/semantic.md",
    });
  }

  private prepare(query: CubeQuery, security: SecurityContext | undefined, usePreAggregations: boolean): Promise<PreparedQuery> {
    if (query === null || typeof query !== "object" || Array.isArray(query) || dependsOnNow(query)) return this.compile(query, security, usePreAggregations);
    const key = JSON.stringify([query, normalizeSecurityContext(security ?? EXECUTIVE), usePreAggregations]);
    const hit = this.prepared.get(key);
    if (hit) {
      // Least recently used goes first: re-insert on use.
      this.prepared.delete(key);
      this.prepared.set(key, hit);
      return hit;
    }
    const compiled = this.fromDisk(key, query, security, usePreAggregations);
    this.prepared.set(key, compiled);
    compiled.catch(() => this.prepared.delete(key));
    if (this.prepared.size > PREPARED_CACHE_SIZE) this.prepared.delete(this.prepared.keys().next().value as string);
    return compiled;
  }

  /** The plan from the disk cache, or compiled by Cube and then kept there. */
  private async fromDisk(key: string, query: CubeQuery, security: SecurityContext | undefined, usePreAggregations: boolean): Promise<PreparedQuery> {
    const cached = this.planCache?.get(key);
    if (cached) return cached;
    const prepared = await this.compile(query, security, usePreAggregations);
    if (this.planCache) {
      const plan: CachedPlan = {
        normalized: prepared.normalized,
        sqlResult: { sql: prepared.sqlResult.sql, preAggregations: prepared.sqlResult.preAggregations, aliasNameToMember: prepared.sqlResult.aliasNameToMember },
        annotation: gateway().annotations.prepareAnnotation(await this.metaConfig(), prepared.normalized),
      };
      if (isPlainJson(plan)) {
        this.planCache.set(key, plan);
        prepared.annotation = plan.annotation;
      }
    }
    return prepared;
  }

  private async compile(query: CubeQuery, security: SecurityContext | undefined, usePreAggregations: boolean): Promise<PreparedQuery> {
    if (query === null || typeof query !== "object" || Array.isArray(query)) {
      throw new PromotorError("a Cube query must be a JSON object", { hint: `e.g. {"measures":["nps.score"],"dimensions":["nps.touchpoint"]}` });
    }
    try {
      const context = this.context(security);
      const compilerApi = await this.compilerFor(usePreAggregations);
      const gatewayQuery = gateway().query;
      const normalized = gatewayQuery.normalizeQuery(structuredClone({ timezone: "UTC", ...query }), false);
      // Row-level security exactly as Cube's API gateway applies it: access policies of the
      // cubes behind the queried views, groups from contextToGroups (src/semantic/security.ts).
      const secured = await compilerApi.applyRowLevelSecurity(normalized, structuredClone(normalized), context);
      const adapterQuery = gatewayQuery.remapToQueryAdapterFormat(secured.query);
      if (!usePreAggregations) adapterQuery["preAggregationId"] = NO_PRE_AGGREGATION;
      const sqlResult = await compilerApi.getSql(adapterQuery, { requestId: context.requestId });
      return { normalized: secured.query, sqlResult };
    } catch (error) {
      if (error instanceof PromotorError) throw error;
      throw await this.explain(error, query);
    }
  }

  async sql(query: CubeQuery, security?: SecurityContext, options: SqlOptions = {}): Promise<string> {
    const { sqlResult } = await this.prepare(query, security, options.usePreAggregations ?? false);
    return inlineParams(sqlResult.sql[0], sqlResult.sql[1]);
  }

  async load(query: CubeQuery, security?: SecurityContext): Promise<LoadResult> {
    const { normalized, sqlResult, annotation: kept } = await this.prepare(query, security, this.usePreAggregations);
    const rollup = sqlResult.preAggregations[0];
    const generated = inlineParams(sqlResult.sql[0], sqlResult.sql[1]);
    let sql = generated;
    let rows: Record<string, unknown>[] | undefined;
    // Twice at most: a rollup table another process dropped (a Trino build replaces them) is
    // built again once.
    for (let attempt = 1; rows === undefined; attempt++) {
      if (rollup) sql = readingRollup(generated, rollup.tableName, await this.preAggregations.ensure(rollup));
      try {
        rows = await this.executor.query(sql);
      } catch (error) {
        if (rollup && attempt === 1 && this.executor.rollup) {
          this.preAggregations.forget(rollup);
          continue;
        }
        if (error instanceof PromotorError) throw new PromotorError(`the SQL Cube generated failed: ${error.message}`, { cause: error, hint: error.hint ?? "run with --sql to see it" });
        throw new PromotorError(`DuckDB rejected the SQL Cube generated: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
          hint: "run with --sql to see it; is the warehouse built (`promotor build`) with the marts this model reads?",
        });
      }
    }
    const timeDimensionKeys = new Map<string, string>();
    for (const td of (normalized["timeDimensions"] as { dimension: string; granularity?: string }[] | undefined) ?? []) {
      if (td.granularity) timeDimensionKeys.set(`${td.dimension}.${td.granularity}`, td.dimension);
    }
    const data = rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const [alias, value] of Object.entries(row)) {
        const member = sqlResult.aliasNameToMember[alias] ?? alias;
        const v = jsValue(value);
        out[member] = v;
        const plain = timeDimensionKeys.get(member);
        if (plain && !(plain in out)) out[plain] = v;
      }
      return out;
    });
    const annotation = kept ?? gateway().annotations.prepareAnnotation(await this.metaConfig(), normalized);
    // A copy: the prepared query is shared by every later load of the same question.
    const result: LoadResult = { data, sql, annotation, query: copyPlain(normalized) };
    if (rollup) result.preAggregation = rollup.preAggregationId;
    return result;
  }

  async meta(): Promise<MetaCube[]> {
    const member = (kind: MetaMember["kind"]) => (m: CubeMetaConfig["config"]["measures"][number]): MetaMember => {
      const out: MetaMember = { name: m.name, kind, type: m.type, title: m.title, shortTitle: m.shortTitle, isVisible: m.isVisible !== false && m.public !== false };
      if (m.aggType !== undefined) out.aggType = m.aggType;
      if (m.description !== undefined) out.description = m.description;
      if (m.format !== undefined) out.format = m.format;
      if (m.type === "time") out.granularities = [...BUILT_IN_GRANULARITIES, ...(m.granularities ?? []).map((g) => g.name).filter((g) => !BUILT_IN_GRANULARITIES.includes(g))];
      return out;
    };
    return (await this.metaConfig()).map(({ config: c }) => {
      const cube: MetaCube = {
        name: c.name,
        type: c.type,
        title: c.title,
        isVisible: c.isVisible !== false && c.public !== false,
        measures: c.measures.map(member("measure")),
        dimensions: c.dimensions.map(member("dimension")),
        segments: c.segments.map(member("segment")),
      };
      if (c.description !== undefined) cube.description = c.description;
      return cube;
    });
  }

  async close(): Promise<void> {
    this.compilers.dispose();
    this.executor.close();
  }
}

/** Cube's compilers over the repository, each created and compiled on first use. */
function compilerSource(repository: PromotorSchemaRepository, engine?: CompilerEngine): CompilerSource {
  let main: Promise<CubeCompilerApi> | undefined;
  let raw: Promise<CubeCompilerApi> | undefined;
  const made: CubeCompilerApi[] = [];
  const make = async (): Promise<CubeCompilerApi> => {
    const { createCompilerApi } = await import("./compiler.ts");
    const api = createCompilerApi(repository, engine);
    made.push(api);
    try {
      installTranspileCache();
      repository.transpileCache ??= transpileCacheFor(await repository.dataSchemaFiles());
      await api.getCompilers();
      repository.transpileCache?.save();
    } catch (error) {
      throw new PromotorError(`the Cube model in ${repository.modelDir} does not compile: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        file: repository.modelDir,
        hint: "fix the model file named in the message (model/cubes, model/views) or the measure library (src/measures)",
      });
    }
    return api;
  };
  return {
    compiler: () => (main ??= make()),
    raw: () => (raw ??= make()),
    loaded: () => main !== undefined || raw !== undefined,
    dispose: () => {
      for (const api of made) api.dispose();
    },
  };
}

export async function createSemanticLayer(options: SemanticLayerOptions): Promise<SemanticLayer> {
  const trino = options.trino;
  const repository = new PromotorSchemaRepository(options.model ?? DEFAULT_MODEL_DIR, undefined, trino ? "trino" : "duckdb");
  let engine: CompilerEngine | undefined;
  if (trino) {
    const { trinoQueryClass, trinoPreAggregationsSchema } = await import("./trino.ts");
    engine = { dbType: "trino", dialectClass: trinoQueryClass(trino), preAggregationsSchema: trinoPreAggregationsSchema(trino) };
  }
  const compilers = compilerSource(repository, engine);
  let planCache: PlanCache | undefined;
  if (options.planCache) {
    const { chosenPlanner } = await import("./native.ts");
    // Plans differ by engine and by Trino target (its schema names are in the SQL).
    const target = trino ? ["trino", trino.catalog, trino.schema] : [];
    planCache = PlanCache.open(await repository.dataSchemaFiles(), [chosenPlanner(), options.preAggregations ?? true, ...target]);
  }
  // Compile now (a model that does not compile fails here), unless the plan cache knows this
  // model compiled: then Cube is loaded only for a question it has not seen.
  if (!planCache?.compiled) {
    try {
      await compilers.compiler();
      planCache?.markCompiled();
    } catch (error) {
      compilers.dispose();
      throw error;
    }
  }
  let executor: Executor;
  try {
    executor = trino ? await (await import("./trino.ts")).openTrinoExecutor(trino) : await openExecutor(options.warehouse);
  } catch (error) {
    compilers.dispose();
    throw error;
  }
  return new InProcessSemanticLayer(compilers, executor, options.preAggregations ?? true, planCache);
}
