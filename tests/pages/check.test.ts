/** `promotor pages check` on real warehouses: the sample data and a generated data set pass;
 * broken pages fail with the page, the query name and DuckDB's error. */
import { cpSync, readdirSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/lib/paths.ts";
import { checkPages, pageQueryRows } from "../../src/pages/check.ts";
import { pagesProject } from "../../src/pages/project.ts";
import { SOURCE_QUERIES } from "../../src/pages/source-queries.ts";
import { writeCurrentStamp } from "../../src/pages/stamp.ts";
import { cli, tempDir, warehouseFrom } from "./helpers.ts";

const project = pagesProject(projectRoot);
let sample: string;
let generated: string;

/** A copy of this project's sources, components and changelog with an empty pages folder. */
function projectWithoutPages(prefix: string): string {
  const root = tempDir(prefix);
  cpSync(join(projectRoot, "sources"), join(root, "sources"), { recursive: true });
  cpSync(join(projectRoot, "components"), join(root, "components"), { recursive: true });
  mkdirSync(join(root, "pages"));
  mkdirSync(join(root, "docs"));
  cpSync(project.changelog, join(root, "docs", "dashboards-changelog.md"));
  return root;
}

beforeAll(async () => {
  sample = await warehouseFrom(join(projectRoot, "seeds", "sample"));
  const exports = tempDir("promotor-pages-gen-");
  const g = await cli(["generate", "--responses", "4000", "--seed", "11", "--out", exports, "--quiet"]);
  expect(g.code, g.stderr).toBe(0);
  generated = await warehouseFrom(exports);
});

describe("pages check", () => {
  it("reads the build stamp from the project's state folder, not from a stamp left in the project root", async () => {
    // `promotor bench` checks the pages with its own state folder; a fresh clone has no
    // .promotor/build-stamp.json in the project root.
    const state = join(tempDir("promotor-pages-state-"), ".promotor");
    const p = { ...project, stateDir: state };
    const stamp = await writeCurrentStamp(p, sample);
    const rows = JSON.parse(readFileSync(join(state, "build-stamp.json"), "utf8")) as unknown[];
    writeFileSync(join(state, "build-stamp.json"), JSON.stringify(rows.slice(0, 1)));
    const result = await checkPages(p, sample);
    expect(result.problems.filter((x) => x.query === "build_stamp")).toEqual([]);
    expect(result.sources.find((x) => x.name === "build_stamp")?.rows).toBe(1);
    expect(stamp.pages.length).toBeGreaterThan(1);
  });

  it("passes on the sample data: every page's queries run and every component's columns exist", async () => {
    await writeCurrentStamp(project, sample);
    const result = await checkPages(project, sample);
    expect(result.problems).toEqual([]);
    const pages = result.pages.map((p) => p.file).sort();
    expect(pages).toEqual([
      "pages/account-managers/[account_manager].md",
      "pages/account-managers/index.md",
      "pages/customer-journey.md",
      "pages/data-quality.md",
      "pages/drivers.md",
      "pages/follow-up.md",
      "pages/index.md",
      "pages/klantrelatiescore.md",
      "pages/survey-pressure.md",
      "pages/value.md",
      "pages/verbatims.md",
    ]);
    for (const p of result.pages) expect(p.runs, p.file).toBeGreaterThanOrEqual(p.queries);
    // The templated page is checked once per account manager (each run = its 3 queries).
    const am = result.pages.find((p) => p.file.includes("[account_manager]"))!;
    expect(am.runs).toBeGreaterThan(am.queries);
    // Sources hold data, not just columns.
    const rows = Object.fromEntries(result.sources.map((s) => [s.name, s.rows]));
    for (const name of ["nps_periods", "nps_monthly", "touchpoints", "driver_matrix", "krs_periods", "verbatims", "build_stamp"]) {
      expect(rows[name], name).toBeGreaterThan(0);
    }
  });

  it("passes on a warehouse with only response id, timestamp and score; the per-manager page has no instances there", async () => {
    const minimal = await warehouseFrom(join(projectRoot, "tests", "fixtures", "minimal-columns.csv"));
    const result = await checkPages(project, minimal);
    expect(result.problems).toEqual([]);
    const am = result.pages.find((p) => p.file.includes("[account_manager]"))!;
    expect(am.instances).toBe(0);
    expect(result.pages.find((p) => p.file === "pages/index.md")!.instances).toBeUndefined();
    expect(result.sources.find((s) => s.name === "krs_periods")!.rows).toBe(0);
  });

  it("passes on a generated data set, through the CLI, and exits 0", async () => {
    const r = await cli(["--warehouse", generated, "pages", "check"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`pages check: 11 pages and ${SOURCE_QUERIES.length + 5} sources OK`);
  });

  it("fails with the page, the query name and the database error", async () => {
    const root = projectWithoutPages("promotor-pages-broken-");
    cpSync(join(projectRoot, "pages", "drivers.md"), join(root, "pages", "drivers.md"));
    // index.md: a bad column in a component, a query with an SQL error, an unknown query.
    const broken = readFileSync(join(projectRoot, "pages", "index.md"), "utf8")
      .replace("<BigValue data={headline} value=responses", "<BigValue data={headline} value=respondents")
      .replace("select * from promotor.krs_periods where scope_value", "select * from promotor.krs_periods where scop")
      .replace("<DataTable data={drops} ", "<DataTable data={dropped} ");
    writeFileSync(join(root, "pages", "index.md"), broken);
    writeFileSync(join(root, "pages", "unversioned.md"), "# x\n\n```sql q\nselect 1 as a\n```\n\n<BigValue data={q} value=a />\n");
    const p = pagesProject(root);
    await writeCurrentStamp(p, sample);
    const result = await checkPages(p, sample, { skipStaleness: false });
    const text = result.problems.map((x) => `${x.file}:${x.line ?? ""} [${x.query ?? ""}] ${x.message}`);
    // The generated sources are made for this project by the check itself (none is in the copy).
    expect(text.filter((t) => t.includes("generated source"))).toEqual([]);
    expect(readdirSync(join(root, ".promotor", "sources", "promotor")).filter((f) => f.endsWith(".sql"))).toHaveLength(SOURCE_QUERIES.length);
    expect(text).toContainEqual(expect.stringMatching(/^pages\/index\.md:\d+ \[headline\] <BigValue value=respondents>: query "headline" has no column "respondents"/));
    expect(text).toContainEqual(expect.stringMatching(/^pages\/index\.md:\d+ \[krs_now\] .*Binder Error.*scop/));
    expect(text).toContainEqual(expect.stringMatching(/^pages\/index\.md:\d+ \[dropped\] <DataTable> reads query "dropped", which this page does not define/));
    expect(text).toContainEqual(expect.stringMatching(/^pages\/unversioned\.md:1 \[\] front matter needs version/));
    // The BigValue reading the failed query is not reported twice; drivers.md is fine.
    expect(text.filter((t) => t.includes("drivers.md"))).toEqual([]);
    // The line points at the query's fence in the file.
    const krs = result.problems.find((x) => x.query === "krs_now")!;
    expect(broken.split("\n")[krs.line! - 1]).toBe("```sql krs_now");

    const r = await cli(["--warehouse", sample, "pages", "check"]);
    expect(r.code).toBe(0);
  });
});

describe("pages check reads charts as a reader sees them, on the rows the queries return", () => {
  it("flags x labels Evidence cuts off and lines squeezed into a sliver of the axis", async () => {
    const root = projectWithoutPages("promotor-pages-charts-");
    const rows = (last: string) =>
      `select * from (values ('Q1 2025', 1, 7.1, 100), ('Q2 2025', 2, 7.3, 120), (${last}, 3, 7.2, 40)) t(quarter_label, n, score, responses) order by n`;
    const chart = (kind: string, data: string, props: string) => `<${kind} data={${data}} x=quarter_label ${props} sort=false emptySet="pass" emptyMessage="None" />`;
    const lines = [
      "---", "title: Charts", "version: 1.0.0", "---", "",
      "```sql q", rows("'Q4 2026 (to date)'"), "```", "",
      "```sql q2", rows("'Q4 2026' || chr(10) || '(to date)'"), "```", "",
      chart("LineChart", "q", "y=score"), // line 14: both problems
      chart("LineChart", "q", "y=score xLabelWrap=true yScale=true"), // Evidence's wrap falls off the chart
      chart("LineChart", "q2", "y=score yScale=true echartsOptions={{ grid: { bottom: 24 } }}"), // fine: two short lines, room for both
      chart("LineChart", "q2", "y=score yScale=true"), // the second line is cut off at the bottom edge
      chart("LineChart", "q2", "y=score yMin=0 yMax=10 echartsOptions={{ grid: { bottom: 24 } }}"), // squeezed by its own bounds
      chart("BarChart", "q", "y=responses swapXY=true"), // labels on the side, bars from zero: fine
      chart("BarChart", "q", "y=responses"), // labels below: cut off
      "",
    ];
    writeFileSync(join(root, "pages", "charts.md"), lines.join("\n"));
    const p = pagesProject(root);
    await writeCurrentStamp(p, sample);
    const result = await checkPages(p, sample);
    const text = result.problems.filter((x) => x.file === "pages/charts.md" && /label|yScale/.test(x.message)).map((x) => `${x.line}: ${x.message}`);
    const cutOff = (line: number, kind: string) =>
      expect.stringMatching(new RegExp(`^${line}: <${kind} x=quarter_label>: a label line of 17 characters \\("Q4 2026 \\(to date\\)"\\) .*cut off.*chr\\(10\\)`));
    expect(text).toEqual([
      cutOff(14, "LineChart"),
      expect.stringMatching(/^14: <LineChart y=score>: the values \(7\.1–7\.3\) fill 3 % of the axis \(0–7\.3\).*add yScale=true/),
      cutOff(15, "LineChart"),
      expect.stringMatching(/^17: <LineChart x=quarter_label>: labels of 2 lines need room below the chart: .*echartsOptions=\{\{ grid: \{ bottom: 24 \} \}\}/),
      expect.stringMatching(/^18: <LineChart y=score>: the values \(7\.1–7\.3\) fill 2 % of the axis \(0–10\).*yMin/),
      cutOff(20, "BarChart"),
    ]);
  });
});

describe("what the pages show", () => {
  it("the overview's p-values read '< 0.001' where they are that small, never '0.000' (which says p = 0)", async () => {
    // The Column's fmt, applied with SSF, which Evidence's formatting calls for a custom code.
    const require = createRequire(join(projectRoot, "node_modules", "@evidence-dev", "component-utilities", "package.json"));
    const ssf = require("ssf") as { format: (code: string, value: number) => string };
    const page = readFileSync(join(projectRoot, "pages", "index.md"), "utf8");
    const fmt = /<Column id=vs_rest_p_holm [^>]*fmt='([^']+)'/.exec(page)?.[1] ?? /<Column id=vs_rest_p_holm [^>]*fmt=(\S+)/.exec(page)?.[1] ?? "";
    const { vs_rest: rows = [] } = await pageQueryRows(project, sample, "pages/index.md", "en", ["vs_rest"]);
    const ps = rows.map((r) => Number(r["vs_rest_p_holm"]));
    expect(ps.some((p) => p < 0.0005), "the sample has a p below 0.0005").toBe(true);
    const shown = (p: number): string => {
      try {
        return ssf.format(fmt, p);
      } catch (error) {
        return `fmt ${fmt} fails: ${(error as Error).message}`;
      }
    };
    for (const p of ps) expect(shown(p), `p = ${p}`).toBe(p < 0.001 ? "< 0.001" : p.toFixed(3));
  });

  it("the drivers page's ratings headline is the fewest ratings of any driver, said as such (it showed the first driver's count as 'per driver')", async () => {
    for (const lang of ["nl", "en"] as const) {
      const { matrix = [], ratings = [] } = await pageQueryRows(project, sample, "pages/drivers.md", lang, ["matrix", "ratings"]);
      expect(matrix.length, lang).toBe(4);
      const counts = matrix.map((r) => Number(r["ratings"]));
      expect(new Set(counts).size, `${lang}: the sample's drivers differ in ratings`).toBeGreaterThan(1);
      expect(ratings.map((r) => Number(r["ratings"])), lang).toEqual([Math.min(...counts)]);
    }
    const page = readFileSync(join(projectRoot, "pages", "drivers.md"), "utf8");
    expect(page).toMatch(/<BigValue data=\{ratings\} value=ratings title="\[\[nl: Beoordelingen per drijfveer \(minstens\) \| en: Ratings per driver \(at least\)\]\]"/);
  });

  it("the follow-up page says 'too few cases' only below 30 cases; with cases but no action yet it says that (it said 'too few (779; at least 30)')", async () => {
    // The sample without its case events: hundreds of cases, none acted on.
    const { summary = [] } = await pageQueryRows(project, sample, "pages/follow-up.md", "en", ["summary"]);
    expect(Number(summary[0]?.["cases"])).toBeGreaterThanOrEqual(30);
    expect(summary[0]?.["first_action_hours_median"]).toBeNull();
    const page = readFileSync(join(projectRoot, "pages", "follow-up.md"), "utf8");
    expect(page).toMatch(/\{#if s\.cases < 30\}\s*<Alert status=info>\[\[nl: Te weinig cases [^\n]*\s*\{:else if s\.first_action_hours_median === null\}\s*<Alert status=info>\[\[nl: Nog geen enkele case heeft een eerste actie/);
  });

  it("open answers name each touchpoint by its label, and a relationship survey's answers as such, never by a code", async () => {
    const expected = { nl: "Relatie-enquête", en: "Relationship survey" } as const;
    for (const lang of ["nl", "en"] as const) {
      const { answers: rows = [], touchpoint_list: list = [] } = await pageQueryRows(project, sample, "pages/verbatims.md", lang, ["answers", "touchpoint_list"]);
      const labels = new Set(list.map((r) => String(r["label"])));
      const shown = new Set(rows.map((r) => String(r["touchpoint"])));
      expect(rows.length, lang).toBeGreaterThan(10);
      expect(shown.has(expected[lang]), `${lang}: ${[...shown].join(", ")}`).toBe(true);
      for (const t of shown) expect(t === expected[lang] || labels.has(t), `${lang}: "${t}" is neither a touchpoint label nor "${expected[lang]}"`).toBe(true);
    }
  });
});
