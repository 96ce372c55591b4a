/** The board pack: one PDF per built release, in its language, for the CX lead to send to the
 * board. A cover (organisation, logo, period, headline figures, data stamp, release), a contents
 * page, then each dashboard page printed by the Chromium that takes the screenshots (print media,
 * `beforeprint` dispatched, charts awaited) on A4, each page in its orientation; page numbers and
 * the stamp in the footer. Every page is printed from the release as served on loopback: nothing
 * from outside its origin (a request elsewhere fails the pack). Pages are printed one by one and
 * put together with pdf-lib, which also writes the footers (one numbering over the whole pack). */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { extname, join, resolve } from "node:path";
import { PromotorError } from "../lib/errors.ts";
import { readSettingsFile, SETTINGS_FILE } from "../lib/settings-file.ts";
import { localize, type Language } from "./localize.ts";
import { openWarehouse, queryRows } from "../lib/duckdb.ts";
import { serveStatic } from "./preview.ts";
import { readDashboardSettings } from "./settings.ts";
import { dataFreshness, openSemanticLayer } from "./sources.ts";
import { linkBoardPack } from "./versioning.ts";

export const BOARD_PACK_FILE = "board-pack.pdf";

export type Orientation = "portrait" | "landscape";

export interface BoardPackPage {
  /** Page id as in promotor-release.json: index, drivers, account-managers/index, ... */
  page: string;
  orientation: Orientation;
}

/** The pages a board reads, in the order it reads them; landscape, as the dashboards are wide.
 * Data quality is the analysts' page (files, paths, commands): add it in promotor.yaml if wanted. */
export const DEFAULT_BOARD_PACK: readonly BoardPackPage[] = [
  "index",
  "customer-journey",
  "drivers",
  "klantrelatiescore",
  "follow-up",
  "value",
  "survey-pressure",
  "verbatims",
  "account-managers/index",
].map((page) => ({ page, orientation: "landscape" as const }));

/** `board_pack:` in promotor.yaml: which pages, in which order, in which orientation.
 *
 *   board_pack:
 *     pages:
 *       - index                          # landscape
 *       - { page: drivers, orientation: portrait }
 */
export function readBoardPackPages(root: string): BoardPackPage[] {
  const doc = readSettingsFile(root) as { board_pack?: { pages?: unknown } };
  const pages = doc.board_pack?.pages;
  if (pages === undefined) return [...DEFAULT_BOARD_PACK];
  if (!Array.isArray(pages) || pages.length === 0) {
    throw new PromotorError("board_pack.pages must be a list of pages", { file: SETTINGS_FILE, hint: "e.g. pages: [index, drivers, { page: follow-up, orientation: portrait }]", exitCode: 2 });
  }
  return pages.map((entry, i) => {
    const spec = typeof entry === "string" ? { page: entry } : (entry as { page?: unknown; orientation?: unknown });
    if (typeof spec?.page !== "string" || spec.page.trim() === "") {
      throw new PromotorError(`board_pack.pages[${i}] names no page`, { file: SETTINGS_FILE, hint: "a page id such as index, drivers or follow-up (the page file without .md)", exitCode: 2 });
    }
    const orientation = spec.orientation ?? "landscape";
    if (orientation !== "portrait" && orientation !== "landscape") {
      throw new PromotorError(`board_pack.pages[${i}].orientation must be portrait or landscape (found ${JSON.stringify(orientation)})`, { file: SETTINGS_FILE, exitCode: 2 });
    }
    return { page: spec.page.trim(), orientation };
  });
}

interface ReleaseJson {
  dashboard_version: string;
  data_fresh_until: string | null;
  built_at: string;
  lang: Language;
  pages: { page: string; title: string }[];
}

/** A built release's promotor-release.json ("2.1.0/nl" inside releases/). */
function readRelease(releasesDir: string, release: string): ReleaseJson {
  const file = join(releasesDir, release, "promotor-release.json");
  if (!existsSync(file)) throw new PromotorError(`no built release ${release} in ${releasesDir}`, { hint: "run promotor pages build first", exitCode: 2 });
  return JSON.parse(readFileSync(file, "utf8")) as ReleaseJson;
}

