/** <promotor-chart> rendered in headless Chromium against a loopback server that answers
 * /cubejs-api/v1/load with HAND-WRITTEN FIXTURES IN THE DOCUMENTED /cubejs-api/v1/load RESPONSE
 * SHAPE ({ query, data, annotation }, wrapped in { queryType, results } when the client asks for
 * queryType=multi). No Cube server is involved in this file; see embed-live.test.ts for that. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEmbed } from "../../src/embed/build.ts";
import { hasChromium, launchChromium, noChromiumReason, type Headless } from "../charts/chromium.ts";

const TOKEN = "header.payload.signature-of-a-test-token";

/** Fixture rows, written by hand. Numbers as strings where Cube's REST API sends strings. */
const TREND_ROWS = [
  { "nps.answered_at.month": "2026-07-01T00:00:00.000", "nps.answered_at": "2026-07-01T00:00:00.000", "nps.score": "31.5", "nps.score_margin_of_error": "9.2", "nps.responses": "120" },
  { "nps.answered_at.month": "2026-08-01T00:00:00.000", "nps.answered_at": "2026-08-01T00:00:00.000", "nps.score": "12", "nps.score_margin_of_error": "30.1", "nps.responses": "12" },
  { "nps.answered_at.month": "2026-09-01T00:00:00.000", "nps.answered_at": "2026-09-01T00:00:00.000", "nps.score": "-4.25", "nps.score_margin_of_error": "10.4", "nps.responses": "98" },
  { "nps.answered_at.month": "2026-10-01T00:00:00.000", "nps.answered_at": "2026-10-01T00:00:00.000", "nps.score": "22", "nps.score_margin_of_error": "8.7", "nps.responses": "150" },
];
const TOUCHPOINT_ROWS = [
  { "nps.touchpoint": "onboarding", "nps.touchpoint_label_en": "Onboarding", "nps.journey_order": 1, "nps.score": "40", "nps.responses": "80" },
  { "nps.touchpoint": "claim", "nps.touchpoint_label_en": "Claim", "nps.journey_order": 5, "nps.score": "-15", "nps.responses": "60" },
  { "nps.touchpoint": "complaint", "nps.touchpoint_label_en": "Complaint", "nps.journey_order": 6, "nps.score": "-50", "nps.responses": "7" },
];
const TILE_ROWS = [{ "nps.score": "23.4", "nps.score_margin_of_error": "3.1", "nps.responses": "4200" }];
const DATE_ROWS = [{ "nps.answered_at.day": "2026-10-31T00:00:00.000", "nps.answered_at": "2026-10-31T00:00:00.000", "nps.responses": "7" }];

function rowsFor(query: { measures?: string[]; dimensions?: string[]; timeDimensions?: { granularity?: string }[] }): Record<string, unknown>[] {
  const granularity = query.timeDimensions?.[0]?.granularity;
  if (granularity === "day") return DATE_ROWS;
  if (granularity === "month") return TREND_ROWS;
  if (query.dimensions?.includes("nps.touchpoint")) return TOUCHPOINT_ROWS;
  return TILE_ROWS;
}

/** The documented single-query response; `annotation` lists the members as the REST API does. */
function loadResponse(query: Record<string, unknown>, data: Record<string, unknown>[]): Record<string, unknown> {
  const members = (k: string) => Object.fromEntries(((query[k] as string[] | undefined) ?? []).map((m) => [m, { title: m, shortTitle: m, type: "number" }]));
  return { query, data, lastRefreshTime: "2026-11-01T06:00:00.000Z", annotation: { measures: members("measures"), dimensions: members("dimensions"), segments: {}, timeDimensions: {} } };
}

let server: Server;
let base = "";
let dir = "";
let browser: Headless | undefined;
const requests: { query: Record<string, unknown>; authorization: string | undefined }[] = [];

