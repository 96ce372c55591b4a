/** The real thing: `promotor pages build` runs Evidence's sources step and build:strict on every
 * page, in Dutch and in English, and headless Chromium opens the release served as it is, with
 * every request counted. It needs DuckDB-WASM's parquet extension: it runs wherever
 * PROMOTOR_DUCKDB_EXTENSION_REPOSITORY names a repository (DuckDB's, or a mirror of its signed
 * files), and is skipped with that reason elsewhere. The tests in compile.test.ts,
 * ssr-imports.test.ts and check.test.ts catch each class of its failures without the extension. */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/lib/paths.ts";
import { EXTENSION_REPOSITORY_ENV, EXTENSIONS_DIR_ENV } from "../../src/pages/extension.ts";
import { serveStatic } from "../../src/pages/preview.ts";
import { pagesProject } from "../../src/pages/project.ts";
import { readReleaseIndex } from "../../src/pages/versioning.ts";
import { hasChromium, launchChromium, noChromiumReason } from "../charts/chromium.ts";
import { cli, tempDir, warehouseFrom } from "./helpers.ts";

const repository = process.env[EXTENSION_REPOSITORY_ENV];
const reason = `${EXTENSION_REPOSITORY_ENV} is not set: the real Evidence build needs DuckDB-WASM's parquet extension (set it to DuckDB's repository or a mirror of its signed files to run this)`;
if (!repository) console.warn(`[pages] real Evidence build skipped: ${reason}`);

const project = pagesProject(projectRoot);
let warehouse: string;
const savedDir = process.env[EXTENSIONS_DIR_ENV];

beforeAll(async () => {
  if (!repository) return;
  warehouse = await warehouseFrom(join(projectRoot, "seeds", "sample"));
  // An empty copy: the build must fetch the extension from the repository and check it itself.
  process.env[EXTENSIONS_DIR_ENV] = tempDir("promotor-real-ext-");
}, 120_000);
afterAll(() => {
  if (savedDir === undefined) delete process.env[EXTENSIONS_DIR_ENV];
  else process.env[EXTENSIONS_DIR_ENV] = savedDir;
});

describe.skipIf(!repository)("the real Evidence build", () => {
  const built: Record<string, string> = {};

  for (const lang of ["nl", "en"] as const) {
    it(`passes build:strict on every page (${lang}) and writes a release that carries its extensions`, async () => {
      const r = await cli(["--warehouse", warehouse, "pages", "build", "--lang", lang, "--force"]);
      expect(r.code, `${r.stderr}\n${r.stdout.slice(-3000)}`).toBe(0);
      const release = readReleaseIndex(project.releasesDir).find((x) => x.lang === lang)!;
      expect(release, "the release index lists it").toBeDefined();
      const dir = join(project.releasesDir, release.path);
      built[lang] = release.path;
      for (const page of ["", "customer-journey/", "drivers/", "klantrelatiescore/", "verbatims/", "account-managers/", "data-quality/"]) {
        expect(existsSync(join(dir, page, "index.html")), `${page}index.html`).toBe(true);
      }
      for (const platform of ["wasm_eh", "wasm_mvp"]) {
        expect(existsSync(join(dir, "duckdb-extensions", "v1.4.3", platform, "parquet.duckdb_extension.wasm")), platform).toBe(true);
      }
      // A page for every account manager with any response (Evidence prerenders what the index links).
      const managers = readdirSync(join(dir, "account-managers")).filter((f) => existsSync(join(dir, "account-managers", f, "index.html")));
      expect(managers.length).toBeGreaterThanOrEqual(20);
      const html = readFileSync(join(dir, "index.html"), "utf8");
      expect(html).toContain(`/${release.path}_app/`);
      expect(html).not.toMatch(/wordmark-(black|white)/);
    }, 1_200_000);
  }

  it.skipIf(!hasChromium)("opens every page of both releases from releases/ served as is: no request leaves the origin, no error", async () => {
    if (!hasChromium) throw new Error(noChromiumReason);
    const server = await serveStatic(project.releasesDir, 0);
    const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const chromium = await launchChromium();
    try {
      for (const [lang, path] of Object.entries(built)) {
        const page = await chromium.browser.newPage();
        const outside: string[] = [];
        const failures: string[] = [];
        page.on("request", (q) => {
          if (!q.url().startsWith(origin) && !/^(data|blob):/.test(q.url())) outside.push(q.url());
        });
        page.on("response", (r) => {
          if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
        });
        page.on("console", (m) => {
          if (m.type() === "error") failures.push(m.text());
        });
        // The release index links each release relative to releases/.
        await page.goto(`${origin}/`, { waitUntil: "load" });
        await page.click(`a[href="./${path}"]`);
        await page.waitForLoadState("networkidle");
        for (const route of ["", "customer-journey", "drivers", "klantrelatiescore", "verbatims", "account-managers", "data-quality"]) {
          await page.goto(`${origin}/${path}${route}`, { waitUntil: "networkidle", timeout: 60_000 });
          await page.waitForFunction(() => !document.body.innerText.includes("Loading..."), null, { timeout: 60_000 });
          const text = await page.evaluate(() => document.body.innerText);
          expect(text, `${lang}/${route}`).not.toMatch(/Error in|Dataset is empty|Extension Autoloading Error/);
          expect(await page.locator("header img").count(), "the organisation's header").toBeGreaterThan(0);
        }
        // Loaded from the release itself: the parquet extension the browser needs.
        expect(outside, `${lang}: requests outside ${origin}`).toEqual([]);
        expect(failures.filter((f) => !f.includes("ERR_ABORTED")), `${lang}: failed requests or console errors`).toEqual([]);
        const body = await page.evaluate(() => document.body.innerText);
        if (lang === "en") expect(body).not.toMatch(/\b(klanten|antwoorden|kwartaal)\b/i);
        else expect(body).not.toMatch(/\b(customers|responses|quarter)\b/i);
        await page.close();
      }
    } finally {
      await chromium.close();
      server.close();
    }
  }, 600_000);
});

// Releases built by this test are the real thing; leave them for a person to open, but never
// leave a half-written one behind.
afterAll(() => {
  for (const dir of existsSync(project.releasesDir) ? readdirSync(project.releasesDir) : []) {
    if (dir.endsWith(".part")) rmSync(join(project.releasesDir, dir), { recursive: true, force: true });
  }
});