export interface Headline {
  nps: number | null;
  responses: number;
  from: string | null;
  to: string | null;
}

export interface BoardPackOptions {
  releasesDir: string;
  /** "2.1.0/nl" */
  release: string;
  root: string;
  headline: Headline;
  /** Chromium (default PROMOTOR_CHROMIUM or /usr/bin/chromium). */
  chromium?: string;
  /** Written here, by default releases/<version>/<lang>/board-pack.pdf. */
  out?: string;
}

export interface BoardPackResult {
  file: string;
  pages: number;
  sections: { page: string; title: string; firstPage: number; pages: number; orientation: Orientation; overflowPx: number }[];
  elapsedMs: number;
}

const TEXT = {
  nl: {
    title: "Bestuursrapportage klantloyaliteit",
    period: "Periode",
    nps: "Net Promoter Score over de hele periode",
    responses: "antwoorden",
    dataUntil: "Gegevens tot en met",
    release: "Dashboardversie",
    printed: "Samengesteld op",
    contents: "Inhoud",
    page: (n: number, of: number) => `Pagina ${n} van ${of}`,
    locale: "nl-NL",
  },
  en: {
    title: "Customer loyalty board pack",
    period: "Period",
    nps: "Net Promoter Score over the whole period",
    responses: "responses",
    dataUntil: "Data up to",
    release: "Dashboard version",
    printed: "Compiled on",
    contents: "Contents",
    page: (n: number, of: number) => `Page ${n} of ${of}`,
    locale: "en-GB",
  },
} as const;

/** A4 in CSS pixels (96 per inch) less the margins below: the width a page is laid out at. */
const MARGIN_MM = { top: 12, right: 12, bottom: 16, left: 12 };
const MM = 96 / 25.4;
export function printableWidthPx(orientation: Orientation): number {
  const width = orientation === "portrait" ? 210 : 297;
  return Math.floor((width - MARGIN_MM.left - MARGIN_MM.right) * MM);
}

/** Print rules for Evidence's pages: charts and table rows never split, table headers repeat,
 * the navigation and the page's own controls stay off paper, nothing wider than the paper. */
const PRINT_CSS = `
@media print {
  header, nav, aside, footer, .print\\:hidden, [data-testid="table-pagination"], button { display: none !important; }
  html, body { background: white !important; }
  main, article, .markdown { max-width: 100% !important; width: 100% !important; margin: 0 !important; padding: 0 !important; }
  figure, svg, canvas, .chart, [class*="echarts"], [id^="chart"], .big-value, table, pre { break-inside: avoid; page-break-inside: avoid; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  * { max-width: 100% !important; }
}`;

const esc = (text: string): string => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

