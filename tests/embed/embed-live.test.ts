/** <promotor-chart> against a real Cube server (`promotor serve`) with a token from
 * `promotor token`: the plotted values must equal `promotor query`, and a business-unit token
 * must only see its unit. Needs Cube's native module: skipped here with the reason printed. */
import { execFile, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureEmbedBundle } from "../../src/embed/build.ts";
import { issueToken } from "../../src/token/token.ts";
import { hasChromium, launchChromium, noChromiumReason, type Headless } from "../charts/chromium.ts";
import { buildFixtureWarehouse, generatedResponses } from "../semantic/fixture.ts";
import { closeHttpServer, hasNative, noNativeReason, startServe, stopChild } from "../serve/helpers.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const SECRET = "embed-live-test-secret-0123456789abcdef";
const canRun = hasNative && hasChromium;
if (!canRun) console.warn(`live embed test skipped: ${!hasNative ? noNativeReason : noChromiumReason}`);

describe.skipIf(!canRun)("<promotor-chart> against promotor serve", () => {
  let cube: ChildProcess | undefined;
  let pageServer: Server | undefined;
  let fixture: { path: string; cleanup(): void };
  let browser: Headless;
  let apiUrl = "";
  let pageBase = "";

  beforeAll(async () => {
    fixture = await buildFixtureWarehouse(generatedResponses(900, 3), "embedlive");
    const bundle = await ensureEmbedBundle();
    const page = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/promotor-chart.js") res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(bundle));
      else res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><script src="/promotor-chart.js"></script>
        <promotor-chart id="c" type="touchpoints" token="${url.searchParams.get("token")}" api-url="${apiUrl}"></promotor-chart>`);
    });
    pageServer = page;
    await new Promise<void>((r) => page.listen(0, "127.0.0.1", r));
    pageBase = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    // The intranet page is another origin: the server allows exactly that one (CORS).
    const started = await startServe(["--warehouse", fixture.path, "serve", "--cors-origin", pageBase], { CUBEJS_API_SECRET: SECRET });
    cube = started.child;
    apiUrl = `http://127.0.0.1:${started.apiPort}/cubejs-api/v1`;
    browser = await launchChromium();
  });

  // Never hangs: each step copes with what a failed beforeAll did not create.
  afterAll(async () => {
    await browser?.close();
    await closeHttpServer(pageServer);
    await stopChild(cube);
    fixture?.cleanup();
  });

  async function plotted(token: string): Promise<Record<string, number>> {
    const page = await browser.browser.newPage();
    await page.goto(`${pageBase}/?token=${encodeURIComponent(token)}`);
    await page.waitForFunction(() => document.getElementById("c")?.getAttribute("data-state") === "ready", null, { timeout: 30_000 });
    const bars = await page.evaluate(() => [...document.getElementById("c")!.shadowRoot!.querySelectorAll("rect.bar")].map((r) => [r.getAttribute("data-key")!, Number(r.getAttribute("data-value"))] as const));
    await page.close();
    return Object.fromEntries(bars);
  }

  async function expected(filters: object[]): Promise<Record<string, number>> {
    const q = { measures: ["nps.score", "nps.responses"], dimensions: ["nps.touchpoint"], filters: [{ member: "nps.survey_type", operator: "equals", values: ["touchpoint"] }, ...filters] };
    const { stdout } = await run(process.execPath, [join(root, "bin", "promotor.mjs"), "--warehouse", fixture.path, "query", JSON.stringify(q), "--format", "json"], { cwd: root });
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    return Object.fromEntries(rows.filter((r) => Number(r["nps.responses"]) >= 30).map((r) => [String(r["nps.touchpoint"]), Number(Number(r["nps.score"]).toFixed(4))]));
  }

  it("plots what promotor query answers, for an executive and for one business unit", async () => {
    const exec = issueToken({ role: "executive" }, { secret: SECRET }).token;
    expect(await plotted(exec)).toEqual(await expected([]));
    const north = issueToken({ role: "business_unit", business_unit: "north" }, { secret: SECRET }).token;
    const northPlotted = await plotted(north);
    expect(northPlotted).toEqual(await expected([{ member: "nps.business_unit", operator: "equals", values: ["north"] }]));
    expect(northPlotted).not.toEqual(await expected([]));
  });
});
