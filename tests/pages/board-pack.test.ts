/** The board pack (issue 22): its configuration and release index everywhere; the PDF itself
 * where Chromium, poppler's pdftotext and a built release with its warehouse exist (skipped with
 * the reason otherwise: CI cannot build Evidence releases, docs/dashboards.md). The PDF is read
 * back as text and its figures compared with the warehouse's, computed here in plain SQL. */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_BOARD_PACK, printableWidthPx, readBoardPackPages, writeBoardPack, type Headline } from "../../src/pages/board-pack.ts";
import { dataFreshness } from "../../src/pages/sources.ts";
import { linkBoardPack, readReleaseIndex, releaseIndexHtml } from "../../src/pages/versioning.ts";
import { query, tempDir } from "../helpers/warehouse.ts";

const root = join(import.meta.dirname, "..", "..");

describe("board pack configuration", () => {
  const project = (yaml: string): string => {
    const dir = tempDir("promotor-pack-");
    writeFileSync(join(dir, "promotor.yaml"), yaml);
    return dir;
  };

  it("defaults to the nine report pages, landscape, overview first, without the analysts' data-quality page", () => {
    expect(readBoardPackPages(tempDir())).toEqual(DEFAULT_BOARD_PACK);
    expect(DEFAULT_BOARD_PACK[0]).toEqual({ page: "index", orientation: "landscape" });
    expect(DEFAULT_BOARD_PACK.map((p) => p.page)).not.toContain("data-quality");
  });

  it("takes a selection, order and orientation from promotor.yaml, and refuses mistakes naming the key", () => {
    expect(readBoardPackPages(project("board_pack:\n  pages:\n    - follow-up\n    - { page: drivers, orientation: portrait }\n"))).toEqual([
      { page: "follow-up", orientation: "landscape" },
      { page: "drivers", orientation: "portrait" },
    ]);
    expect(() => readBoardPackPages(project("board_pack:\n  pages: []\n"))).toThrow(/board_pack\.pages must be a list of pages/);
    expect(() => readBoardPackPages(project("board_pack:\n  pages:\n    - { orientation: portrait }\n"))).toThrow(/board_pack\.pages\[0\] names no page/);
    expect(() => readBoardPackPages(project("board_pack:\n  pages:\n    - { page: index, orientation: sideways }\n"))).toThrow(/must be portrait or landscape/);
  });

  it("lays pages out at A4's printable width (12 mm margins)", () => {
    expect(printableWidthPx("portrait")).toBe(Math.floor((210 - 24) * (96 / 25.4)));
    expect(printableWidthPx("landscape")).toBe(Math.floor((297 - 24) * (96 / 25.4)));
  });

  it("the releases index links a release's board pack", () => {
    const dir = tempDir("promotor-releases-");
    const entry = { version: "9.9.9", lang: "nl", built_at: "2026-12-06T00:00:00Z", git_commit: "abc", data_fresh_until: null, semantic_model: "m", path: "9.9.9/nl/", pages: [] };
    writeFileSync(join(dir, "index.json"), JSON.stringify({ releases: [entry] }));
    expect(releaseIndexHtml([entry])).not.toContain("board-pack.pdf");
    linkBoardPack(dir, "9.9.9/nl/", "board-pack.pdf");
    expect(readReleaseIndex(dir)[0]?.board_pack).toBe("board-pack.pdf");
    expect(readFileSync(join(dir, "index.html"), "utf8")).toContain(`<a href="./9.9.9/nl/board-pack.pdf">PDF</a>`);
  });
});

// What the real PDF needs here.
const chromium = process.env["PROMOTOR_CHROMIUM"] ?? "/usr/bin/chromium";
const hasPdftotext = spawnSync("pdftotext", ["-v"], { timeout: 5_000 }).status === 0;
const releasesDir = join(root, "releases");
const warehouse = join(root, "warehouse", "promotor.duckdb");
const release = existsSync(releasesDir) ? readReleaseIndex(releasesDir).find((r) => r.lang === "nl") : undefined;
const fresh = release && existsSync(warehouse) ? await dataFreshness(warehouse).catch(() => null) : null;
const skip = !existsSync(chromium)
  ? `no Chromium at ${chromium}`
  : !hasPdftotext
    ? "no pdftotext (poppler-utils)"
    : !release
      ? "no built Dutch release in releases/ (promotor pages build needs DuckDB-WASM's parquet extension)"
      : fresh !== release.data_fresh_until
        ? `warehouse/promotor.duckdb is not the warehouse release ${release.path} was built from`
        : undefined;
if (skip) console.warn(`board pack PDF test skipped: ${skip}`);

