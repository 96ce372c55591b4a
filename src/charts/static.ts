/** `promotor charts`: the standard charts rendered server-side from semantic-layer queries into SVG
 * files, plus a gallery page with a copy-paste <img> snippet per chart. No server needed to view. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSemanticLayer } from "../semantic/index.ts";
import type { TrinoSettings } from "../engine/settings.ts";
import type { CubeQuery, SecurityContext } from "../semantic/types.ts";
import { chartQueries, QUERY_OF, renderFromRows, type ChartKind, type Row, type Selection } from "./index.ts";
import { esc } from "./svg.ts";

export interface StaticChart {
  file: string;
  kind: ChartKind;
  title: string;
  /** Text alternative (the SVG's <desc>), used as alt in the snippet. */
  alt: string;
  width: number;
  height: number;
  query: CubeQuery;
}

export const STANDARD_CHARTS: readonly { file: string; kind: ChartKind; title: string }[] = [
  { file: "nps-trend.svg", kind: "trend", title: "NPS trend" },
  { file: "touchpoint-nps.svg", kind: "touchpoints", title: "Touchpoint NPS in journey order" },
  { file: "driver-matrix.svg", kind: "drivers", title: "NPS drivers: importance and performance" },
  { file: "krs-components.svg", kind: "krs", title: "KlantRelatieScore and its components" },
  { file: "nps-tile.svg", kind: "tile", title: "NPS" },
];

export interface StaticChartsOptions {
  warehouse: string;
  /** Read Trino's marts instead of the DuckDB file. */
  trino?: TrinoSettings;
  outDir: string;
  minSample: number;
  selection?: Selection;
  security?: SecurityContext;
  /** Prefix for the <img src> in the gallery snippets, e.g. "https://intranet.example/charts/". */
  baseUrl?: string;
}

const attr = (svg: string, name: string): string => new RegExp(`<svg[^>]*\\s${name}="([^"]*)"`).exec(svg)?.[1] ?? "";
const descOf = (svg: string): string => /<desc[^>]*>([^<]*)<\/desc>/.exec(svg)?.[1] ?? "";
const unescapeXml = (s: string): string =>
  s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&amp;", "&");

export async function renderStaticCharts(options: StaticChartsOptions): Promise<StaticChart[]> {
  const layer = await createSemanticLayer({ warehouse: options.warehouse, ...(options.trino ? { trino: options.trino } : {}) });
  const sel = options.selection ?? {};
  try {
    const load = async (q: CubeQuery): Promise<Row[]> => (await layer.load(q, options.security)).data;
    const dataDateRows = await load(chartQueries.dataDate(sel));
    mkdirSync(options.outDir, { recursive: true });
    const charts: StaticChart[] = [];
    for (const spec of STANDARD_CHARTS) {
      const query = chartQueries[QUERY_OF[spec.kind]](sel);
      const rows = await load(query);
      const svg = renderFromRows(spec.kind, rows, dataDateRows, {
        minSample: options.minSample,
        idPrefix: spec.file.replace(/\.svg$/, ""),
        title: spec.title,
      });
      writeFileSync(join(options.outDir, spec.file), svg + "\n");
      charts.push({
        file: spec.file,
        kind: spec.kind,
        title: spec.title,
        alt: unescapeXml(descOf(svg)),
        width: Number(attr(svg, "width")),
        height: Number(attr(svg, "height")),
        query,
      });
    }
    writeFileSync(join(options.outDir, "index.html"), galleryHtml(charts, options));
    writeFileSync(
      join(options.outDir, "charts.json"),
      JSON.stringify({ minSample: options.minSample, selection: sel, charts: charts.map(({ file, kind, title, query }) => ({ file, kind, title, query })) }, null, 2) + "\n",
    );
    return charts;
  } finally {
    await layer.close();
  }
}

export function imgSnippet(chart: StaticChart, baseUrl = ""): string {
  return `<img src="${esc(baseUrl + chart.file)}" width="${chart.width}" height="${chart.height}" alt="${esc(chart.alt)}">`;
}

export function galleryHtml(charts: StaticChart[], options: Pick<StaticChartsOptions, "baseUrl" | "minSample">): string {
  const figures = charts
    .map(
      (c) => `  <figure id="${esc(c.file)}">
    <figcaption><h2>${esc(c.title)}</h2><a href="${esc(c.file)}">${esc(c.file)}</a></figcaption>
    <img src="${esc(c.file)}" width="${c.width}" height="${c.height}" alt="${esc(c.alt)}">
    <p>Copy and paste into an intranet page:</p>
    <pre><code>${esc(imgSnippet(c, options.baseUrl))}</code></pre>
  </figure>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Promotor charts</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 760px; color: #1f2933; }
  figure { margin: 0 0 2.5rem; padding: 1rem; border: 1px solid #e4e7eb; border-radius: 6px; }
  h2 { font-size: 1.1rem; margin: 0 0 .25rem; }
  img { max-width: 100%; height: auto; display: block; margin: .75rem 0; }
  pre { background: #f5f7fa; padding: .75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
</style>
</head>
<body>
<h1>Promotor charts</h1>
<p>Static SVG charts rendered from the semantic layer by <code>promotor charts</code>. They need no server:
copy a file next to your page, or use the snippet. Groups with fewer than ${options.minSample} responses
show "too few responses" instead of a score. Each chart states its data date and sample size.</p>
${figures}
<h2>Live charts</h2>
<p>For charts that update with the data (and follow the viewer's row-level security), include the script
that sits in this folder and one tag per chart; the token comes from <code>promotor token</code>, the
server from <code>promotor serve</code>:</p>
<pre><code>${esc(`<script src="${options.baseUrl ?? ""}promotor-chart.js" defer></script>
<promotor-chart type="trend" token="JWT" api-url="https://cube.example/cubejs-api/v1"></promotor-chart>`)}</code></pre>
</body>
</html>
`;
}
