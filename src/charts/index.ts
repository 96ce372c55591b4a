/** The standard charts: from semantic-layer rows to SVG strings. Browser-safe. */
import { renderNpsBars } from "./bars.ts";
import { renderDriverMatrix } from "./drivers.ts";
import { renderKrs } from "./krs.ts";
import {
  dataDateFromRows,
  driversFromRows,
  krsFromRows,
  measure,
  num,
  touchpointsFromRows,
  trendFromRows,
  type Row,
} from "./queries.ts";
import { renderTile } from "./tile.ts";
import { renderTrend } from "./trend.ts";
import type { ChartContext } from "./types.ts";

export { renderNpsBars } from "./bars.ts";
export { renderDriverMatrix } from "./drivers.ts";
export { renderKrs } from "./krs.ts";
export { renderTile } from "./tile.ts";
export { renderTrend } from "./trend.ts";
export * from "./queries.ts";
export type * from "./types.ts";

export const CHART_KINDS = ["trend", "touchpoints", "drivers", "krs", "tile"] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

/** Which query (chartQueries key) each chart kind runs. */
export const QUERY_OF: Record<ChartKind, "trend" | "touchpoints" | "drivers" | "krs" | "npsTotal"> = {
  trend: "trend",
  touchpoints: "touchpoints",
  drivers: "drivers",
  krs: "krs",
  tile: "npsTotal",
};

export interface RenderOptions extends Omit<ChartContext, "dataDate"> {
  labels?: { touchpoints?: Record<string, string>; drivers?: Record<string, string> };
}

/** Renders one chart kind from its query's rows and the data-date query's rows. */
export function renderFromRows(kind: ChartKind, rows: Row[], dataDateRows: Row[], options: RenderOptions): string {
  const ctx: ChartContext = { ...options, dataDate: dataDateFromRows(dataDateRows) };
  switch (kind) {
    case "trend":
      return renderTrend(trendFromRows(rows), ctx);
    case "touchpoints":
      return renderNpsBars(touchpointsFromRows(rows, options.labels?.touchpoints), ctx);
    case "drivers":
      return renderDriverMatrix(driversFromRows(rows, options.labels?.drivers), ctx);
    case "krs":
      return renderKrs(krsFromRows(rows), ctx);
    case "tile": {
      const r = rows[0] ?? {};
      const moe = measure(r, "nps.score_margin_of_error");
      return renderTile(
        {
          label: options.title ?? "NPS",
          value: measure(r, "nps.score"),
          kind: "NPS",
          responses: num(r["nps.responses"]) ?? 0,
          ...(moe !== null ? { note: `± ${moe.toFixed(1)} points (95 %)` } : {}),
        },
        ctx,
      );
    }
  }
}