function page(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><script src="/promotor-chart.js"></script></head><body>${body}</body></html>`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "promotor-embed-"));
  const bundle = join(dir, "promotor-chart.js");
  await buildEmbed(bundle);
  const pages: Record<string, string> = {};
  server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/promotor-chart.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(bundle));
    } else if (url.pathname.startsWith("/page/")) {
      res.writeHead(200, { "content-type": "text/html" }).end(pages[url.pathname.slice(6)] ?? "");
    } else if (url.pathname === "/cubejs-api/v1/load") {
      const query = JSON.parse(url.searchParams.get("query") ?? "{}") as Record<string, unknown>;
      const authorization = req.headers.authorization;
      requests.push({ query, authorization });
      if (authorization !== TOKEN) {
        res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ error: "Invalid token: jwt expired" }));
        return;
      }
      const single = loadResponse(query, rowsFor(query));
      const body = url.searchParams.get("queryType") === "multi" ? { queryType: "regularQuery", results: [single], pivotQuery: query, slowQuery: false } : single;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = `${base}/cubejs-api/v1`;
  pages["charts"] = page(`
    <promotor-chart id="trend" type="trend" token="${TOKEN}" api-url="${api}"
      query='{"filters":[{"member":"business_unit","operator":"equals","values":["Retail"]}]}'></promotor-chart>
    <promotor-chart id="touchpoints" type="touchpoints" token="${TOKEN}" api-url="${api}"></promotor-chart>
    <promotor-chart id="tile" type="tile" token="${TOKEN}" api-url="${api}"></promotor-chart>`);
  pages["expired"] = page(`<promotor-chart id="bad" type="trend" token="an-expired-token" api-url="${api}"></promotor-chart>`);
  if (hasChromium) browser = await launchChromium();
  else console.warn(`embed rendering tests skipped: ${noChromiumReason}`);
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => server?.close(() => r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasChromium)("<promotor-chart> from documented /cubejs-api/v1/load responses (fixtures)", () => {
  it("renders trend, touchpoint bars and a tile with the fixture values, and sends the token", async () => {
    const p = await browser!.browser.newPage();
    const errors: string[] = [];
    p.on("pageerror", (e) => errors.push(String(e)));
    await p.goto(`${base}/page/charts`);
    await p.waitForFunction(() => ["trend", "touchpoints", "tile"].every((id) => document.getElementById(id)?.getAttribute("data-state") === "ready"), null, { timeout: 20_000 });
    expect(errors).toEqual([]);

    const trend = await p.evaluate(() => {
      const root = document.getElementById("trend")!.shadowRoot!;
      return {
        points: [...root.querySelectorAll("circle.point")].map((c) => ({ period: c.getAttribute("data-period"), value: Number(c.getAttribute("data-value")), n: Number(c.getAttribute("data-n")), cy: Number(c.getAttribute("cy")) })),
        insufficient: [...root.querySelectorAll("g.insufficient")].map((g) => g.getAttribute("data-period")),
        ticks: [...root.querySelectorAll("g.tick.y")].map((g) => ({ v: Number(g.getAttribute("data-tick")), y: Number(g.querySelector("line")!.getAttribute("y1")) })),
        footer: root.querySelector("text.footer")!.textContent,
      };
    });
    // Fixture months with n >= 30 are plotted with their score; August (n = 12) is not.
    expect(trend.points.map((p) => [p.period, p.value, p.n])).toEqual([["2026-07", 31.5, 120], ["2026-09", -4.25, 98], ["2026-10", 22, 150]]);
    expect(trend.insufficient).toEqual(["2026-08"]);
    // Geometry: invert the y axis from two of its ticks and read the plotted values back.
    const [t0, t1] = [trend.ticks[0]!, trend.ticks.at(-1)!];
    const valueAt = (y: number) => t0.v + ((y - t0.y) * (t1.v - t0.v)) / (t1.y - t0.y);
    for (const pt of trend.points) expect(valueAt(pt.cy)).toBeCloseTo(pt.value, 0);
    // 120 + 12 + 98 + 150 = 380 responses; data date from the day query.
    expect(trend.footer).toContain("data up to 2026-10-31");
    expect(trend.footer).toContain("n = 380 responses");

    const bars = await p.evaluate(() => {
      const root = document.getElementById("touchpoints")!.shadowRoot!;
      return {
        bars: [...root.querySelectorAll("rect.bar")].map((r) => ({ key: r.getAttribute("data-key"), value: Number(r.getAttribute("data-value")), y: Number(r.getAttribute("y")) })),
        tooFew: root.querySelector("g.insufficient text.too-few")?.textContent,
      };
    });
    expect(bars.bars.map((b) => [b.key, b.value])).toEqual([["onboarding", 40], ["claim", -15]]);
    expect(bars.bars[0]!.y).toBeLessThan(bars.bars[1]!.y); // journey order, top to bottom
    expect(bars.tooFew).toBe("too few responses (n = 7)");

    const tile = await p.evaluate(() => document.getElementById("tile")!.shadowRoot!.querySelector("text.value")!.textContent);
    expect(tile).toBe("+23");

    // Every request carried the token; the trend's selection reached both of its queries, on the nps view.
    expect(requests.length).toBeGreaterThanOrEqual(6);
    expect(requests.every((r) => r.authorization === TOKEN)).toBe(true);
    const trendQueries = requests.filter((r) => JSON.stringify(r.query).includes("Retail"));
    expect(trendQueries).toHaveLength(2);
    for (const r of trendQueries) expect(r.query["filters"]).toEqual([{ member: "nps.business_unit", operator: "equals", values: ["Retail"] }]);

    // PROMOTOR_SCREENSHOTS=DIR keeps the screenshot for a person to look at.
    await p.screenshot({ path: join(process.env["PROMOTOR_SCREENSHOTS"] ?? dir, "embed.png"), fullPage: true });
    await p.close();
  });

  it("shows a readable error instead of a chart when the token is refused", async () => {
    const p = await browser!.browser.newPage();
    await p.goto(`${base}/page/expired`);
    await p.waitForFunction(() => document.getElementById("bad")?.getAttribute("data-state") === "error", null, { timeout: 20_000 });
    const text = await p.evaluate(() => document.getElementById("bad")!.shadowRoot!.querySelector("[role=alert]")!.textContent);
    expect(text).toContain("jwt expired");
    expect(text).toContain("token may have expired");
    await p.close();
  });
});
