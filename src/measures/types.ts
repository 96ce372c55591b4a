/** A measure as Promotor defines it once in TypeScript and Cube receives it (src/measures/emit.ts).
 * `sql` uses Cube's template notation: {CUBE} for the cube's table, {name} for another member
 * of the same cube. */

export type MeasureType = "count" | "sum" | "avg" | "min" | "max" | "number" | "count_distinct";
export type MeasureFormat = "percent" | "number";

export interface MeasureDefinition {
  type: MeasureType;
  /** Cube template SQL; omitted for a plain count(*). */
  sql?: string;
  title?: string;
  description: string;
  format?: MeasureFormat;
  /** Row conditions (Cube template SQL) for count/sum measures: count only rows where all hold. */
  filters?: string[];
  /** false hides a building block from the API (still usable by other measures and rollups). */
  public?: boolean;
  meta?: Record<string, string | number | boolean>;
}

export type MeasureSet = Record<string, MeasureDefinition>;

/** Minimum responses before a score is shown (DESIGN.md "Minimum sample"). */
export const DEFAULT_MINIMUM_SAMPLE = 30;

/** The SQL the measures are written in: the engine's (issue 25). Nearly all of the library is
 * SQL both read alike; where not (a percentile), the measure takes the dialect. */
export type SqlDialect = "duckdb" | "trino";
