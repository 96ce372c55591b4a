import type { TrinoSettings } from "../engine/settings.ts";

/** Public types of the semantic layer (src/semantic/index.ts). Other areas (Evidence sources,
 * static charts, the Cube server) build on these: add fields, don't rename. */

export type Granularity = "second" | "minute" | "hour" | "day" | "week" | "month" | "quarter" | "year";

/** Roles carried in the JWT / security context (docs/semantic.md "Security"). */
export const ROLES = ["executive", "business_unit", "account_manager"] as const;
export type Role = (typeof ROLES)[number];

/**
 * Cube's securityContext as Promotor uses it (the JWT payload). `business_unit` is required for
 * role business_unit, `account_manager` for role account_manager. No role (or an incomplete one)
 * sees nothing.
 */
export interface SecurityContext {
  role?: Role | string;
  business_unit?: string;
  account_manager?: string;
  /** Who this is (for logs); not used for access. */
  sub?: string;
  [claim: string]: unknown;
}

export type FilterOperator =
  | "equals" | "notEquals" | "contains" | "notContains" | "startsWith" | "notStartsWith" | "endsWith" | "notEndsWith"
  | "gt" | "gte" | "lt" | "lte" | "set" | "notSet" | "inDateRange" | "notInDateRange" | "beforeDate" | "beforeOrOnDate"
  | "afterDate" | "afterOrOnDate" | "measureFilter";

export interface MemberFilter {
  member?: string;
  /** Cube's legacy spelling of `member`. */
  dimension?: string;
  operator: FilterOperator;
  values?: (string | number | boolean | null)[];
}
export type CubeFilter = MemberFilter | { or: CubeFilter[] } | { and: CubeFilter[] };

export interface TimeDimension {
  dimension: string;
  granularity?: Granularity;
  dateRange?: string | [string, string];
  compareDateRange?: unknown;
}

/** A Cube REST query (https://cube.dev/docs/product/apis-integrations/rest-api/query-format). */
export interface CubeQuery {
  measures?: string[];
  dimensions?: string[];
  timeDimensions?: TimeDimension[];
  filters?: CubeFilter[];
  segments?: string[];
  order?: Record<string, "asc" | "desc"> | [string, "asc" | "desc"][];
  limit?: number;
  offset?: number;
  timezone?: string;
  ungrouped?: boolean;
  total?: boolean;
  renewQuery?: boolean;
}

/** One member in a result annotation, as Cube's REST API describes it. */
export interface MemberAnnotation {
  title: string;
  shortTitle: string;
  type: string;
  description?: string;
  format?: unknown;
  meta?: unknown;
}

export interface ResultAnnotation {
  measures: Record<string, MemberAnnotation>;
  dimensions: Record<string, MemberAnnotation>;
  segments: Record<string, MemberAnnotation>;
  timeDimensions: Record<string, MemberAnnotation>;
}

export interface LoadResult {
  /** Rows keyed like Cube's REST API: "nps.score", "nps.answered_at.month" (and "nps.answered_at").
   * Numbers are JS numbers, time dimensions ISO strings without zone ("2024-01-01T00:00:00.000"),
   * null stays null. */
  data: Record<string, unknown>[];
  /** The SQL that ran (Cube-generated, parameters inlined, runs in DuckDB as is). */
  sql: string;
  /** Name ("cube.rollup") of the pre-aggregation that served the query, if one did. */
  preAggregation?: string;
  annotation: ResultAnnotation;
  /** The query after normalisation, row-level security and queryRewrite. */
  query: Record<string, unknown>;
}

export type MemberKind = "measure" | "dimension" | "segment";

export interface MetaMember {
  /** Full name, e.g. "nps.score". */
  name: string;
  kind: MemberKind;
  /** Cube type: number, count, sum, avg, string, time, boolean, ... */
  type: string;
  /** Type of the underlying Cube measure (count, sum, number, ...), for measures. */
  aggType?: string;
  title: string;
  shortTitle: string;
  description?: string;
  format?: unknown;
  isVisible: boolean;
  /** Granularities of a time dimension. */
  granularities?: string[];
}

export interface MetaCube {
  name: string;
  type: "cube" | "view";
  title: string;
  description?: string;
  /** Whether Cube shows it to API users (views public, base cubes not). */
  isVisible: boolean;
  measures: MetaMember[];
  dimensions: MetaMember[];
  segments: MetaMember[];
}

export interface SemanticLayerOptions {
  /** Path of the DuckDB warehouse file (opened read-only). */
  warehouse: string;
  /** Folder with the Cube model (default: <project>/model). */
  model?: string;
  /** Build and use pre-aggregations (rollups kept in DuckDB memory). Default true. */
  preAggregations?: boolean;
  /** Keep prepared queries on disk (.promotor/cache/plans, keyed by the model's fingerprint), so
   * that a later process answers a question asked before without loading Cube. Default false;
   * `promotor query` turns it on. */
  planCache?: boolean;
  /** Run on this Trino target instead of the DuckDB file (issue 25; docs/trino.md). The warehouse
   * path is then unused. */
  trino?: TrinoSettings;
}

export interface SqlOptions {
  /** Let a matching pre-aggregation serve the query (the SQL then reads the rollup table, which
   * only exists inside this SemanticLayer). Default false: SQL over the marts, runnable anywhere. */
  usePreAggregations?: boolean;
}

export interface SemanticLayer {
  /** Runs a Cube query through the compiled model on the warehouse. Default security: executive. */
  load(query: CubeQuery, security?: SecurityContext): Promise<LoadResult>;
  /** The SQL Cube generates for the query (over the marts, parameters inlined: runs in DuckDB as is). */
  sql(query: CubeQuery, security?: SecurityContext, options?: SqlOptions): Promise<string>;
  /** Cubes and views with their members (type, description). */
  meta(): Promise<MetaCube[]>;
  close(): Promise<void>;
}
