/** One language per build: the [[nl: … | en: …]] markers, every page in each language with no
 * word of the other, reference names in both languages, and the build copy Evidence runs in. */
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/lib/paths.ts";
import { LANGUAGES, localize, markerProblems, parseLanguage, translationPairs } from "../../src/pages/localize.ts";
import { listFiles, pageFiles, pagesProject } from "../../src/pages/project.ts";
import { readDashboardSettings } from "../../src/pages/settings.ts";
import { layoutSvelte, stageProject } from "../../src/pages/stage.ts";
import { tempDir } from "./helpers.ts";

const project = pagesProject(projectRoot);
const source = (file: string): string => readFileSync(join(projectRoot, file), "utf8");

describe("translation markers", () => {
  it("keep one language and fill [[lang]]", () => {
    const text = "## [[nl: Klanten | en: Customers]]\nselect label_[[lang]] from t -- [[nl: per kwartaal|en: per quarter]]";
    expect(localize(text, "nl")).toBe("## Klanten\nselect label_nl from t -- per kwartaal");
    expect(localize(text, "en")).toBe("## Customers\nselect label_en from t -- per quarter");
  });

  it("refuse a marker that is not a complete pair, with its line", () => {
    expect(markerProblems("a\n[[nl: Klanten]]\n")).toEqual([{ line: 2, message: expect.stringMatching(/is not a translation: write \[\[nl: Dutch text \| en: English text\]\]/) }]);
    expect(markerProblems("[[nl: | en: Customers]]")[0]!.message).toMatch(/empty Dutch text/);
    expect(() => localize("x\n\n[[en: a | nl: b]]", "nl", "pages/x.md")).toThrow(/not a translation/);
  });

  it("parse --lang", () => {
    expect(parseLanguage(undefined)).toBe("nl");
    expect(parseLanguage("en")).toBe("en");
    expect(() => parseLanguage("de")).toThrow(/unknown dashboard language "de"/);
  });
});

/** Words that only one of the two languages uses (whole words, case-insensitive). */
const ONLY: Record<"nl" | "en", string[]> = {
  nl: ["de", "het", "een", "en", "van", "niet", "klanten", "antwoorden", "kwartaal", "maand", "geen", "met", "alle", "voor", "wat", "waar", "tot"],
  en: ["the", "and", "not", "customers", "responses", "quarter", "month", "no", "with", "all", "for", "what", "where", "since", "answers", "only"],
};
const other = { nl: "en", en: "nl" } as const;

