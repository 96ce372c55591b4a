/** Static SVG charts (`promotor charts`): rendered from a small warehouse whose numbers the test
 * computes itself from the raw responses, checked against `promotor query`, and opened in headless
 * Chromium to read the plotted geometry back. */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderNpsBars, renderTrend } from "../../src/charts/index.ts";
import { renderStaticCharts } from "../../src/charts/static.ts";
import { buildFixtureWarehouse, DRIVERS, generatedResponses, type FixtureResponse } from "../semantic/fixture.ts";
import { hasChromium, launchChromium, noChromiumReason, type Headless } from "./chromium.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");

// ~1,200 responses over Jan 2023 – Jun 2024, plus 12 in September 2024: a month under the minimum sample.
const LATE: FixtureResponse[] = Array.from({ length: 12 }, (_, i) => ({
  ...generatedResponses(1, 99)[0]!,
  id: `late${i}`,
  at: `2024-09-${String(10 + i).padStart(2, "0")} 12:00:00`,
  rec: i % 3 === 0 ? 10 : 5,
}));
const RESPONSES = [...generatedResponses(1200, 11), ...LATE];

/** NPS the textbook way, from the recommend scores. */
function nps(scores: number[]): number {
  const p = scores.filter((s) => s >= 9).length;
  const d = scores.filter((s) => s <= 6).length;
  return (100 * (p - d)) / scores.length;
}
function pearson(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function expectedByMonth(): Map<string, { nps: number; n: number }> {
  const groups = new Map<string, number[]>();
  for (const r of RESPONSES) groups.set(r.at.slice(0, 7), [...(groups.get(r.at.slice(0, 7)) ?? []), r.rec]);
  return new Map([...groups].map(([m, s]) => [m, { nps: nps(s), n: s.length }]));
}

let warehouse: { path: string; cleanup(): void };
let out = "";
let browser: Headless | undefined;
const shots = process.env["PROMOTOR_SCREENSHOTS"];

beforeAll(async () => {
  warehouse = await buildFixtureWarehouse(RESPONSES, "charts");
  out = mkdtempSync(join(tmpdir(), "promotor-charts-"));
  await run(process.execPath, [join(root, "bin", "promotor.mjs"), "--warehouse", warehouse.path, "charts", "--out", out], { cwd: root });
  if (hasChromium) browser = await launchChromium();
  else console.warn(`chart rendering tests in Chromium skipped: ${noChromiumReason}`);
});

afterAll(async () => {
  await browser?.close();
  warehouse?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

const attrs = (svg: string, cls: string, name: string): string[] =>
  [...svg.matchAll(new RegExp(`<[a-z]+ class="${cls}"[^>]*?\\s${name}="([^"]*)"`, "g"))].map((m) => m[1]!);

describe("promotor charts --out DIR", () => {
  it("writes the standard charts, a gallery with <img> snippets, and the embed script", () => {
    const files = readdirSync(out).sort();
    expect(files).toEqual(["charts.json", "driver-matrix.svg", "index.html", "krs-components.svg", "nps-tile.svg", "nps-trend.svg", "promotor-chart.js", "touchpoint-nps.svg"]);
    const gallery = readFileSync(join(out, "index.html"), "utf8");
    for (const f of ["nps-trend.svg", "touchpoint-nps.svg", "driver-matrix.svg", "krs-components.svg"]) {
      expect(gallery).toContain(`&lt;img src=&quot;${f}&quot; width=`);
    }
  });

  it("plots monthly NPS equal to an independent count and to promotor query, hiding the small month", async () => {
    const svg = readFileSync(join(out, "nps-trend.svg"), "utf8");
    const periods = attrs(svg, "point", "data-period");
    const values = attrs(svg, "point", "data-value").map(Number);
    const expected = expectedByMonth();
    const plotted = [...expected].filter(([, e]) => e.n >= 30).map(([m]) => m).sort();
    expect(periods).toEqual(plotted);
    periods.forEach((m, i) => expect(values[i]).toBeCloseTo(expected.get(m)!.nps, 3));
    // September 2024 (12 responses) is shown as "too few responses", with no value.
    expect(expected.get("2024-09")!.n).toBe(12);
    expect(svg).toMatch(/<g class="insufficient" data-period="2024-09" data-n="12">/);
    expect(svg).toContain("data up to 2024-09-21");

    const { stdout } = await run(process.execPath, [
      join(root, "bin", "promotor.mjs"), "--warehouse", warehouse.path, "query",
      JSON.stringify({ measures: ["nps.score", "nps.responses"], timeDimensions: [{ dimension: "nps.answered_at", granularity: "month" }], order: { "nps.answered_at": "asc" } }),
      "--format", "json",
    ], { cwd: root });
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    const fromQuery = rows.filter((r) => Number(r["nps.responses"]) >= 30).map((r) => [String(r["nps.answered_at.month"]).slice(0, 7), Number(r["nps.score"])]);
    expect(fromQuery.map(([m]) => m)).toEqual(periods);
    fromQuery.forEach(([, v], i) => expect(values[i]).toBeCloseTo(v as number, 3));
  });

  it("plots touchpoint NPS in journey order, drivers and KRS equal to independent computations", () => {
    const tp = readFileSync(join(out, "touchpoint-nps.svg"), "utf8");
    expect(attrs(tp, "bar", "data-key")).toEqual(["onboarding", "claim"]); // journey_order 1, 2 in the fixture
    const tpValues = attrs(tp, "bar", "data-value").map(Number);
    ["onboarding", "claim"].forEach((t, i) => expect(tpValues[i]).toBeCloseTo(nps(RESPONSES.filter((r) => r.survey === "touchpoint" && r.touchpoint === t).map((r) => r.rec)), 3));

    const dm = readFileSync(join(out, "driver-matrix.svg"), "utf8");
    expect(attrs(dm, "point", "data-key")).toEqual([...DRIVERS]);
    const imp = attrs(dm, "point", "data-importance").map(Number);
    const perf = attrs(dm, "point", "data-performance").map(Number);
    DRIVERS.forEach((_, i) => {
      const rated = RESPONSES.filter((r) => r.drivers[i] !== null);
      expect(perf[i]).toBeCloseTo(mean(rated.map((r) => r.drivers[i]!)), 3);
      expect(imp[i]).toBeCloseTo(pearson(rated.map((r) => r.drivers[i]!), rated.map((r) => r.rec)), 3);
    });
    expect(Number(/data-mean-importance="([^"]+)"/.exec(dm)![1])).toBeCloseTo(mean(imp), 3);

    const krs = readFileSync(join(out, "krs-components.svg"), "utf8");
    const withKrs = RESPONSES.filter((r) => r.krs !== null);
    const comp = [0, 1, 2].map((j) => mean(withKrs.map((r) => r.krs![j]!)));
    const krsValues = attrs(krs, "bar", "data-value").map(Number);
    expect(attrs(krs, "bar", "data-key")).toEqual(["satisfaction", "trust", "love", "score"]);
    [...comp, mean(comp)].forEach((v, i) => expect(krsValues[i]).toBeCloseTo(v, 3));
    expect(krs).toContain(`n = ${withKrs.length.toLocaleString("en-US")} responses`);
  });

  it("is deterministic: rendering again gives byte-identical SVG files", async () => {
    const again = mkdtempSync(join(tmpdir(), "promotor-charts-again-"));
    try {
      await renderStaticCharts({ warehouse: warehouse.path, outDir: again, minSample: 30 });
      for (const f of ["nps-trend.svg", "touchpoint-nps.svg", "driver-matrix.svg", "krs-components.svg", "nps-tile.svg"]) {
        expect(readFileSync(join(again, f), "utf8")).toBe(readFileSync(join(out, f), "utf8"));
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});

describe("renderers (hand-checked cases)", () => {
  it("respects a configurable minimum sample and scales bars linearly from zero", () => {
    const items = [
      { key: "a", label: "A", value: 50, responses: 40 },
      { key: "b", label: "B", value: -25, responses: 40 },
      { key: "c", label: "C", value: 10, responses: 39 },
    ];
    const svg = renderNpsBars(items, { dataDate: "2026-10-31", minSample: 40 });
    expect(attrs(svg, "bar", "data-key")).toEqual(["a", "b"]);
    expect(svg).toContain("too few responses (n = 39)");
    // Domain [-25, 50] niced to [-30, 50] over x 170..490 (320 px): 4 px per point.
    expect(svg).toContain('data-x-domain="-30,50"');
    const widths = attrs(svg, "bar", "width").map(Number);
    expect(widths).toEqual([200, 100]);
    expect(renderNpsBars(items, { dataDate: "2026-10-31", minSample: 39 })).toContain('data-key="c" data-value="10"');
  });

  it("says so when there is no data, and states the date and n", () => {
    const svg = renderTrend([], { dataDate: null, minSample: 30 });
    expect(svg).toContain("no responses");
    expect(svg).toContain("<desc id=\"promotor-trend-desc\">No responses in the selection.</desc>");
    expect(renderTrend([{ period: "2026-10", nps: 12, marginOfError: 5, responses: 31 }], { dataDate: "2026-10-31", minSample: 30 })).toContain(
      "data up to 2026-10-31 · n = 31 responses",
    );
  });
});

describe.skipIf(!hasChromium)("the SVG files in headless Chromium", () => {
  it("parse as SVG and draw each value where its axis puts it", async () => {
    const page = await browser!.browser.newPage({ viewport: { width: 700, height: 480 } });
    const expected = expectedByMonth();
    for (const file of ["nps-trend.svg", "touchpoint-nps.svg", "driver-matrix.svg", "krs-components.svg", "nps-tile.svg"]) {
      await page.goto(`file://${join(out, file)}`);
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, "image/svg+xml");
        return { root: document.documentElement.tagName, errors: doc.getElementsByTagName("parsererror").length, title: document.querySelector("svg > title")?.textContent ?? "" };
      }, readFileSync(join(out, file), "utf8"));
      expect(parsed).toMatchObject({ root: "svg", errors: 0 });
      expect(parsed.title.length).toBeGreaterThan(2);
      if (shots) await page.screenshot({ path: join(shots, file.replace(/\.svg$/, ".png")) });
    }

    // Trend: invert the y axis from its ticks (rendered positions, getBBox) and read every point back.
    await page.goto(`file://${join(out, "nps-trend.svg")}`);
    const trend = await page.evaluate(() => {
      const ticks = [...document.querySelectorAll("g.tick.y")].map((g) => {
        const line = g.querySelector("line")!;
        return { v: Number(g.getAttribute("data-tick")), y: line.getBBox().y };
      });
      const pts = [...document.querySelectorAll("circle.point")].map((c) => {
        const b = (c as SVGCircleElement).getBBox();
        return { period: c.getAttribute("data-period")!, y: b.y + b.height / 2 };
      });
      return { ticks, pts };
    });
    const [a, b] = [trend.ticks[0]!, trend.ticks.at(-1)!];
    for (const p of trend.pts) {
      const value = a.v + ((p.y - a.y) * (b.v - a.v)) / (b.y - a.y);
      expect(Math.abs(value - expected.get(p.period)!.nps)).toBeLessThan(0.2);
    }

    // Touchpoint bars: rendered width over the x axis scale equals |NPS|.
    await page.goto(`file://${join(out, "touchpoint-nps.svg")}`);
    const bars = await page.evaluate(() => {
      const ticks = [...document.querySelectorAll("g.tick.x")].map((g) => ({ v: Number(g.getAttribute("data-tick")), x: g.querySelector("line")!.getBBox().x }));
      const rects = [...document.querySelectorAll("rect.bar")].map((r) => ({ key: r.getAttribute("data-key")!, box: (r as SVGRectElement).getBBox() }));
      return { ticks, rects: rects.map((r) => ({ key: r.key, x: r.box.x, width: r.box.width })) };
    });
    const [t0, t1] = [bars.ticks[0]!, bars.ticks.at(-1)!];
    const perPoint = (t1.x - t0.x) / (t1.v - t0.v);
    const zeroX = t0.x - t0.v * perPoint;
    for (const r of bars.rects) {
      const want = nps(RESPONSES.filter((x) => x.survey === "touchpoint" && x.touchpoint === r.key).map((x) => x.rec));
      const drawn = (r.x < zeroX - 0.5 ? -1 : 1) * (r.width / perPoint);
      expect(Math.abs(drawn - want)).toBeLessThan(0.2);
    }

    // KRS bars: rendered height over the 0–10 axis.
    await page.goto(`file://${join(out, "krs-components.svg")}`);
    const krs = await page.evaluate(() => {
      const tick = (v: number) => (document.querySelector(`g.tick.y[data-tick="${v}"] line`) as SVGGraphicsElement).getBBox().y;
      return { y0: tick(0), y10: tick(10), bars: [...document.querySelectorAll("rect.bar")].map((r) => (r as SVGRectElement).getBBox().height) };
    });
    const withKrs = RESPONSES.filter((r) => r.krs !== null);
    const sat = mean(withKrs.map((r) => r.krs![0]!));
    expect(Math.abs((krs.bars[0]! / (krs.y0 - krs.y10)) * 10 - sat)).toBeLessThan(0.02);
    await page.close();
  });
});
