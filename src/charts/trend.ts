/** NPS over time with the 95 % margin-of-error band; periods under the minimum sample are
 * hatched and not plotted. */
import { scaleLinear, scalePoint } from "d3-scale";
import { area, line } from "d3-shape";
import { axisTitleBottom, axisTitleLeft, domainWithZero, yAxis } from "./axis.ts";
import { COLORS, dataNumber, esc, footerText, frame, hatchPattern, isScored, MINUS, px, signed, thousands } from "./svg.ts";
import type { ChartContext, TrendPoint } from "./types.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function periodLabel(period: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1]}` : period;
}

export function renderTrend(points: TrendPoint[], ctx: ChartContext): string {
  const width = ctx.width ?? 640;
  const height = ctx.height ?? 360;
  const id = ctx.idPrefix ?? "promotor-trend";
  const m = { top: 44, right: 24, bottom: 78, left: 64 };
  const scored = points.filter((p) => isScored(p.nps, p.responses, ctx.minSample));
  const extent = scored.flatMap((p) => [p.nps! - (p.marginOfError ?? 0), p.nps! + (p.marginOfError ?? 0)]);
  const y = scaleLinear().domain(domainWithZero(extent, -100, 100)).nice().range([height - m.bottom, m.top]);
  const [d0, d1] = y.domain() as [number, number];
  y.domain([Math.max(-100, d0), Math.min(100, d1)]);
  const x = scalePoint<string>().domain(points.map((p) => p.period)).range([m.left, width - m.right]).padding(0.5);
  const ok = (p: TrendPoint): boolean => isScored(p.nps, p.responses, ctx.minSample);
  const xOf = (p: TrendPoint): number => x(p.period) ?? m.left;

  const band = area<TrendPoint>()
    .defined((p) => ok(p) && p.marginOfError !== null)
    .x(xOf)
    .y0((p) => y(Math.max(-100, p.nps! - p.marginOfError!)))
    .y1((p) => y(Math.min(100, p.nps! + p.marginOfError!)))
    .digits(1)(points);
  const path = line<TrendPoint>().defined(ok).x(xOf).y((p) => y(p.nps!)).digits(1)(points);

  const step = points.length > 1 ? x.step() : width - m.left - m.right;
  // At most ~8 labels, counted back from the latest period so that one is always labelled.
  const every = Math.max(1, Math.ceil(points.length / 8));
  const labels = points
    .map((p, i) =>
      (points.length - 1 - i) % every === 0
        ? `<text class="x-label" x="${px(xOf(p))}" y="${px(height - m.bottom + 16)}" text-anchor="middle" font-size="11" fill="${COLORS.muted}">${esc(periodLabel(p.period))}</text>` +
          `<text class="n-label" x="${px(xOf(p))}" y="${px(height - m.bottom + 29)}" text-anchor="middle" font-size="9" fill="${COLORS.muted}">n=${thousands(p.responses)}</text>`
        : "",
    )
    .join("");
  const marks = points
    .map((p) => {
      const cx = px(xOf(p));
      if (!ok(p)) {
        const w = Math.min(40, Math.max(4, step * 0.6));
        return (
          `<g class="insufficient" data-period="${esc(p.period)}" data-n="${p.responses}"><title>${esc(periodLabel(p.period))}: too few responses (n = ${thousands(p.responses)})</title>` +
          `<rect x="${px(xOf(p) - w / 2)}" y="${m.top}" width="${px(w)}" height="${px(height - m.bottom - m.top)}" fill="url(#${id}-hatch)" opacity="0.7"/>` +
          `<text transform="translate(${cx},${px(m.top + 6)}) rotate(90)" font-size="9" fill="${COLORS.text}">too few responses</text></g>`
        );
      }
      const moe = p.marginOfError === null ? "" : ` ± ${p.marginOfError.toFixed(1)}`;
      // A whisker per point: the band alone vanishes around isolated points (gaps on both sides).
      const whisker =
        p.marginOfError === null
          ? ""
          : `<line class="moe" x1="${cx}" x2="${cx}" y1="${px(y(Math.max(-100, p.nps! - p.marginOfError)))}" y2="${px(y(Math.min(100, p.nps! + p.marginOfError)))}" stroke="${COLORS.band}" stroke-opacity="0.45" stroke-width="1.5"/>`;
      return (
        whisker +
        `<circle class="point" cx="${cx}" cy="${px(y(p.nps!))}" r="3.5" fill="${COLORS.neutral}" stroke="#fff" stroke-width="1.5" data-period="${esc(p.period)}" data-value="${dataNumber(p.nps)}" data-moe="${dataNumber(p.marginOfError)}" data-n="${p.responses}">` +
        `<title>${esc(periodLabel(p.period))}: NPS ${signed(p.nps!, 1)}${moe} (95 %), n = ${thousands(p.responses)}</title></circle>`
      );
    })
    .join("\n");
  const last = scored.at(-1);
  const total = points.reduce((s, p) => s + p.responses, 0);
  const insufficient = points.length - scored.length;
  const desc =
    points.length === 0
      ? "No responses in the selection."
      : `NPS per period from ${periodLabel(points[0]!.period)} to ${periodLabel(points.at(-1)!.period)}` +
        (last ? `; latest scored period ${periodLabel(last.period)} at ${signed(last.nps!)} (n = ${thousands(last.responses)})` : "") +
        (insufficient ? `; ${insufficient} period(s) with too few responses are not scored` : "") +
        ". Shaded band: 95 % margin of error.";
  const plotBottom = height - m.bottom;
  const body = [
    yAxis(y, m.left, width - m.right, { signed: true }),
    axisTitleLeft(`NPS (${MINUS}100…+100)`, 18, (m.top + plotBottom) / 2),
    band ? `<path class="band" d="${band}" fill="${COLORS.band}" fill-opacity="0.15" stroke="none"/>` : "",
    path ? `<path class="line" d="${path}" fill="none" stroke="${COLORS.neutral}" stroke-width="2"/>` : "",
    marks,
    labels,
    axisTitleBottom("month answered · n = responses per month", (m.left + width - m.right) / 2, height - m.bottom + 48),
    points.length === 0 ? `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="${COLORS.muted}">no responses</text>` : "",
  ]
    .filter(Boolean)
    .join("\n");
  return frame(
    {
      kind: "trend",
      title: ctx.title ?? "NPS trend",
      desc,
      width,
      height,
      footer: footerText(ctx, total),
      body,
      defs: hatchPattern(`${id}-hatch`),
      attrs: { "data-y-domain": y.domain().join(","), "data-min-sample": String(ctx.minSample) },
    },
    id,
  );
}
