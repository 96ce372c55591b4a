/** Horizontal NPS bars per category (touchpoints in journey order), diverging from zero;
 * categories under the minimum sample get a hatched bar and "too few responses". */
import { scaleBand, scaleLinear } from "d3-scale";
import { axisTitleBottom, domainWithZero, xAxis } from "./axis.ts";
import { COLORS, dataNumber, esc, footerText, frame, hatchPattern, isScored, MINUS, px, signed, thousands, tooFew } from "./svg.ts";
import type { CategoryValue, ChartContext } from "./types.ts";

export function renderNpsBars(items: CategoryValue[], ctx: ChartContext & { kind?: string; axisTitle?: string }): string {
  const width = ctx.width ?? 640;
  const rowHeight = 34;
  const m = { top: 44, right: 150, bottom: 62, left: 170 };
  const height = ctx.height ?? m.top + m.bottom + Math.max(1, items.length) * rowHeight;
  const id = ctx.idPrefix ?? "promotor-touchpoints";
  const ok = (c: CategoryValue): boolean => isScored(c.value, c.responses, ctx.minSample);
  const scored = items.filter(ok);
  // At least 25 points on each side that has bars: small differences must not look like big ones.
  const [lo, hi] = domainWithZero(scored.map((c) => c.value!), -100, 100);
  const x = scaleLinear()
    .domain([lo < 0 ? Math.min(lo, -25) : 0, hi > 0 || lo === 0 ? Math.max(hi, 25) : 0])
    .nice()
    .range([m.left, width - m.right]);
  const [d0, d1] = x.domain() as [number, number];
  x.domain([Math.max(-100, d0), Math.min(100, d1)]);
  const y = scaleBand<string>().domain(items.map((c) => c.key)).range([m.top, height - m.bottom]).padding(0.25);
  const bh = y.bandwidth();
  const rows = items
    .map((c) => {
      const top = y(c.key) ?? m.top;
      const mid = top + bh / 2;
      const label = `<text class="category" x="${m.left - 8}" y="${px(mid)}" dy="0.32em" text-anchor="end" font-size="12" fill="${COLORS.text}">${esc(c.label)}</text>`;
      if (!ok(c)) {
        return (
          `<g class="insufficient" data-key="${esc(c.key)}" data-n="${c.responses}">${label}` +
          `<rect x="${m.left}" y="${px(top)}" width="${px(width - m.right - m.left)}" height="${px(bh)}" fill="url(#${id}-hatch)"/>` +
          `<text class="too-few" x="${px((m.left + width - m.right) / 2)}" y="${px(mid)}" dy="0.32em" text-anchor="middle" font-size="11" fill="${COLORS.text}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${esc(tooFew(c.responses))}</text></g>`
        );
      }
      const v = c.value!;
      const x0 = x(Math.min(0, v));
      const w = Math.abs(x(v) - x(0));
      const color = v >= 0 ? COLORS.positive : COLORS.negative;
      return (
        `<g class="bar-row" data-key="${esc(c.key)}">${label}` +
        `<rect class="bar" x="${px(x0)}" y="${px(top)}" width="${px(w)}" height="${px(bh)}" fill="${color}" data-key="${esc(c.key)}" data-value="${dataNumber(v)}" data-n="${c.responses}"><title>${esc(c.label)}: NPS ${signed(v, 1)}, n = ${thousands(c.responses)}</title></rect>` +
        `<text class="value" x="${px(width - m.right + 8)}" y="${px(mid)}" dy="0.32em" font-size="12" fill="${COLORS.text}"><tspan font-weight="600">${signed(v)}</tspan><tspan fill="${COLORS.muted}" font-size="11"> n = ${thousands(c.responses)}</tspan></text></g>`
      );
    })
    .join("\n");
  const total = items.reduce((s, c) => s + c.responses, 0);
  const desc =
    items.length === 0
      ? "No responses in the selection."
      : items.map((c) => (ok(c) ? `${c.label} ${signed(c.value!)} (n = ${thousands(c.responses)})` : `${c.label}: ${tooFew(c.responses)}`)).join("; ") + ".";
  const body = [
    xAxis(x, m.top - 4, height - m.bottom, { signed: true }),
    rows,
    axisTitleBottom(ctx.axisTitle ?? `NPS (${MINUS}100…+100)`, (m.left + width - m.right) / 2, height - m.bottom + 34),
  ].join("\n");
  return frame(
    {
      kind: ctx.kind ?? "touchpoints",
      title: ctx.title ?? "Touchpoint NPS in journey order",
      desc,
      width,
      height,
      footer: footerText(ctx, total),
      body,
      defs: hatchPattern(`${id}-hatch`),
      attrs: { "data-x-domain": x.domain().join(","), "data-min-sample": String(ctx.minSample) },
    },
    id,
  );
}
