/** KlantRelatieScore: the three component scores and the KRS itself on the 0–10 scale, with the
 * "strong" threshold at 8 marked. */
import { scaleBand, scaleLinear } from "d3-scale";
import { axisTitleLeft, yAxis } from "./axis.ts";
import { COLORS, dataNumber, esc, footerText, frame, hatchPattern, isScored, px, thousands, tooFew } from "./svg.ts";
import type { ChartContext, KrsData } from "./types.ts";

export const KRS_COMPONENTS = [
  { key: "satisfaction", label: "tevredenheid", en: "satisfaction" },
  { key: "trust", label: "vertrouwen", en: "trust" },
  { key: "love", label: "liefde", en: "love" },
  { key: "score", label: "KRS", en: "KlantRelatieScore" },
] as const;

export const STRONG_AT = 8;

export function renderKrs(data: KrsData, ctx: ChartContext): string {
  const width = ctx.width ?? 640;
  const height = ctx.height ?? 360;
  const id = ctx.idPrefix ?? "promotor-krs";
  const m = { top: 44, right: 24, bottom: 70, left: 64 };
  const plotBottom = height - m.bottom;
  const y = scaleLinear().domain([0, 10]).range([plotBottom, m.top]);
  const x = scaleBand<string>().domain(KRS_COMPONENTS.map((c) => c.key)).range([m.left, width - m.right]).padding(0.35);
  // A null score (the semantic layer's `_reported` members below its minimum) is "too few" too.
  const enough = data.responses >= ctx.minSample && data.score !== null;
  const bars = KRS_COMPONENTS.map((c) => {
    const v = data[c.key];
    const left = x(c.key) ?? m.left;
    const mid = left + x.bandwidth() / 2;
    const label =
      `<text class="category" x="${px(mid)}" y="${px(plotBottom + 16)}" text-anchor="middle" font-size="12" font-weight="${c.key === "score" ? 600 : 400}" fill="${COLORS.text}">${esc(c.label)}</text>` +
      `<text x="${px(mid)}" y="${px(plotBottom + 30)}" text-anchor="middle" font-size="10" fill="${COLORS.muted}">${esc(c.en)}</text>`;
    if (!isScored(v, data.responses, ctx.minSample)) {
      return `<g class="insufficient" data-key="${c.key}" data-n="${data.responses}">${label}<rect x="${px(left)}" y="${m.top}" width="${px(x.bandwidth())}" height="${px(plotBottom - m.top)}" fill="url(#${id}-hatch)"/></g>`;
    }
    const color = c.key === "score" ? "#27496d" : COLORS.neutral;
    return (
      `<g class="bar-col" data-key="${c.key}">${label}` +
      `<rect class="bar" x="${px(left)}" y="${px(y(v))}" width="${px(x.bandwidth())}" height="${px(plotBottom - y(v))}" fill="${color}" data-key="${c.key}" data-value="${dataNumber(v)}" data-n="${data.responses}"><title>${esc(c.label)} (${c.en}): ${v.toFixed(1)} / 10, n = ${thousands(data.responses)}</title></rect>` +
      `<text class="value" x="${px(mid)}" y="${px(y(v) - 6)}" text-anchor="middle" font-size="12" font-weight="600" fill="${COLORS.text}">${v.toFixed(1)}</text></g>`
    );
  }).join("\n");
  const strong = `<line class="threshold" x1="${m.left}" x2="${px(width - m.right)}" y1="${px(y(STRONG_AT))}" y2="${px(y(STRONG_AT))}" stroke="${COLORS.positive}" stroke-dasharray="5 3"/><text x="${px(width - m.right)}" y="${px(y(STRONG_AT) - 5)}" text-anchor="end" font-size="10" fill="${COLORS.positive}">strong ≥ ${STRONG_AT}</text>`;
  const desc = enough
    ? `KlantRelatieScore ${data.score?.toFixed(1) ?? "–"} of 10: tevredenheid ${data.satisfaction?.toFixed(1) ?? "–"}, vertrouwen ${data.trust?.toFixed(1) ?? "–"}, liefde ${data.love?.toFixed(1) ?? "–"} (n = ${thousands(data.responses)}).`
    : `KlantRelatieScore not shown: ${tooFew(data.responses)}.`;
  const body = [
    yAxis(y, m.left, width - m.right),
    axisTitleLeft("mean rating (0–10)", 18, (m.top + plotBottom) / 2),
    strong,
    bars,
    enough ? "" : `<text class="too-few" x="${px((m.left + width - m.right) / 2)}" y="${px((m.top + plotBottom) / 2)}" text-anchor="middle" font-size="14" fill="${COLORS.text}">${esc(tooFew(data.responses))}</text>`,
  ].join("\n");
  return frame(
    {
      kind: "krs",
      title: ctx.title ?? "KlantRelatieScore and its components",
      desc,
      width,
      height,
      footer: footerText(ctx, data.responses),
      body,
      defs: hatchPattern(`${id}-hatch`),
      attrs: { "data-y-domain": "0,10", "data-min-sample": String(ctx.minSample) },
    },
    id,
  );
}