/** The words a reader sees: prose, titles and labels, without SQL, code and attribute names. */
function visibleWords(text: string): string[] {
  const withoutSql = text.replace(/^```[\s\S]*?^```/gm, " ").replace(/^check_params:.*$/m, " ");
  const attrs = [...withoutSql.matchAll(/\b(?:title|emptyMessage|label|valueLabel|name|bandName|description|comparisonTitle|xAxisTitle|yAxisTitle)="([^"]*)"/g)].map((m) => m[1]!.replace(/\{[^}]*\}/g, " "));
  // Inline code (a command, a column name) is the same in both languages.
  const prose = withoutSql.replace(/`[^`\n]*`/g, " ").replace(/<[^>]*>/g, " ").replace(/\{[^}]*\}/g, " ");
  return [...attrs, prose].join(" ").toLowerCase().match(/[a-zà-ÿ]+/g) ?? [];
}

describe("every page reads in one language", () => {
  for (const file of pageFiles(project)) {
    it(`${file}: complete pairs, and no word of the other language in either build`, () => {
      const text = source(file);
      expect(markerProblems(text)).toEqual([]);
      expect(translationPairs(text).length, "the page is translated at all").toBeGreaterThan(5);
      for (const lang of LANGUAGES) {
        const words = new Set(visibleWords(localize(text, lang)));
        const foreign = ONLY[other[lang]].filter((w) => words.has(w) && !ONLY[lang].includes(w));
        expect(foreign, `${file} (${lang}) contains ${other[lang]} words`).toEqual([]);
      }
    });
  }

  it("the scanner itself finds a word left untranslated", () => {
    const words = new Set(visibleWords(localize("## [[nl: Klanten | en: Customers]] per quarter", "nl")));
    expect(ONLY.en.filter((w) => words.has(w))).toEqual(["quarter"]);
  });

  it("reference data names every code in both languages", () => {
    const rows = readFileSync(join(projectRoot, "seeds", "reference", "labels.csv"), "utf8").trim().split("\n").slice(1);
    expect(rows.length).toBeGreaterThan(40);
    for (const row of rows) {
      const [kind, code, nl, en] = row.split(",");
      expect(kind && code && nl && en, row).toBeTruthy();
    }
    const kinds = new Set(rows.map((r) => r.split(",")[0]));
    for (const k of ["scope", "segment", "business_unit", "journey_stage", "theme", "change_verdict", "quadrant", "month"]) expect(kinds.has(k), k).toBe(true);
  });
});

describe("the build copy of one language", () => {
  it("holds the localized pages, the organisation's header, the base path and the extensions", () => {
    const root = tempDir("promotor-stage-");
    const p = pagesProject(root);
    mkdirSync(join(root, "pages"), { recursive: true });
    mkdirSync(join(root, "sources", "promotor"), { recursive: true });
    mkdirSync(join(root, "components"), { recursive: true });
    mkdirSync(join(root, "node_modules"), { recursive: true });
    mkdirSync(join(root, "ext", "v1.4.3", "wasm_eh"), { recursive: true });
    writeFileSync(join(root, "ext", "v1.4.3", "wasm_eh", "parquet.duckdb_extension.wasm"), "x");
    writeFileSync(join(root, "pages", "index.md"), '---\ntitle: "[[nl: Overzicht | en: Overview]]"\n---\n\n# [[nl: Hallo | en: Hello]] label_[[lang]]\n');
    writeFileSync(join(root, "sources", "promotor", "a.sql"), "select 1");
    writeFileSync(join(root, "components", "C.svelte"), "<p />");
    writeFileSync(join(root, "package.json"), JSON.stringify({ dependencies: { "@evidence-dev/core-components": "1" } }));
    writeFileSync(join(root, "evidence.config.yaml"), "plugins:\n  components:\n    \"@evidence-dev/core-components\": {}\ndeployment:\n  basePath: \"\"\n");
    const staged = stageProject(p, { lang: "en", organisation: { name: "Acme & Co" }, basePath: "/2.0.0/en", extensionsDir: join(root, "ext") });
    expect(staged.root).toBe(join(root, ".promotor", "evidence", "en"));
    expect(readFileSync(join(staged.root, "pages", "index.md"), "utf8")).toBe('---\ntitle: "Overview"\n---\n\n# Hello label_en\n');
    expect(readFileSync(join(staged.root, "sources", "promotor", "a.sql"), "utf8")).toBe("select 1");
    expect(existsSync(join(staged.root, "components", "C.svelte"))).toBe(true);
    const config = parseYaml(readFileSync(join(staged.root, "evidence.config.yaml"), "utf8")) as { deployment: { basePath: string }; plugins: object };
    expect(config.deployment.basePath).toBe("/2.0.0/en");
    expect(config.plugins).toHaveProperty("components");
    const layout = readFileSync(join(staged.root, "pages", "+layout.svelte"), "utf8");
    expect(layout).toContain("builtWithEvidence={false}");
    expect(layout).toContain('homePageName="Overview"');
    expect(layout).toContain("<title>Acme &#38; Co</title>");
    expect(readFileSync(join(staged.root, "static", "organisation-logo.svg"), "utf8")).toContain("Acme &#38; Co");
    expect(existsSync(join(staged.root, "static", "duckdb-extensions", "v1.4.3", "wasm_eh", "parquet.duckdb_extension.wasm"))).toBe(true);
    // Evidence's Tailwind scans ../../node_modules from its template: the link keeps pages styled.
    expect(lstatSync(join(staged.root, "node_modules")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(staged.root, "node_modules"))).toBe(join("..", "..", "..", "node_modules"));
    const pkg = JSON.parse(readFileSync(join(staged.root, "package.json"), "utf8")) as { dependencies: object };
    expect(pkg.dependencies).toHaveProperty("@evidence-dev/core-components");
  });

  it("starts every build without the previous build's data (Evidence keeps a stale parquet file for a source that became empty)", () => {
    const root = tempDir("promotor-stage-data-");
    mkdirSync(join(root, "pages"));
    mkdirSync(join(root, "sources", "promotor"), { recursive: true });
    writeFileSync(join(root, "package.json"), "{}");
    const stale = join(root, ".promotor", "evidence", "nl", ".evidence", "template", "static", "data", "promotor", "krs_periods");
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, "krs_periods.parquet"), "last build's rows");
    const kept = join(root, ".promotor", "evidence", "nl", ".evidence", "template", "package.json");
    writeFileSync(kept, "{}");
    stageProject(pagesProject(root), { lang: "nl", organisation: { name: "Acme" }, basePath: "" });
    expect(existsSync(join(stale, "krs_periods.parquet"))).toBe(false);
    expect(existsSync(kept), "Evidence's template itself stays (a cache)").toBe(true);
  });

  it("leaves out the pages it is told to (a templated page with no instances on this warehouse)", () => {
    const root = tempDir("promotor-stage-omit-");
    mkdirSync(join(root, "pages", "account-managers"), { recursive: true });
    mkdirSync(join(root, "sources", "promotor"), { recursive: true });
    writeFileSync(join(root, "package.json"), "{}");
    writeFileSync(join(root, "pages", "index.md"), "# x\n");
    writeFileSync(join(root, "pages", "account-managers", "[account_manager].md"), "# {params.account_manager}\n");
    const staged = stageProject(pagesProject(root), { lang: "nl", organisation: { name: "A" }, basePath: "", omit: ["pages/account-managers/[account_manager].md"] });
    expect(existsSync(join(staged.root, "pages", "index.md"))).toBe(true);
    expect(existsSync(join(staged.root, "pages", "account-managers", "[account_manager].md"))).toBe(false);
  });

  it("uses the organisation's logo file when promotor.yaml names one, and refuses a missing one", () => {
    const root = tempDir("promotor-stage-logo-");
    mkdirSync(join(root, "pages"));
    mkdirSync(join(root, "sources", "promotor"), { recursive: true });
    writeFileSync(join(root, "package.json"), "{}");
    writeFileSync(join(root, "logo.png"), "png");
    const staged = stageProject(pagesProject(root), { lang: "nl", organisation: { name: "Acme", logo: "logo.png" }, basePath: "" });
    expect(readFileSync(join(staged.root, "static", "organisation-logo.png"), "utf8")).toBe("png");
    expect(readFileSync(join(staged.root, "pages", "+layout.svelte"), "utf8")).toContain('homePageName="Overzicht"');
    expect(() => stageProject(pagesProject(root), { lang: "nl", organisation: { name: "Acme", logo: "nope.svg" }, basePath: "" })).toThrow(/the organisation logo nope\.svg does not exist/);
  });

  it("reads promotor.yaml and names the file on a mistake", () => {
    const root = tempDir("promotor-settings-");
    expect(readDashboardSettings(root)).toEqual({ organisation: { name: "Promotor" } });
    writeFileSync(join(root, "promotor.yaml"), "organisation:\n  name: Acme Verzekeringen\ndashboards:\n  language: en\n  base_path: /dashboards/\n");
    expect(readDashboardSettings(root)).toEqual({ organisation: { name: "Acme Verzekeringen" }, language: "en", basePath: "/dashboards" });
    writeFileSync(join(root, "promotor.yaml"), "dashboards:\n  language: de\n");
    expect(() => readDashboardSettings(root)).toThrow(/dashboards\.language must be one of nl, en/);
    writeFileSync(join(root, "promotor.yaml"), "dashboards:\n  base_path: 'http://x'\n");
    expect(() => readDashboardSettings(root)).toThrow(/base_path must be a URL path/);
  });

  it("writes a header without Evidence's wordmark or its English navigation aids", () => {
    const layout = layoutSvelte({ name: "Promotor" }, "nl", "organisation-logo.svg");
    expect(layout).toMatch(/hideBreadcrumbs=\{true\} hideTOC=\{true\}/);
    expect(layout).toContain('logo={addBasePath("/organisation-logo.svg")}');
  });

  it("the repository's own files: components and pages are all staged", () => {
    const staged = listFiles(projectRoot, join(projectRoot, "pages"));
    expect(staged).toContain("pages/index.md");
    expect(listFiles(projectRoot, join(projectRoot, "components"))).toContain("components/BandChart.svelte");
  });
});

describe("the environment Evidence builds in", () => {
  it("is production whatever NODE_ENV the caller has (a dev-mode build links Evidence's explore pages and fails build:strict)", async () => {
    const { evidenceEnv } = await import("../../src/pages/build.ts");
    const env = evidenceEnv(project, join(projectRoot, "warehouse", "promotor.duckdb"), { NODE_ENV: "test", PATH: "/bin" });
    expect(env["NODE_ENV"]).toBe("production");
    expect(env["EVIDENCE_SOURCE__promotor__filename"]).toBe(join("..", "..", "warehouse", "promotor.duckdb"));
    expect(env["EVIDENCE_DISABLE_TELEMETRY"]).toBe("true");
  });
});
