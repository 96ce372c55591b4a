/** Importance/performance matrix of the NPS drivers; the split lines sit at the mean importance
 * and mean performance of the drivers shown (DESIGN.md). */
import { scaleLinear } from "d3-scale";
import { axisTitleBottom, axisTitleLeft, xAxis, yAxis } from "./axis.ts";
import { COLORS, dataNumber, esc, footerText, frame, isScored, px, thousands, tooFew } from "./svg.ts";
import type { ChartContext, DriverPoint } from "./types.ts";

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function renderDriverMatrix(drivers: DriverPoint[], ctx: ChartContext): string {
  const width = ctx.width ?? 640;
  const height = ctx.height ?? 420;
  const id = ctx.idPrefix ?? "promotor-drivers";
  const m = { top: 44, right: 24, bottom: 70, left: 64 };
  const ok = (d: DriverPoint): boolean =>
    isScored(d.importance, d.responses, ctx.minSample) && d.performance !== null && Number.isFinite(d.performance);
  const shown = drivers.filter(ok);
  const imps = shown.map((d) => d.importance!);
  const perfs = shown.map((d) => d.performance!);
  // Domains around the drivers shown (the matrix compares drivers with each other), padded so
  // that close drivers stay apart and labels fit.
  const padded = (xs: number[], minPad: number, lo: number, hi: number): [number, number] => {
    if (xs.length === 0) return [lo, hi];
    const a = Math.min(...xs);
    const b = Math.max(...xs);
    const pad = Math.max(minPad, (b - a) * 0.3);
    return [Math.max(lo, a - pad), Math.min(hi, b + pad)];
  };
  const x = scaleLinear().domain(padded(imps, 0.1, -1, 1)).nice().range([m.left, width - m.right]);
  const y = scaleLinear().domain(padded(perfs, 0.75, 0, 10)).nice().range([height - m.bottom, m.top]);
  // Labels: nudged apart vertically (at least 14 px) where drivers sit close together.
  const labelY = new Map<string, number>();
  const byY = [...shown].sort((a, b) => y(a.performance!) - y(b.performance!));
  let last = -Infinity;
  for (const d of byY) {
    const want = Math.max(y(d.performance!), last + 14);
    labelY.set(d.key, want);
    last = want;
  }
  const plotBottom = height - m.bottom;
  const splits: string[] = [];
  let splitAttrs: Record<string, string> = {};
  if (shown.length > 0) {
    const mi = mean(imps);
    const mp = mean(perfs);
    splitAttrs = { "data-mean-importance": dataNumber(mi), "data-mean-performance": dataNumber(mp) };
    splits.push(
      `<line class="split importance" x1="${px(x(mi))}" x2="${px(x(mi))}" y1="${m.top}" y2="${px(plotBottom)}" stroke="${COLORS.axis}" stroke-dasharray="4 3"/>`,
      `<line class="split performance" x1="${m.left}" x2="${px(width - m.right)}" y1="${px(y(mp))}" y2="${px(y(mp))}" stroke="${COLORS.axis}" stroke-dasharray="4 3"/>`,
    );
    const q = (text: string, qx: number, qy: number, anchor: string): string =>
      `<text class="quadrant" x="${px(qx)}" y="${px(qy)}" text-anchor="${anchor}" font-size="11" font-style="italic" fill="${COLORS.muted}">${text}</text>`;
    splits.push(
      q("strengths: keep", width - m.right - 6, m.top + 14, "end"),
      q("improve first", width - m.right - 6, plotBottom - 8, "end"),
      q("maintain", m.left + 6, m.top + 14, "start"),
      q("lower priority", m.left + 6, plotBottom - 8, "start"),
    );
  }
  const points = shown
    .map((d) => {
      const cx = x(d.importance!);
      const cy = y(d.performance!);
      const right = cx < (m.left + width - m.right) / 2;
      return (
        // A hollow point: importance not significantly different from 0 (Fisher z, 95 %).
        `<g class="driver" data-key="${esc(d.key)}"><circle class="point${d.significant === false ? " not-significant" : ""}" cx="${px(cx)}" cy="${px(cy)}" r="6" fill="${d.significant === false ? "#ffffff" : COLORS.neutral}" stroke="${COLORS.neutral}" stroke-width="2" data-key="${esc(d.key)}" data-importance="${dataNumber(d.importance)}" data-performance="${dataNumber(d.performance)}" data-n="${d.responses}"${d.significant === undefined || d.significant === null ? "" : ` data-significant="${d.significant}"`}>` +
        `<title>${esc(d.label)}: importance r = ${d.importance!.toFixed(2)}${d.significant === false ? " (not significant)" : ""}, performance ${d.performance!.toFixed(1)} / 10, n = ${thousands(d.responses)}</title></circle>` +
        `<text x="${px(cx + (right ? 10 : -10))}" y="${px(labelY.get(d.key) ?? cy)}" dy="0.32em" text-anchor="${right ? "start" : "end"}" font-size="12" fill="${COLORS.text}">${esc(d.label)}</text></g>`
      );
    })
    .join("\n");
  const missing = drivers.filter((d) => !ok(d));
  const missingNote = missing.length
    ? `<text class="insufficient" x="${m.left}" y="${m.top - 4}" font-size="11" fill="${COLORS.muted}">${esc(missing.map((d) => `${d.label}: ${tooFew(d.responses)}`).join("; "))}</text>`
    : "";
  const total = Math.max(0, ...drivers.map((d) => d.responses));
  const desc =
    shown.length === 0
      ? "No driver has enough ratings to be scored."
      : "Drivers by importance (correlation with the recommendation score) and performance (mean rating 0–10): " +
        shown.map((d) => `${d.label} r = ${d.importance!.toFixed(2)}, ${d.performance!.toFixed(1)}`).join("; ") +
        ". Dashed lines split at the means of the drivers shown." +
        (shown.some((d) => d.significant === false) ? " Hollow points: importance not significantly different from 0 (95 %)." : "");
  const body = [
    yAxis(y, m.left, width - m.right),
    xAxis(x, m.top, plotBottom, { format: (t) => t.toFixed(2).replace(/0$/, "") }),
    splits.join("\n"),
    points,
    missingNote,
    axisTitleLeft("performance (mean rating 0–10)", 18, (m.top + plotBottom) / 2),
    axisTitleBottom("importance (correlation with recommendation, r)", (m.left + width - m.right) / 2, plotBottom + 36),
  ].join("\n");
  return frame(
    {
      kind: "drivers",
      title: ctx.title ?? "NPS drivers: importance and performance",
      desc,
      width,
      height,
      footer: footerText(ctx, total),
      body,
      attrs: {
        "data-x-domain": x.domain().join(","),
        "data-y-domain": y.domain().join(","),
        "data-min-sample": String(ctx.minSample),
        ...splitAttrs,
      },
    },
    id,
  );
}
