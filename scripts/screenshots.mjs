#!/usr/bin/env node
// Full-page screenshots of every page of a built dashboard release, in headless Chromium, to look
// at as a reader would (README "Looking at the dashboards"). Serves releases/ as it is on
// loopback, opens each page, waits until Evidence's queries have rendered, and writes one PNG
// per page. It also reports what a reader would not see in a picture: requests to anything but
// the release's own origin, failed requests, and console errors.
//
//   node scripts/screenshots.mjs [--release 2.0.1/nl] [--out screenshots/] [--width 1280]
//
// Needs a built release (promotor pages build) and Chromium (PROMOTOR_CHROMIUM or /usr/bin/chromium).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "..", "..");
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

const { register } = await import("tsx/esm/api");
register();
const { serveStatic } = await import("../src/pages/preview.ts");
const { readReleaseIndex } = await import("../src/pages/versioning.ts");

const releasesDir = join(root, "releases");
const releases = readReleaseIndex(releasesDir);
const path = (flag("release") ?? releases[0]?.path ?? "").replace(/\/?$/, "/");
if (!path || path === "/" || !existsSync(join(releasesDir, path, "index.html"))) {
  console.error(`screenshots: no built release ${path || ""} in ${releasesDir}\n  fix: run promotor pages build first`);
  process.exit(1);
}
const out = resolve(flag("out", join(root, "screenshots")));
mkdirSync(out, { recursive: true });
const width = Number(flag("width", "1280"));
const executablePath = process.env.PROMOTOR_CHROMIUM ?? "/usr/bin/chromium";

const server = await serveStatic(releasesDir, 0);
const origin = `http://127.0.0.1:${server.address().port}`;
const { chromium } = await import("playwright-core");
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });

// Every page of the release: the static pages, and each account manager's page that the index links to.
const release = JSON.parse(readFileSync(join(releasesDir, path, "promotor-release.json"), "utf8"));
const pages = release.pages.filter((p) => !p.page.includes("["));
const report = [];
try {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const outside = [];
  const failed = [];
  const errors = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) outside.push(r.url());
  });
  // ERR_ABORTED: Evidence cancels its own prerendered-query fetches when a page moves on.
  page.on("requestfailed", (r) => {
    if (r.failure()?.errorText !== "net::ERR_ABORTED") failed.push(`${r.url()} (${r.failure()?.errorText})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) failed.push(`${r.url()} (HTTP ${r.status()})`);
  });
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  const shoot = async (route, name) => {
    const url = `${origin}/${path}${route}`;
    await page.goto(url, { waitUntil: "networkidle", timeout: 60_000 });
    // Evidence renders queries in the browser (DuckDB-WASM): wait until no "Loading" remains.
    await page.waitForFunction(() => !document.body.innerText.includes("Loading..."), null, { timeout: 60_000 }).catch(() => {});
    await page.waitForTimeout(1500);
    const file = join(out, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    report.push({ page: name, url, file });
    return page;
  };
  for (const p of pages) {
    const route = p.page === "index" ? "" : p.page.replace(/\/index$/, "");
    await shoot(route, p.page.replaceAll("/", "__"));
    if (p.page === "account-managers/index") {
      const links = await page.$$eval("a[href*='/account-managers/']", (as) => as.map((a) => a.getAttribute("href")));
      const first = links.find((h) => h && !h.endsWith("/account-managers/") && !h.endsWith("/account-managers"));
      if (first) await shoot(first.replace(`/${path}`, "").replace(/^\//, ""), "account-managers__one-manager");
    }
  }
  console.log(report.map((r) => `${r.file}  ${r.url}`).join("\n"));
  console.log(`requests outside ${origin}: ${outside.length}${outside.length ? `\n  ${[...new Set(outside)].join("\n  ")}` : ""}`);
  console.log(`failed requests: ${failed.length}${failed.length ? `\n  ${[...new Set(failed)].join("\n  ")}` : ""}`);
  console.log(`console errors: ${errors.length}${errors.length ? `\n  ${[...new Set(errors)].slice(0, 20).join("\n  ")}` : ""}`);
  process.exitCode = outside.length || failed.length ? 1 : 0;
} finally {
  await browser.close();
  server.close();
}
