/** <promotor-chart>: a live chart for intranet pages, one tag plus one script.
 *
 *   <script src="promotor-chart.js"></script>
 *   <promotor-chart type="trend" token="<JWT from promotor token>" api-url="https://cube.example/cubejs-api/v1"
 *                   query='{"filters":[{"member":"business_unit","operator":"equals","values":["Retail"]}],"dateRange":"last 12 months"}'>
 *   </promotor-chart>
 *
 * It loads the standard chart's semantic-layer query through @cubejs-client/core (so the token's
 * row-level security applies) and draws the same SVG as `promotor charts` (src/charts). */
import cube, { type Query } from "@cubejs-client/core";
import { CHART_KINDS, chartQueries, QUERY_OF, renderFromRows, type ChartKind, type Row, type Selection } from "../charts/index.ts";
import { esc } from "../charts/svg.ts";
import { DEFAULT_MINIMUM_SAMPLE } from "../measures/types.ts";

const ATTRIBUTES = ["type", "token", "api-url", "query", "min-sample", "title", "width", "height"] as const;

let instances = 0;

/** Reads the query attribute: a JSON selection (filters on shared dimensions, dateRange). */
export function parseSelection(text: string | null): Selection {
  if (!text || !text.trim()) return {};
  const parsed = JSON.parse(text) as unknown;
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error('query must be a JSON object like {"dateRange":"last 12 months"}');
  const sel = parsed as Record<string, unknown>;
  const out: Selection = {};
  if (sel["filters"] !== undefined) {
    if (!Array.isArray(sel["filters"])) throw new Error("query.filters must be an array of Cube filters");
    out.filters = sel["filters"] as Selection["filters"];
  }
  if (sel["dateRange"] !== undefined) out.dateRange = sel["dateRange"] as Selection["dateRange"];
  return out;
}

export class PromotorChartElement extends HTMLElement {
  static observedAttributes = [...ATTRIBUTES];
  private readonly root: ShadowRoot;
  private readonly idPrefix = `promotor-chart-${++instances}`;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: "open" });
  }

  connectedCallback(): void {
    this.schedule();
  }

  attributeChangedCallback(): void {
    if (this.isConnected) this.schedule();
  }

  /** Coalesces attribute changes made in one go into one load. */
  private schedule(): void {
    if (this.pending !== undefined) clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.load();
    }, 0);
  }

  private show(html: string, state: "loading" | "ready" | "error"): void {
    this.setAttribute("data-state", state);
    this.root.innerHTML = `<style>:host{display:inline-block;max-width:100%;font-family:system-ui,sans-serif}svg{max-width:100%;height:auto;display:block}.message{padding:1rem;border:1px solid #e4e7eb;border-radius:6px;color:#616e7c;font-size:14px}.error{color:#b23b3b}</style>${html}`;
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    const kind = (this.getAttribute("type") ?? "trend") as ChartKind;
    const token = this.getAttribute("token");
    const apiUrl = this.getAttribute("api-url") ?? `${location.origin}/cubejs-api/v1`;
    try {
      if (!(CHART_KINDS as readonly string[]).includes(kind)) throw new Error(`unknown type "${kind}": use one of ${CHART_KINDS.join(", ")}`);
      if (!token) throw new Error("the token attribute is missing: issue one with promotor token");
      const selection = parseSelection(this.getAttribute("query"));
      const minSample = Number(this.getAttribute("min-sample") ?? DEFAULT_MINIMUM_SAMPLE);
      this.show(`<div class="message" role="status">Loading…</div>`, "loading");
      const api = cube(token, { apiUrl });
      // Promotor's CubeQuery is the REST query format; the client's Query type spells it more narrowly.
      const asQuery = (q: unknown): Query => q as Query;
      const [main, date] = await Promise.all([
        api.load(asQuery(chartQueries[QUERY_OF[kind]](selection))),
        api.load(asQuery(chartQueries.dataDate(selection))),
      ]);
      if (generation !== this.generation) return;
      const num = (name: string): number | undefined => {
        const v = this.getAttribute(name);
        return v === null ? undefined : Number(v);
      };
      const width = num("width");
      const height = num("height");
      const title = this.getAttribute("title");
      const svg = renderFromRows(kind, main.rawData() as Row[], date.rawData() as Row[], {
        // A page may raise the minimum sample, never lower it; the server's `_reported` members
        // are null below its own minimum anyway (src/charts/queries.ts).
        minSample: Number.isInteger(minSample) && minSample > DEFAULT_MINIMUM_SAMPLE ? minSample : DEFAULT_MINIMUM_SAMPLE,
        idPrefix: this.idPrefix,
        ...(width ? { width } : {}),
        ...(height ? { height } : {}),
        ...(title ? { title } : {}),
      });
      this.show(svg, "ready");
      this.dispatchEvent(new CustomEvent("promotor-chart:ready", { bubbles: true }));
    } catch (error) {
      if (generation !== this.generation) return;
      const message = error instanceof Error ? error.message : String(error);
      const expired = /expired|403|forbidden|invalid authorization/i.test(message);
      this.show(
        `<div class="message error" role="alert">Chart unavailable: ${esc(message)}${expired ? " — the embed token may have expired; reload the page for a fresh one." : ""}</div>`,
        "error",
      );
      this.dispatchEvent(new CustomEvent("promotor-chart:error", { bubbles: true, detail: { message } }));
    }
  }
}

if (typeof customElements !== "undefined" && !customElements.get("promotor-chart")) {
  customElements.define("promotor-chart", PromotorChartElement);
}
