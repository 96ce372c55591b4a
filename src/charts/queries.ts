/** The semantic-layer questions behind each standard chart, and how their result rows (Cube's
 * /cubejs-api/v1/load `data` shape: keys "view.member", numbers possibly as strings) become chart
 * data. Shared by `promotor charts` (server side) and <promotor-chart> (browser). */
import type { CubeFilter, CubeQuery } from "../semantic/types.ts";
import type { CategoryValue, DriverPoint, KrsData, TrendPoint } from "./types.ts";

export type Row = Record<string, unknown>;

export interface Selection {
  /** Extra filters (e.g. one business unit), applied to every query of the chart. */
  filters?: CubeFilter[];
  /** Cube dateRange of answered_at, e.g. "last 12 months" or ["2026-01-01", "2026-10-31"]. */
  dateRange?: string | [string, string];
}

const timeDimension = (view: string, granularity: "day" | "month", sel: Selection) => ({
  dimension: `${view}.answered_at`,
  granularity,
  ...(sel.dateRange ? { dateRange: sel.dateRange } : {}),
});
/** Selection filters name a shared dimension ("business_unit", or "nps.business_unit"); each chart
 * query gets it on its own view, so one selection fits nps, drivers and krs alike. */
export function scopeFilter(filter: CubeFilter, view: string): CubeFilter {
  if ("or" in filter) return { or: filter.or.map((f) => scopeFilter(f, view)) };
  if ("and" in filter) return { and: filter.and.map((f) => scopeFilter(f, view)) };
  const name = filter.member ?? filter.dimension ?? "";
  const { dimension: _legacy, ...rest } = filter;
  return { ...rest, member: `${view}.${name.split(".").pop()}` };
}

const viewOf = (q: CubeQuery): string => (q.measures?.[0] ?? q.dimensions?.[0] ?? "nps").split(".")[0]!;

const withFilters = (q: CubeQuery, sel: Selection, extra: CubeFilter[] = []): CubeQuery => {
  const filters = [...extra, ...(sel.filters ?? []).map((f) => scopeFilter(f, viewOf(q)))];
  return filters.length ? { ...q, filters } : q;
};

/** Charts ask for the `_reported` members (src/measures/reported.ts): the semantic layer itself
 * returns null below its minimum sample, so no chart or embed can draw a suppressed figure,
 * whatever min-sample a page asks for (a larger one hides more). */
export const chartQueries = {
  trend: (sel: Selection = {}): CubeQuery =>
    withFilters(
      {
        measures: ["nps.score_reported", "nps.score_margin_of_error_reported", "nps.responses"],
        timeDimensions: [timeDimension("nps", "month", sel)],
        order: { "nps.answered_at": "asc" },
      },
      sel,
    ),
  touchpoints: (sel: Selection = {}): CubeQuery =>
    withFilters(
      {
        measures: ["nps.score_reported", "nps.responses"],
        dimensions: ["nps.touchpoint", "nps.touchpoint_label_en", "nps.journey_order"],
        ...(sel.dateRange ? { timeDimensions: [{ dimension: "nps.answered_at", dateRange: sel.dateRange }] } : {}),
        order: { "nps.journey_order": "asc", "nps.touchpoint": "asc" },
      },
      sel,
      [{ member: "nps.survey_type", operator: "equals", values: ["touchpoint"] }],
    ),
  drivers: (sel: Selection = {}): CubeQuery =>
    withFilters(
      {
        measures: ["drivers.importance_reported", "drivers.performance_reported", "drivers.importance_significant_reported", "drivers.ratings"],
        dimensions: ["drivers.driver", "drivers.driver_label_en", "drivers.driver_order"],
        ...(sel.dateRange ? { timeDimensions: [{ dimension: "drivers.answered_at", dateRange: sel.dateRange }] } : {}),
        order: { "drivers.driver_order": "asc" },
      },
      sel,
    ),
  krs: (sel: Selection = {}): CubeQuery =>
    withFilters(
      {
        measures: ["krs.satisfaction_reported", "krs.trust_reported", "krs.love_reported", "krs.score_reported", "krs.responses"],
        ...(sel.dateRange ? { timeDimensions: [{ dimension: "krs.answered_at", dateRange: sel.dateRange }] } : {}),
      },
      sel,
    ),
  /** The whole-selection NPS for a tile. */
  npsTotal: (sel: Selection = {}): CubeQuery =>
    withFilters(
      {
        measures: ["nps.score_reported", "nps.score_margin_of_error_reported", "nps.responses"],
        ...(sel.dateRange ? { timeDimensions: [{ dimension: "nps.answered_at", dateRange: sel.dateRange }] } : {}),
      },
      sel,
    ),
  /** Last day with responses: the "data up to" date every chart states. */
  dataDate: (sel: Selection = {}): CubeQuery =>
    withFilters(
      {
        measures: ["nps.responses"],
        timeDimensions: [timeDimension("nps", "day", sel)],
        order: { "nps.answered_at": "desc" },
        limit: 1,
      },
      sel,
    ),
};

