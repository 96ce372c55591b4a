/** The semantic layer on Trino (issue 25): the same Cube model, compiled with Cube's own Presto
 * dialect (the one @cubejs-backend/trino-driver declares), run on Trino.
 *
 * The dialect differences live here and in the measure library's `dialect` (one percentile):
 * - the model names its tables by layer (`marts.fct_nps_responses`); on Trino each layer is the
 *   schema `<trino.schema>_<layer>` of a catalog shared with other teams (transforms/macros/
 *   generate_schema_name.sql), so the layer prefix is mapped to it;
 * - answered_at is a UTC TIMESTAMP on both engines: a query in UTC needs no zone conversion, and
 *   date-range bounds compare as TIMESTAMP (as PromotorDuckDBQuery does on DuckDB);
 * - Trino's values come back as JSON text (timestamps, decimals): they are typed here like DuckDB's. */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { PromotorError } from "../lib/errors.ts";
import type { TrinoSettings } from "../engine/settings.ts";
import { trinoQueryWithColumns } from "../trino/client.ts";
import type { Executor } from "./executor.ts";

const require = createRequire(import.meta.url);

interface PrestodbQueryInstance {
  timezone: string;
  convertTz(field: string): string;
  timeStampCast(value: string): string;
  dateTimeCast(value: string): string;
  timeStampParam(...args: unknown[]): string;
  evaluateSql(cubeName: string, sql: unknown, options?: unknown): string;
}
type PrestodbQueryClass = new (...args: never[]) => PrestodbQueryInstance;

/** The layers the model names its tables by (dbt's folders). */
export const MODEL_LAYERS = ["marts", "intermediate", "staging", "reference"] as const;

/** `marts.x` → `"iceberg"."promotor_marts".x`, not inside a longer name or a quoted one. */
export function mapLayerSchemas(sql: string, t: Pick<TrinoSettings, "catalog" | "schema">): string {
  return sql.replace(
    new RegExp(`(?<![\\w."])(${MODEL_LAYERS.join("|")})\\.(?=[A-Za-z_"])`, "g"),
    (_m, layer: string) => `"${t.catalog}"."${layer === t.schema || layer.startsWith(`${t.schema}_`) ? layer : `${t.schema}_${layer}`}".`,
  );
}

/** ISO text ('2026-01-31T10:00:00.000', with or without a Z) as a TIMESTAMP in UTC. */
const utcTimestamp = (value: string): string => `CAST(replace(replace(${value}, 'T', ' '), 'Z', '') AS TIMESTAMP(3))`;

/** Cube's Presto/Trino dialect for one Trino target (the schema names differ per target). */
export function trinoQueryClass(t: Pick<TrinoSettings, "catalog" | "schema">): PrestodbQueryClass {
  const { PrestodbQuery } = require("@cubejs-backend/schema-compiler") as { PrestodbQuery: PrestodbQueryClass };
  return class PromotorTrinoQuery extends PrestodbQuery {
    /** Every member's and table's SQL passes here: tables by layer become the target's schemas. */
    override evaluateSql(cubeName: string, sql: unknown, options?: unknown): string {
      const evaluated = super.evaluateSql(cubeName, sql, options);
      return typeof evaluated === "string" ? mapLayerSchemas(evaluated, t) : evaluated;
    }

    override convertTz(field: string): string {
      return this.timezone === "UTC" ? field : super.convertTz(field);
    }

    /** Bounds as UTC TIMESTAMP: Cube's from_iso8601_timestamp(…) is a timestamp with time zone,
     * read in the session's zone when the text has no offset (Cube's has none), and comparing it
     * with answered_at converts every row. The text as a plain TIMESTAMP is the same instant in
     * UTC on any session. */
    override timeStampCast(value: string): string {
      return this.timezone === "UTC" ? utcTimestamp(value) : super.timeStampCast(value);
    }

    override dateTimeCast(value: string): string {
      return this.timezone === "UTC" ? utcTimestamp(value) : super.dateTimeCast(value);
    }

    override timeStampParam(...args: unknown[]): string {
      return this.timezone === "UTC" ? utcTimestamp("?") : super.timeStampParam(...args);
    }
  };
}

/** The schema Cube's SQL names rollups in on Trino, and where Cube's own orchestrator keeps them
 * (Iceberg tables in the source database when there is no Cube Store). */
export const trinoPreAggregationsSchema = (t: Pick<TrinoSettings, "schema">): string => `${t.schema}_pre_aggregations`;

/** The schema the in-process layer keeps its rollups in: not Cube's. After each rollup it builds,
 * Cube's orchestrator drops every table of its schema it did not make (PreAggregationLoader's
 * dropOrphanedTables), so the layer's tables there vanished whenever Cube's server ran. */
export const trinoLayerRollupsSchema = (t: Pick<TrinoSettings, "schema">): string => `${t.schema}_layer_rollups`;

