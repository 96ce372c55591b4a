/** Chart data as the renderers take it: plain values, already mapped from semantic-layer rows.
 * Browser-safe (used by the static charts and by the <promotor-chart> embed alike). */

export interface ChartContext {
  /** Last day with data, "YYYY-MM-DD"; stated on every chart. */
  dataDate: string | null;
  /** Groups with fewer responses show "too few responses" instead of a score. */
  minSample: number;
  /** Prefix for ids inside the SVG (patterns, clip paths), unique per page. */
  idPrefix?: string;
  width?: number;
  height?: number;
  /** Overrides the chart's default title. */
  title?: string;
}

export interface TrendPoint {
  /** Period start, "YYYY-MM" for months or "YYYY-MM-DD" for days/weeks. */
  period: string;
  nps: number | null;
  /** 95 % margin of error in NPS points. */
  marginOfError: number | null;
  responses: number;
}

export interface CategoryValue {
  key: string;
  label: string;
  value: number | null;
  responses: number;
}

export interface DriverPoint {
  key: string;
  label: string;
  /** Pearson correlation with recommend_score, −1…1. */
  importance: number | null;
  /** Mean rating 0–10. */
  performance: number | null;
  /** Importance differs significantly from 0 (Fisher z, 95 %); null/undefined when unknown. */
  significant?: boolean | null;
  responses: number;
}

export interface KrsData {
  satisfaction: number | null;
  trust: number | null;
  love: number | null;
  score: number | null;
  responses: number;
}

export interface TileData {
  label: string;
  value: number | null;
  /** "NPS" formats as a signed integer, "score" with one decimal, "%" as a percentage. */
  kind: "NPS" | "score" | "%";
  responses: number;
  /** Optional secondary line, e.g. "± 4.1 (95 %)". */
  note?: string;
}