describe.skipIf(skip !== undefined)("the board pack PDF of a built release", () => {
  it("cover, contents and every page: the warehouse's figures, every title, A4, numbered, nothing wider than the paper", async () => {
    // The warehouse's own figures, in plain SQL (not through the semantic layer the cover uses).
    const [w] = await query(
      warehouse,
      `SELECT count(*) AS n, 100.0 * (count(*) FILTER (WHERE recommend_score >= 9) - count(*) FILTER (WHERE recommend_score <= 6)) / count(*) AS nps,
         strftime(min(answered_at), '%Y-%m-%dT%H:%M:%SZ') AS first, strftime(max(answered_at), '%Y-%m-%dT%H:%M:%SZ') AS last
       FROM marts.fct_nps_responses WHERE recommend_score IS NOT NULL`,
    );
    const headline: Headline = { nps: Number(w!["nps"]), responses: Number(w!["n"]), from: String(w!["first"]), to: String(w!["last"]) };
    const out = join(tempDir("promotor-pack-"), "pack.pdf");
    const pack = await writeBoardPack({ releasesDir, release: release!.path, root, headline, out });
    const text = execFileSync("pdftotext", ["-layout", out, "-"], { encoding: "utf8", maxBuffer: 64 << 20, timeout: 30_000 });
    const pages = text.split("\f").filter((p, i, all) => i < all.length - 1 || p.trim() !== "");
    expect(pages).toHaveLength(pack.pages);
    // Cover: the NPS, the count and the period, written as Dutch readers write them.
    const nl = (v: number, digits: number) => v.toLocaleString("nl-NL", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    const day = (iso: string) => new Date(iso).toLocaleDateString("nl-NL", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    expect(pages[0]).toContain(nl(headline.nps!, 1));
    expect(pages[0]).toContain(`${nl(headline.responses, 0)} antwoorden`);
    expect(pages[0]).toContain(`${day(headline.from!)} – ${day(headline.to!)}`);
    expect(pages[0]).toContain(release!.version);
    // Contents: every section with the page it starts on, and that page starts with its title.
    expect(pages[1]).toMatch(/Inhoud/);
    for (const s of pack.sections) {
      expect(pages[1]).toMatch(new RegExp(`${s.title}[ .]+${s.firstPage}\\b`));
      expect(pages[s.firstPage - 1]!.trimStart().startsWith(s.title), `${s.title} on page ${s.firstPage}`).toBe(true);
      expect(s.overflowPx, `${s.title}: content wider than the paper`).toBe(0);
    }
    expect(pack.pages).toBe(2 + pack.sections.reduce((a, s) => a + s.pages, 0));
    // The overview's headline: relationship NPS and answers of the last complete quarter, in plain SQL.
    const [q] = await query(
      warehouse,
      `WITH q AS (SELECT date_trunc('quarter', max(answered_at)) - INTERVAL 3 MONTH AS start FROM marts.fct_nps_responses)
       SELECT count(*) AS n, 100.0 * (count(*) FILTER (WHERE recommend_score >= 9) - count(*) FILTER (WHERE recommend_score <= 6)) / count(*) AS nps
       FROM marts.fct_nps_responses, q
       WHERE survey_type = 'relationship' AND recommend_score IS NOT NULL AND answered_at >= q.start AND answered_at < q.start + INTERVAL 3 MONTH`,
    );
    const overview = pack.sections.find((s) => s.page === "index")!;
    const overviewText = pages.slice(overview.firstPage - 1, overview.firstPage - 1 + overview.pages).join("\n");
    expect(overviewText).toMatch(new RegExp(`NPS\\s+Promotors[^\\n]*\\n\\s*\\n?\\s*${nl(Number(q!["nps"]), 1).replace("-", "-?")}\\s+[\\d,]+\\s+[\\d,]+\\s+[\\d,]+\\s+${nl(Number(q!["n"]), 0)}\\b`));
    // Footer on every page but the cover: "Pagina n van N" and the data stamp.
    pages.slice(1).forEach((p, i) => expect(p).toContain(`Pagina ${i + 2} van ${pack.pages}`));
    expect(pages[2]).toContain("gegevens tot en met");
    // A4: 595.3 × 841.9 pt (Chromium rounds to whole pixels: within 1.5 pt), portrait or landscape.
    const info = execFileSync("pdfinfo", ["-f", "1", "-l", String(pack.pages), out], { encoding: "utf8", timeout: 30_000 });
    const sizes = [...info.matchAll(/Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/g)].map((m) => [Number(m[1]), Number(m[2])].sort((a, b) => a - b));
    expect(sizes).toHaveLength(pack.pages);
    for (const [short, long] of sizes) {
      expect(Math.abs(short! - 595.28)).toBeLessThan(1.5);
      expect(Math.abs(long! - 841.89)).toBeLessThan(1.5);
    }
  }, 180_000);
});
