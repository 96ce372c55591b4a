/** Small helpers for writing SVG as strings: escaping, stable number output, the accessible
 * frame (title, desc, data-date footer) every chart shares. */
import type { ChartContext } from "./types.ts";

export const MINUS = "\u2212";

export function esc(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/** Coordinates rounded to 0.1 px: smaller files and byte-identical output across runs. */
export function px(value: number): string {
  const r = Math.round(value * 10) / 10;
  return Object.is(r, -0) ? "0" : String(r);
}

/** Attribute value for data-value: the exact number to 4 decimals, or "" for no value. */
export function dataNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "";
  const r = Math.round(value * 10000) / 10000;
  return Object.is(r, -0) ? "0" : String(r);
}

export function signed(value: number, decimals = 0): string {
  const text = Math.abs(value).toFixed(decimals);
  if (Number(text) === 0) return text;
  return (value < 0 ? MINUS : "+") + text;
}

export function thousands(value: number): string {
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function footerText(ctx: ChartContext, responses: number): string {
  const date = ctx.dataDate ? `data up to ${ctx.dataDate}` : "no data";
  return `${date} · n = ${thousands(responses)} ${responses === 1 ? "response" : "responses"} · groups under ${ctx.minSample} responses are not scored`;
}

export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
export const COLORS = {
  text: "#1f2933",
  muted: "#616e7c",
  grid: "#e4e7eb",
  axis: "#9aa5b1",
  positive: "#1f7a5c",
  negative: "#b23b3b",
  neutral: "#3e6ea8",
  band: "#3e6ea8",
  insufficient: "#9aa5b1",
};

export interface Frame {
  kind: string;
  title: string;
  desc: string;
  width: number;
  height: number;
  footer: string;
  body: string;
  defs?: string;
  /** Extra attributes on <svg>, e.g. data-* for tests and scripts. */
  attrs?: Record<string, string>;
}

/** The outer <svg>: role="img" with title/desc for screen readers, and a footer with data
 * date and sample size. */
export function frame(f: Frame, idPrefix: string): string {
  const titleId = `${idPrefix}-title`;
  const descId = `${idPrefix}-desc`;
  const attrs = Object.entries(f.attrs ?? {})
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" role="img" aria-labelledby="${titleId} ${descId}" data-chart="${esc(f.kind)}"${attrs} font-family="${esc(FONT)}">`,
    `<title id="${titleId}">${esc(f.title)}</title>`,
    `<desc id="${descId}">${esc(f.desc)}</desc>`,
    f.defs ? `<defs>${f.defs}</defs>` : "",
    `<rect width="${f.width}" height="${f.height}" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="16" font-weight="600" fill="${COLORS.text}">${esc(f.title)}</text>`,
    f.body,
    `<text class="footer" x="16" y="${f.height - 10}" font-size="11" fill="${COLORS.muted}">${esc(f.footer)}</text>`,
    `</svg>`,
  ]
    .filter((s) => s !== "")
    .join("\n");
}

/** Diagonal hatch used wherever a group is below the minimum sample. */
export function hatchPattern(id: string): string {
  return `<pattern id="${id}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f5f7fa"/><line x1="0" y1="0" x2="0" y2="6" stroke="${COLORS.insufficient}" stroke-width="1.5"/></pattern>`;
}

export function tooFew(responses: number): string {
  return `too few responses (n = ${thousands(responses)})`;
}

export function isScored(value: number | null, responses: number, minSample: number): value is number {
  return value !== null && Number.isFinite(value) && responses >= minSample;
}