function dateText(iso: string | null, lang: Language): string {
  if (!iso) return "–";
  return new Date(iso).toLocaleDateString(TEXT[lang].locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

function numberText(value: number, lang: Language, digits = 0): string {
  return value.toLocaleString(TEXT[lang].locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function logoDataUrl(root: string, logo: string | undefined): string | undefined {
  if (!logo) return undefined;
  const path = resolve(root, logo);
  if (!existsSync(path)) throw new PromotorError(`organisation.logo ${logo} does not exist`, { file: SETTINGS_FILE, hint: "give a path relative to the project, e.g. static/logo.svg", exitCode: 2 });
  const type = { ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg" }[extname(path).toLowerCase()];
  if (!type) throw new PromotorError(`organisation.logo ${logo} is not an SVG, PNG or JPEG`, { file: SETTINGS_FILE, exitCode: 2 });
  return `data:${type};base64,${readFileSync(path).toString("base64")}`;
}

function coverHtml(input: { lang: Language; organisation: string; logo?: string; headline: Headline; release: ReleaseJson; compiledAt: Date }): string {
  const t = TEXT[input.lang];
  const h = input.headline;
  const nps = h.nps === null ? "–" : numberText(h.nps, input.lang, 1);
  return `<!doctype html><html lang="${input.lang}"><head><meta charset="utf-8"><style>
  @page { size: A4 portrait; margin: 0; }
  body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1f2937; margin: 0; }
  .cover { height: 297mm; box-sizing: border-box; padding: 40mm 25mm; display: flex; flex-direction: column; }
  .logo { max-height: 22mm; max-width: 80mm; margin-bottom: 18mm; }
  .org { font-size: 13pt; color: #4b5563; letter-spacing: .02em; }
  h1 { font-size: 28pt; margin: 6mm 0 16mm; line-height: 1.15; }
  .figure { font-size: 44pt; font-weight: 700; color: #111827; }
  .label { font-size: 12pt; color: #4b5563; margin-bottom: 10mm; }
  dl { margin-top: auto; display: grid; grid-template-columns: 55mm auto; row-gap: 3mm; font-size: 11pt; }
  dt { color: #6b7280; } dd { margin: 0; }
  </style></head><body><section class="cover">
  ${input.logo ? `<img class="logo" src="${input.logo}" alt="">` : ""}
  <div class="org">${esc(input.organisation)}</div>
  <h1>${t.title}</h1>
  <div class="figure" data-field="nps">${nps}</div>
  <div class="label">${t.nps} · <span data-field="responses">${numberText(h.responses, input.lang)}</span> ${t.responses}</div>
  <dl>
    <dt>${t.period}</dt><dd data-field="period">${dateText(h.from, input.lang)} – ${dateText(h.to, input.lang)}</dd>
    <dt>${t.dataUntil}</dt><dd>${dateText(input.release.data_fresh_until, input.lang)}</dd>
    <dt>${t.release}</dt><dd>${esc(input.release.dashboard_version)}</dd>
    <dt>${t.printed}</dt><dd>${dateText(input.compiledAt.toISOString(), input.lang)}</dd>
  </dl></section></body></html>`;
}

function contentsHtml(lang: Language, entries: { title: string; page: number }[]): string {
  const t = TEXT[lang];
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><style>
  @page { size: A4 portrait; margin: 25mm 25mm 20mm; }
  body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1f2937; }
  h1 { font-size: 22pt; margin: 0 0 12mm; }
  ol { list-style: none; padding: 0; margin: 0; font-size: 12pt; }
  li { display: flex; align-items: baseline; margin-bottom: 5mm; }
  .title { white-space: nowrap; } .dots { flex: 1; border-bottom: 1px dotted #9ca3af; margin: 0 3mm; } .n { min-width: 8mm; text-align: right; }
  </style></head><body><h1>${t.contents}</h1><ol>
  ${entries.map((e) => `<li><span class="title">${esc(e.title)}</span><span class="dots"></span><span class="n">${e.page}</span></li>`).join("\n  ")}
  </ol></body></html>`;
}

/** The cover's figures, from the warehouse the release was built from: NPS and responses through
 * the semantic layer (as the overview page asks them), the period from the answers. */
export async function warehouseHeadline(warehouse: string): Promise<Headline> {
  const layer = await openSemanticLayer(warehouse);
  let nps: number | null;
  let responses: number;
  try {
    const row = (await layer.load({ measures: ["nps.score", "nps.responses"] })).data[0] ?? {};
    nps = typeof row["nps.score"] === "number" ? row["nps.score"] : row["nps.score"] == null ? null : Number(row["nps.score"]);
    responses = Number(row["nps.responses"] ?? 0);
  } finally {
    await layer.close();
  }
  const db = await openWarehouse(warehouse, { readOnly: true });
  try {
    const [period] = await queryRows(db.connection, "SELECT strftime(min(answered_at), '%Y-%m-%dT%H:%M:%SZ') AS first, strftime(max(answered_at), '%Y-%m-%dT%H:%M:%SZ') AS last FROM marts.fct_nps_responses");
    return { nps, responses, from: (period?.["first"] as string | null) ?? null, to: (period?.["last"] as string | null) ?? null };
  } finally {
    db.close();
  }
}

/** The board pack of a release from the warehouse it was built from; refused when the warehouse
 * has moved on since (the cover's figures would not be the pages'). */
export async function boardPackOfRelease(options: Omit<BoardPackOptions, "headline"> & { warehouse: string }): Promise<BoardPackResult> {
  const release = readRelease(options.releasesDir, options.release);
  const fresh = await dataFreshness(options.warehouse);
  if (fresh !== release.data_fresh_until) {
    throw new PromotorError(`the warehouse holds data up to ${fresh ?? "–"}, release ${options.release} was built on data up to ${release.data_fresh_until ?? "–"}: the cover would not match the pages`, {
      hint: "build a new release (promotor pages build) and its board pack comes with it, or point --warehouse at the warehouse the release was built from",
      exitCode: 2,
    });
  }
  const result = await writeBoardPack({ ...options, headline: await warehouseHeadline(options.warehouse) });
  if (!options.out) linkBoardPack(options.releasesDir, options.release.replace(/\/?$/, "/"), BOARD_PACK_FILE);
  return result;
}

/** Writes the board pack of a built release. */
export async function writeBoardPack(options: BoardPackOptions): Promise<BoardPackResult> {
  const started = performance.now();
  const releaseDir = join(options.releasesDir, options.release);
  const release = readRelease(options.releasesDir, options.release);
  const lang = release.lang;
  const titles = new Map(release.pages.map((p) => [p.page, localize(p.title, lang)]));
  const wanted = readBoardPackPages(options.root);
  const unknown = wanted.filter((w) => !titles.has(w.page));
  if (unknown.length > 0) {
    throw new PromotorError(`board_pack.pages names pages this release does not have: ${unknown.map((u) => u.page).join(", ")}`, {
      file: SETTINGS_FILE, exitCode: 2, hint: `the release has: ${[...titles.keys()].filter((p) => !p.includes("[")).join(", ")}`,
    });
  }
  const settings = readDashboardSettings(options.root);
  const logo = logoDataUrl(options.root, settings.organisation.logo);
  const executablePath = options.chromium ?? process.env["PROMOTOR_CHROMIUM"] ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new PromotorError(`no Chromium at ${executablePath}: the board pack is printed by it`, { hint: "install it (Debian: apt-get install chromium) or set PROMOTOR_CHROMIUM to its path", exitCode: 3 });
  }
  const { PDFDocument, StandardFonts, rgb } = await import("pdf-lib");
  const { chromium } = await import("playwright-core");
  const server: Server = await serveStatic(options.releasesDir, 0);
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  const outside: string[] = [];
  try {
    // One browser page per orientation, loaded once; the next dashboard page is reached by
    // Evidence's own client-side navigation, so DuckDB-WASM and the release's data load once
    // (a fresh load took ~5 s a page, most of it DuckDB-WASM starting; a navigation ~2 s).
    const tabs = new Map<Orientation, Awaited<ReturnType<typeof browser.newPage>>>();
    const base = `/${options.release.replace(/\/?$/, "/")}`;
    const printOne = async (entry: BoardPackPage): Promise<{ pdf: Uint8Array; overflowPx: number }> => {
      const route = entry.page === "index" ? "" : entry.page.replace(/\/index$/, "");
      const path = `${base}${route}`;
      let page = tabs.get(entry.orientation);
      if (!page) {
        page = await browser.newPage({ viewport: { width: printableWidthPx(entry.orientation), height: 1200 } });
        page.on("request", (r) => {
          const url = r.url();
          if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) outside.push(url);
        });
        tabs.set(entry.orientation, page);
        await page.goto(`${origin}${path}`, { waitUntil: "networkidle", timeout: 60_000 });
        await page.addStyleTag({ content: PRINT_CSS });
      } else {
        await page.emulateMedia({ media: "screen" });
        await page.evaluate((href) => {
          const a = document.createElement("a");
          a.href = href;
          document.body.appendChild(a);
          a.click();
          a.remove();
        }, path);
        await page.waitForURL((u) => u.pathname.replace(/\/$/, "") === path.replace(/\/$/, ""), { timeout: 30_000 });
        await page.waitForLoadState("networkidle", { timeout: 60_000 });
      }
      // Evidence renders its queries in the browser: wait until no "Loading" remains and every
      // chart has drawn.
      await page
        .waitForFunction(
          () =>
            !document.body.innerText.includes("Loading...") &&
            [...document.querySelectorAll("[_echarts_instance_]")].every((c) => c.querySelector("canvas, svg") !== null),
          null,
          { timeout: 60_000 },
        )
        .catch(() => undefined);
      await page.emulateMedia({ media: "print" });
      // Evidence's components lay themselves out for print on `beforeprint`, which a headless
      // page.pdf() does not fire; ECharts then resizes to the paper's width.
      await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
      await page.waitForTimeout(800);
      // Content wider than the paper's printable width would be cut at its edge.
      const overflowPx = await page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth));
      const pdf = await page.pdf({
        format: "A4",
        landscape: entry.orientation === "landscape",
        printBackground: true,
        margin: { top: `${MARGIN_MM.top}mm`, right: `${MARGIN_MM.right}mm`, bottom: `${MARGIN_MM.bottom}mm`, left: `${MARGIN_MM.left}mm` },
      });
      return { pdf, overflowPx };
    };
    const printed: { page: BoardPackPage; title: string; pdf: Uint8Array; overflowPx: number }[] = [];
    for (const entry of wanted) printed.push({ page: entry, title: titles.get(entry.page)!, ...(await printOne(entry)) });
    for (const tab of tabs.values()) await tab.close();
    if (outside.length > 0) {
      throw new PromotorError(`the pages asked for ${outside.length} resource(s) outside the release (${[...new Set(outside)].slice(0, 3).join(", ")})`, {
        hint: "a release must be self-contained; see docs/dashboards.md", exitCode: 2,
      });
    }
    // Page numbers: cover 1, contents 2, then the sections.
    const counts = await Promise.all(printed.map(async (p) => (await PDFDocument.load(p.pdf)).getPageCount()));
    let next = 3;
    const sections = printed.map((p, i) => {
      const firstPage = next;
      next += counts[i]!;
      return { page: p.page.page, title: p.title, firstPage, pages: counts[i]!, orientation: p.page.orientation, overflowPx: p.overflowPx };
    });
    const sheet = await browser.newPage();
    let cover: Uint8Array;
    let contents: Uint8Array;
    try {
      await sheet.setContent(coverHtml({ lang, organisation: settings.organisation.name, ...(logo ? { logo } : {}), headline: options.headline, release, compiledAt: new Date() }), { waitUntil: "load" });
      cover = await sheet.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
      await sheet.setContent(contentsHtml(lang, sections.map((s) => ({ title: s.title, page: s.firstPage }))), { waitUntil: "load" });
      contents = await sheet.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
    } finally {
      await sheet.close();
    }

    const pack = await PDFDocument.create();
    pack.setTitle(`${TEXT[lang].title} · ${settings.organisation.name} · ${release.dashboard_version}`);
    pack.setAuthor(settings.organisation.name);
    pack.setCreator("Promotor");
    pack.setLanguage(lang);
    for (const part of [cover, contents, ...printed.map((p) => p.pdf)]) {
      const doc = await PDFDocument.load(part);
      for (const copied of await pack.copyPages(doc, doc.getPageIndices())) pack.addPage(copied);
    }
    const font = await pack.embedFont(StandardFonts.Helvetica);
    const total = pack.getPageCount();
    const stamp = `${settings.organisation.name} · ${TEXT[lang].dataUntil.toLowerCase()} ${dateText(release.data_fresh_until, lang)} · ${TEXT[lang].release.toLowerCase()} ${release.dashboard_version}`;
    pack.getPages().forEach((p, i) => {
      if (i === 0) return; // the cover carries its own stamp
      const { width } = p.getSize();
      const size = 8;
      const number = TEXT[lang].page(i + 1, total);
      p.drawText(stamp, { x: MARGIN_MM.left * 72 / 25.4, y: 6 * 72 / 25.4, size, font, color: rgb(0.42, 0.45, 0.5) });
      p.drawText(number, { x: width - MARGIN_MM.right * 72 / 25.4 - font.widthOfTextAtSize(number, size), y: 6 * 72 / 25.4, size, font, color: rgb(0.42, 0.45, 0.5) });
    });
    const file = options.out ?? join(releaseDir, BOARD_PACK_FILE);
    writeFileSync(file, await pack.save());
    return { file, pages: total, sections, elapsedMs: performance.now() - started };
  } finally {
    await browser.close();
    server.close();
  }
}
