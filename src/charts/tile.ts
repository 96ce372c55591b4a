/** A BigValue-style tile: one number, its label, and the sample size. */
import { COLORS, dataNumber, esc, FONT, isScored, signed, thousands, tooFew } from "./svg.ts";
import type { ChartContext, TileData } from "./types.ts";

export function formatTileValue(value: number, kind: TileData["kind"]): string {
  if (kind === "NPS") return signed(value);
  if (kind === "%") return `${value.toFixed(0)} %`;
  return value.toFixed(1);
}

export function renderTile(tile: TileData, ctx: ChartContext): string {
  const width = ctx.width ?? 240;
  const height = ctx.height ?? 130;
  const id = ctx.idPrefix ?? "promotor-tile";
  const ok = isScored(tile.value, tile.responses, ctx.minSample);
  const main = ok ? formatTileValue(tile.value!, tile.kind) : "too few responses";
  const desc = ok ? `${tile.label}: ${main}${tile.note ? ` ${tile.note}` : ""}, n = ${thousands(tile.responses)}.` : `${tile.label}: ${tooFew(tile.responses)}.`;
  const dateLine = ctx.dataDate ? `data up to ${ctx.dataDate}` : "no data";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" data-chart="tile" data-min-sample="${ctx.minSample}" font-family="${esc(FONT)}">`,
    `<title id="${id}-title">${esc(tile.label)}</title>`,
    `<desc id="${id}-desc">${esc(desc)}</desc>`,
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="6" fill="#ffffff" stroke="${COLORS.grid}"/>`,
    `<text x="14" y="24" font-size="12" fill="${COLORS.muted}">${esc(tile.label)}</text>`,
    `<text class="value" x="14" y="${ok ? 66 : 60}" font-size="${ok ? 34 : 16}" font-weight="600" fill="${COLORS.text}" data-value="${ok ? dataNumber(tile.value) : ""}" data-n="${tile.responses}">${esc(main)}</text>`,
    ok && tile.note ? `<text x="14" y="84" font-size="11" fill="${COLORS.muted}">${esc(tile.note)}</text>` : "",
    `<text x="14" y="${height - 26}" font-size="10" fill="${COLORS.muted}">n = ${thousands(tile.responses)} responses</text>`,
    `<text class="footer" x="14" y="${height - 12}" font-size="10" fill="${COLORS.muted}">${esc(dateLine)}</text>`,
    `</svg>`,
  ]
    .filter(Boolean)
    .join("\n");
}
