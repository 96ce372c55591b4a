/** One locale per build (issue 22): Evidence's formatting and its own control texts follow the
 * build's language through our patches of @evidence-dev/component-utilities and core-components
 * (patches/, applied by npm install). The patched modules are loaded here as the build loads them
 * while prerendering (VITE_PROMOTOR_LANG in the environment); a built release, where there is
 * one, is scanned for numbers in the other language's format and English control texts. */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readReleaseIndex } from "../../src/pages/versioning.ts";

const root = join(import.meta.dirname, "..", "..");

type Formatting = {
  fmt: (value: unknown, format: string) => string;
  formatAxisValue: (value: unknown, format: unknown) => string;
  getFormatObjectFromString: (format: string, valueType?: string) => unknown;
};
type Locale = { promotorText: (text: string) => string; localizeDateText: (text: string) => string };

async function patched(lang: string): Promise<Formatting & Locale> {
  vi.resetModules();
  vi.stubEnv("VITE_PROMOTOR_LANG", lang);
  // Plain JavaScript modules without type declarations: imported by a name TypeScript does not resolve.
  const modules = ["@evidence-dev/component-utilities/formatting", "@evidence-dev/component-utilities/promotorLocale"];
  const formatting = (await import(modules[0]!)) as Formatting;
  const locale = (await import(modules[1]!)) as Locale;
  return { ...formatting, ...locale };
}

afterEach(() => vi.unstubAllEnvs());

describe("Evidence's formatting in the build's language (patched)", () => {
  it("nl: decimal comma, thousands point, '68,9 %', whole-number axes, Dutch month names and control texts", async () => {
    const e = await patched("nl");
    expect(e.fmt(6807, "num0")).toBe("6.807");
    expect(e.fmt(0.9, "num1")).toBe("0,9");
    expect(e.fmt(-1234.56, "num2")).toBe("-1.234,56");
    expect(e.fmt(68.9, '0.0"%"')).toBe("68,9\u00a0%");
    expect(e.fmt(0.689, "pct1")).toBe("68,9\u00a0%");
    // An axis shows 0 3 6, not 0.0 3.0 6.0; a tick between whole numbers keeps its decimal.
    const num1 = e.getFormatObjectFromString("num1", "number");
    expect(e.formatAxisValue(3, num1)).toBe("3");
    expect(e.formatAxisValue(2.5, num1)).toBe("2,5");
    expect(e.localizeDateText("31 October 2026, Saturday")).toBe("31 oktober 2026, zaterdag");
    expect(e.promotorText("No Results")).toBe("Geen resultaten");
    expect(e.promotorText("Select a Range")).toBe("Kies een periode");
  });

  it("en: as Evidence writes it, whatever the machine's locale", async () => {
    const e = await patched("en");
    expect(e.fmt(6807, "num0")).toBe("6,807");
    expect(e.fmt(0.9, "num1")).toBe("0.9");
    expect(e.fmt(68.9, '0.0"%"')).toBe("68.9%");
    expect(e.formatAxisValue(3, e.getFormatObjectFromString("num1", "number"))).toBe("3");
    expect(e.promotorText("No Results")).toBe("No Results");
  });
});

/** The text a reader sees on a prerendered page: no scripts, styles or tags. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;|&#160;/g, "\u00a0")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    if (statSync(full).isDirectory()) return e.startsWith("_app") || e === "duckdb-extensions" ? [] : htmlFiles(full);
    return e.endsWith(".html") ? [full] : [];
  });
}

// Numbers in the other language's format. A Dutch build must not write 6,807 or 0.9 (version
// numbers, times and dates are not numbers of this kind); an English one not 0,9 or 6.807.
// (A group of thousands never starts with 0: 0,001 is a Dutch decimal, 0.001 an English one.)
const ENGLISH_IN_DUTCH = [/(?<![\d.,])[1-9]\d{0,2}(,\d{3})+(?![\d,.])/g, /(?<![\d.])\d+\.\d{1,2}(?![\d.])/g];
const DUTCH_IN_ENGLISH = [/(?<![\d.,])[1-9]\d{0,2}(\.\d{3})+(?![\d.,])/g, /(?<![\d,])\d+,\d{1,2}(?![\d,])/g];
const ENGLISH_CONTROLS = ["No Results", " records", "Select a Range", "Last 7 Days", "Select all", "Clear selection", "No results found", "Search"];

const releases = existsSync(join(root, "releases")) ? readReleaseIndex(join(root, "releases")) : [];
const hasPdftotext = spawnSync("pdftotext", ["-v"], { timeout: 5_000 }).status === 0;

for (const lang of ["nl", "en"] as const) {
  const release = releases.find((r) => r.lang === lang);
  const skip = release ? undefined : `no built ${lang} release in releases/ (promotor pages build needs DuckDB-WASM's parquet extension)`;
  if (skip) console.warn(`locale scan skipped: ${skip}`);
  describe.skipIf(skip !== undefined)(`the ${lang} release as a reader sees it`, () => {
    it(`no number in the other language's format${lang === "nl" ? ", no English control text" : ""}, in the pages and the board pack`, () => {
      const dir = join(root, "releases", release!.path);
      const texts = htmlFiles(dir).map((f) => ({ where: f.slice(dir.length), text: visibleText(readFileSync(f, "utf8")) }));
      const pack = join(dir, "board-pack.pdf");
      if (hasPdftotext && existsSync(pack)) texts.push({ where: "board-pack.pdf", text: execFileSync("pdftotext", [pack, "-"], { encoding: "utf8", timeout: 30_000 }) });
      const found: string[] = [];
      for (const { where, text } of texts) {
        for (const pattern of lang === "nl" ? ENGLISH_IN_DUTCH : DUTCH_IN_ENGLISH) {
          for (const m of text.matchAll(pattern)) found.push(`${where}: ${JSON.stringify(text.slice(Math.max(0, m.index! - 30), m.index! + m[0].length + 10))}`);
        }
        if (lang === "nl") for (const c of ENGLISH_CONTROLS) if (text.includes(c)) found.push(`${where}: English control text "${c}"`);
      }
      expect(found.slice(0, 25)).toEqual([]);
    });
  });
}