/** A Trino value as DuckDB's executor returns it: numbers as numbers, times as Cube's text. */
export function trinoValue(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  const base = type.toLowerCase().replace(/\(.*$/, "");
  if (base === "bigint" || base === "integer" || base === "smallint" || base === "tinyint" || base === "double" || base === "real" || base === "decimal") {
    return typeof value === "number" ? value : Number(value);
  }
  if (base === "timestamp" && typeof value === "string") {
    // "2024-01-31 10:00:00.000000" → "2024-01-31T10:00:00.000" (Cube's REST form, DuckDB's too).
    const [date, time = "00:00:00"] = value.split(" ");
    const [hms, fraction = ""] = time.split(".");
    return `${date}T${hms}.${(fraction + "000").slice(0, 3)}`;
  }
  if (base === "date" && typeof value === "string") return `${value}T00:00:00.000`;
  return value;
}

/** The version of the marts a rollup was built from: dbt's on-run-start rewrites
 * intermediate.build_watermark on every build, so its latest Iceberg snapshot dates the build. */
export async function martsVersion(t: TrinoSettings): Promise<string> {
  try {
    // The latest snapshot by its commit time: Iceberg's snapshot ids are random, not ascending.
    const { rows } = await trinoQueryWithColumns(t, `SELECT CAST(snapshot_id AS VARCHAR) FROM "${t.catalog}"."${t.schema}_intermediate"."build_watermark$snapshots" ORDER BY committed_at DESC, snapshot_id LIMIT 1`, { timeoutSeconds: 30 });
    return createHash("sha256").update(String(rows[0]?.[0] ?? "none")).digest("hex").slice(0, 8);
  } catch (error) {
    throw new PromotorError(`Trino has no built marts in ${t.catalog}.${t.schema}_marts yet: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, {
      hint: "promotor --engine trino ingest <exports>, then promotor --engine trino build",
      cause: error,
    });
  }
}

/** Runs Cube-generated SQL on Trino. Rollups are Iceberg tables in `<schema>_layer_rollups`,
 * named by their SQL and the build they were made from: a later process (another `promotor
 * query`, the server) reuses them, and a build makes new ones (it drops the old: src/engine/
 * trino-commands.ts). */
export async function openTrinoExecutor(t: TrinoSettings): Promise<Executor> {
  const schema = trinoLayerRollupsSchema(t);
  const version = await martsVersion(t);
  let schemaMade: Promise<unknown> | undefined;
  return {
    async query(sql) {
      const { rows, columns } = await trinoQueryWithColumns(t, sql);
      return rows.map((values) => Object.fromEntries(columns.map((c, i) => [c.name, trinoValue(values[i], c.type)])));
    },
    preparedSql: () => [],
    async run(sql) {
      await trinoQueryWithColumns(t, sql);
    },
    async rollup(tableName, loadSql) {
      const name = `${LAYER_ROLLUP_PREFIX}${tableName.split(".").pop()!}_${createHash("sha256").update(loadSql).digest("hex").slice(0, 8)}_${version}`.toLowerCase();
      const target = `"${t.catalog}"."${schema}"."${name}"`;
      const exists = async (): Promise<boolean> =>
        Number((await trinoQueryWithColumns(t, `SELECT count(*) FROM "${t.catalog}".information_schema.tables WHERE table_schema = '${schema}' AND table_name = '${name}'`, { timeoutSeconds: 30 })).rows[0]?.[0] ?? 0) > 0;
      if (await exists()) return target;
      schemaMade ??= trinoQueryWithColumns(t, `CREATE SCHEMA IF NOT EXISTS "${t.catalog}"."${schema}"`, { timeoutSeconds: 30 });
      await schemaMade;
      const create = loadSql.replace(/^(\s*CREATE\s+TABLE\s+)(\S+)/i, (_m, head: string) => `${head}${target}`);
      try {
        await trinoQueryWithColumns(t, create);
      } catch (error) {
        // Another process built the same rollup at the same time: Iceberg committed one of them.
        if (!(await exists())) throw error;
      }
      return target;
    },
    close() {},
  };
}

/** Names of the in-process layer's rollups (in trinoLayerRollupsSchema; Cube's server keeps its
 * own in trinoPreAggregationsSchema and drops them itself). */
export const LAYER_ROLLUP_PREFIX = "layer__";

/** Drops the layer's rollups of earlier builds (not made from the current one); returns how many. */
export async function dropStaleRollups(t: TrinoSettings, onStale: (count: number) => void = () => undefined): Promise<number> {
  const schema = trinoLayerRollupsSchema(t);
  const version = await martsVersion(t);
  const { rows } = await trinoQueryWithColumns(t, `SELECT table_name FROM "${t.catalog}".information_schema.tables WHERE table_schema = '${schema}'`, { timeoutSeconds: 30 });
  const stale = rows.map((r) => String(r[0])).filter((name) => name.startsWith(LAYER_ROLLUP_PREFIX) && !name.endsWith(`_${version}`));
  if (stale.length > 0) onStale(stale.length);
  for (const name of stale) await trinoQueryWithColumns(t, `DROP TABLE IF EXISTS "${t.catalog}"."${schema}"."${name}"`, { timeoutSeconds: 60 });
  return stale.length;
}