/** Cube returns numbers as numbers or as strings (REST API); null stays null. */
export function num(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

const count = (value: unknown): number => num(value) ?? 0;

/** A measure's value from a row: its `_reported` twin when the query asked for it (the standard
 * queries do), else the plain member (rows from other queries, tests). */
export function measure(r: Row, member: string): number | null {
  const reportedKey = `${member}_reported`;
  return num(reportedKey in r ? r[reportedKey] : r[member]);
}
const text = (value: unknown): string | undefined => (typeof value === "string" && value.trim() !== "" ? value : undefined);

/** "2026-01-01T00:00:00.000" -> "2026-01" (month) or "2026-01-01" (day). */
export function period(value: unknown, granularity: "month" | "day"): string {
  const text = String(value ?? "");
  return granularity === "month" ? text.slice(0, 7) : text.slice(0, 10);
}

export function humanize(key: string): string {
  const text = key.replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function trendFromRows(rows: Row[]): TrendPoint[] {
  return rows.map((r) => ({
    period: period(r["nps.answered_at.month"] ?? r["nps.answered_at"], "month"),
    nps: measure(r, "nps.score"),
    marginOfError: measure(r, "nps.score_margin_of_error"),
    responses: count(r["nps.responses"]),
  }));
}

export function touchpointsFromRows(rows: Row[], labels: Record<string, string> = {}): CategoryValue[] {
  return rows
    .filter((r) => r["nps.touchpoint"] !== null && r["nps.touchpoint"] !== undefined && r["nps.touchpoint"] !== "")
    .map((r) => {
      const key = String(r["nps.touchpoint"]);
      const label = labels[key] ?? text(r["nps.touchpoint_label_en"]) ?? humanize(key);
      return { key, label, value: measure(r, "nps.score"), responses: count(r["nps.responses"]) };
    });
}

export function driversFromRows(rows: Row[], labels: Record<string, string> = {}): DriverPoint[] {
  return rows.map((r) => {
    const key = String(r["drivers.driver"]);
    return {
      key,
      label: labels[key] ?? text(r["drivers.driver_label_en"]) ?? humanize(key),
      importance: measure(r, "drivers.importance"),
      performance: measure(r, "drivers.performance"),
      significant: (() => {
        const s = measure(r, "drivers.importance_significant");
        return s === null ? null : s === 1;
      })(),
      responses: count(r["drivers.ratings"]),
    };
  });
}

export function krsFromRows(rows: Row[]): KrsData {
  const r = rows[0] ?? {};
  return {
    satisfaction: measure(r, "krs.satisfaction"),
    trust: measure(r, "krs.trust"),
    love: measure(r, "krs.love"),
    score: measure(r, "krs.score"),
    responses: count(r["krs.responses"]),
  };
}

export function dataDateFromRows(rows: Row[]): string | null {
  const r = rows[0];
  if (!r) return null;
  const value = r["nps.answered_at.day"] ?? r["nps.answered_at"];
  return value ? period(value, "day") : null;
}
