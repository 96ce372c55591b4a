/** Axis and grid drawing shared by the charts (ticks from d3-scale, drawn as plain SVG). */
import type { ScaleLinear } from "d3-scale";
import { COLORS, MINUS, px } from "./svg.ts";

export function tickLabel(value: number, signedTicks: boolean): string {
  if (value === 0) return "0";
  const text = Number.isInteger(value) ? String(Math.abs(value)) : Math.abs(value).toFixed(1);
  if (value < 0) return MINUS + text;
  return signedTicks ? "+" + text : text;
}

/** Horizontal grid lines with tick labels on the left; class/data attributes let tests invert the scale. */
export function yAxis(y: ScaleLinear<number, number>, x0: number, x1: number, options: { ticks?: number; signed?: boolean } = {}): string {
  return y
    .ticks(options.ticks ?? 5)
    .map((t) => {
      const yy = px(y(t));
      const zero = t === 0;
      return (
        `<g class="tick y" data-tick="${t}"><line x1="${px(x0)}" x2="${px(x1)}" y1="${yy}" y2="${yy}" stroke="${zero ? COLORS.axis : COLORS.grid}" stroke-width="${zero ? 1.5 : 1}"/>` +
        `<text x="${px(x0 - 6)}" y="${yy}" dy="0.32em" text-anchor="end" font-size="11" fill="${COLORS.muted}">${tickLabel(t, options.signed ?? false)}</text></g>`
      );
    })
    .join("\n");
}

/** Vertical grid lines with tick labels below. */
export function xAxis(x: ScaleLinear<number, number>, y0: number, y1: number, options: { ticks?: number; signed?: boolean; format?: (t: number) => string } = {}): string {
  return x
    .ticks(options.ticks ?? 5)
    .map((t) => {
      const xx = px(x(t));
      const zero = t === 0;
      const label = options.format ? options.format(t) : tickLabel(t, options.signed ?? false);
      return (
        `<g class="tick x" data-tick="${t}"><line x1="${xx}" x2="${xx}" y1="${px(y0)}" y2="${px(y1)}" stroke="${zero ? COLORS.axis : COLORS.grid}" stroke-width="${zero ? 1.5 : 1}"/>` +
        `<text x="${xx}" y="${px(y1 + 14)}" text-anchor="middle" font-size="11" fill="${COLORS.muted}">${label}</text></g>`
      );
    })
    .join("\n");
}

export function axisTitleLeft(text: string, x: number, yMid: number): string {
  return `<text class="axis-title" transform="translate(${px(x)},${px(yMid)}) rotate(-90)" text-anchor="middle" font-size="12" fill="${COLORS.text}">${text}</text>`;
}

export function axisTitleBottom(text: string, xMid: number, y: number): string {
  return `<text class="axis-title" x="${px(xMid)}" y="${px(y)}" text-anchor="middle" font-size="12" fill="${COLORS.text}">${text}</text>`;
}

/** Domain that covers the values and zero, rounded outward, within [lo, hi]. */
export function domainWithZero(values: number[], lo: number, hi: number): [number, number] {
  const min = Math.min(0, ...values);
  const max = Math.max(0, ...values);
  return [Math.max(lo, min), Math.min(hi, max === min ? min + 10 : max)];
}
