/** Every page compiled by Evidence's own markdown preprocessor and the Svelte compiler, in both
 * languages, without the DuckDB-WASM extension (what `evidence build:strict` does first); and the
 * structural rules `pages check` applies: input references read what the input stores, and every
 * component has an answer for empty data. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/lib/paths.ts";
import { inputReferenceProblem, structureProblems } from "../../src/pages/check.ts";
import { compilePage, routeFile } from "../../src/pages/compile.ts";
import { LANGUAGES, localize } from "../../src/pages/localize.ts";
import { INPUT_STORES, parsePage } from "../../src/pages/markdown.ts";
import { pageFiles, pagesProject } from "../../src/pages/project.ts";

const project = pagesProject(projectRoot);
const page = (body: string): string => `---\ntitle: t\nversion: 1.0.0\n---\n\n${body}\n`;

describe("pages compile as Evidence compiles them", () => {
  it("maps pages to Evidence's routes", () => {
    expect(routeFile("pages/index.md")).toMatch(/\/src\/pages\/\+page\.md$/);
    expect(routeFile("pages/drivers.md")).toMatch(/\/src\/pages\/drivers\/\+page\.md$/);
    expect(routeFile("pages/account-managers/index.md")).toMatch(/\/src\/pages\/account-managers\/\+page\.md$/);
    expect(routeFile("pages/account-managers/[account_manager].md")).toMatch(/\/src\/pages\/account-managers\/\[account_manager\]\/\+page\.md$/);
  });

  for (const lang of LANGUAGES) {
    it(`every page of this project compiles (${lang})`, async () => {
      const files = pageFiles(project);
      expect(files.length).toBe(11);
      for (const file of files) {
        const text = localize(readFileSync(join(projectRoot, file), "utf8"), lang, file);
        expect(await compilePage(projectRoot, file, text), file).toEqual([]);
      }
    }, 60_000);
  }

  it("fails text inside an {#each} block without blank lines, naming the line (customer-journey 1.0.0)", async () => {
    const text = page(
      [
        "```sql ranked\nselect 1 as x\n```",
        "",
        "{#each ranked.slice(0, 1) as best}",
        "The best touchpoint is **{best.x}**; this quarter: {best.x}.",
        "{/each}",
        "{#each ranked.slice(-1) as worst}",
        "The touchpoint to work on is **{worst.x}**.",
        "{/each}",
      ].join("\n"),
    );
    const problems = await compilePage(projectRoot, "pages/journey.md", text);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/attempted to close an element that was not open.*blank line before and after text inside \{#if\}\/\{#each\}/);
    expect([11, 12, 13, 14]).toContain(problems[0]!.line);
  });

  it("fails text before {:else} without blank lines ([account_manager] 1.0.0)", async () => {
    const text = page("```sql now\nselect 1 as ok\n```\n\n{#each now as n}\n{#if n.ok === 1}\nMargin **{n.ok}**.\n{:else}\nToo few responses.\n{/if}\n{/each}");
    const problems = await compilePage(projectRoot, "pages/account-managers/[account_manager].md", text);
    expect(problems.map((p) => p.message).join("\n")).toMatch(/Expected to close <p> tag before seeing \{:else\} block/);
  });

  it("fails a component that exists neither in Evidence nor in components/", async () => {
    const problems = await compilePage(projectRoot, "pages/x.md", page("<NoSuchChart data={q} />"));
    expect(problems.map((p) => p.message).join("\n")).toMatch(/'NoSuchChart' is not defined/);
  });

  it("knows the project's own components (components/BandChart.svelte)", async () => {
    const text = page("```sql q\nselect 'a' as x, 1 as y, 0 as lo, 2 as hi\n```\n\n<BandChart data={q} x=x y=y low=lo high=hi emptyMessage=\"none\" />");
    expect(await compilePage(projectRoot, "pages/x.md", text)).toEqual([]);
  });
});

describe("input references read what Evidence 40 stores", () => {
  /** The stores, checked against the components' own source: an Evidence upgrade that changes
   * what an input stores fails here before it empties a page. */
  it("match what the installed components write into $inputs", () => {
    const dist = join(projectRoot, "node_modules", "@evidence-dev", "core-components", "dist", "atoms", "inputs");
    const src = (f: string): string => readFileSync(join(dist, f), "utf8");
    expect(src("button-group/ButtonGroup.svelte")).toMatch(/\$inputs\[name\] = v\?\.value \?\? null/);
    expect(src("checkbox/Checkbox.svelte")).toMatch(/\$inputs\[name\] = isChecked/);
    expect(src("text/TextInput.svelte")).toMatch(/\$inputs\[name\] = \{\s*toString\(\)/);
    expect(src("date-input/DateInput.svelte")).toMatch(/\$inputs\[name\] = \{\s*start:[\s\S]*end:/);
    expect(INPUT_STORES["ButtonGroup"]).toEqual({ bare: true, keys: [] });
    expect(INPUT_STORES["DateRange"]!.keys).toEqual(["start", "end"]);
    expect(INPUT_STORES["Dropdown"]!.keys).toEqual(["value", "label"]);
  });

  it("flags .value on a ButtonGroup (the verbatims page of 1.0.0 always showed 0 answers)", () => {
    const parsed = parsePage(
      "pages/v.md",
      page(
        '<ButtonGroup name=category>\n  <ButtonGroupItem valueLabel="D" value="detractor" default />\n</ButtonGroup>\n\n```sql answers\nselect 1 where \'x\' = \'${inputs.category.value}\'\n```',
      ),
    );
    const problems = structureProblems(parsed);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "pages/v.md", line: 11 });
    expect(problems[0]!.message).toMatch(/<ButtonGroup> stores a plain value, so \.value is always empty: read inputs\.category/);
  });

  it("allows each input's own forms and refuses the others", () => {
    const input = (component: string) => ({ component, name: "x", line: 1, store: INPUT_STORES[component]!, defaults: {} });
    expect(inputReferenceProblem(input("ButtonGroup"), undefined)).toBeUndefined();
    expect(inputReferenceProblem(input("Dropdown"), "value")).toBeUndefined();
    expect(inputReferenceProblem(input("Dropdown"), "label")).toBeUndefined();
    expect(inputReferenceProblem(input("Dropdown"), undefined)).toMatch(/stores an object here, not a value: read inputs\.x\.value or inputs\.x\.label/);
    expect(inputReferenceProblem(input("DateRange"), "start")).toBeUndefined();
    expect(inputReferenceProblem(input("DateRange"), "value")).toMatch(/stores \{ start, end \}/);
    expect(inputReferenceProblem(input("TextInput"), undefined)).toBeUndefined();
    expect(inputReferenceProblem(input("TextInput"), "sql")).toBeUndefined();
    expect(inputReferenceProblem(input("Checkbox"), "value")).toMatch(/plain value/);
    expect(inputReferenceProblem(input("Slider"), undefined)).toBeUndefined();
  });

  it("flags a reference to an input the page does not have", () => {
    const problems = structureProblems(parsePage("pages/v.md", page("```sql q\nselect '${inputs.nothing.value}' as a\n```")));
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/inputs\.nothing\.value: the page has no input named "nothing"/)]);
  });
});

describe("every component has an answer for empty data", () => {
  const problemsOf = (body: string) => structureProblems(parsePage("pages/e.md", page(`\`\`\`sql q\nselect 1 as a where false\n\`\`\`\n\n${body}`)));

  it("flags a component that would show Evidence's 'Dataset is empty' error", () => {
    const problems = problemsOf("<DataTable data={q} />\n<BigValue data={q} value=a />");
    expect(problems).toHaveLength(2);
    expect(problems[0]!.message).toMatch(/<DataTable data=\{q\}> has no empty state.*emptySet="pass" emptyMessage="…", or wrap it in \{#if q\.length > 0\}/);
    expect(problems[0]!.line).toBe(10);
  });

  it("accepts emptySet with a message, and a guard on the same query", () => {
    expect(problemsOf('<DataTable data={q} emptySet="pass" emptyMessage="Nothing yet" />')).toEqual([]);
    expect(problemsOf("{#if q.length > 0}\n\n<LineChart data={q} x=a y=a />\n\n{/if}")).toEqual([]);
  });

  it("wants a message with emptySet, and does not count a guard's {:else} branch or another query's guard", () => {
    expect(problemsOf('<DataTable data={q} emptySet="pass" />')[0]!.message).toMatch(/say what empty means: add emptyMessage/);
    expect(problemsOf("{#if q.length > 0}\n\nx\n\n{:else}\n\n<LineChart data={q} x=a y=a />\n\n{/if}")).toHaveLength(1);
    expect(problemsOf("{#if other.length > 0}\n\n<LineChart data={q} x=a y=a />\n\n{/if}")).toHaveLength(1);
    expect(problemsOf("{#if q.length === 0}\n\n<LineChart data={q} x=a y=a />\n\n{/if}")).toHaveLength(1);
  });
});

describe("a wide table's column titles wrap", () => {
  const problemsOf = (body: string) =>
    structureProblems(parsePage("pages/w.md", page(`\`\`\`sql q\nselect 1 as a\n\`\`\`\n\n${body}`))).filter((p) => /wrapTitles/.test(p.message));
  const table = (columns: number, props = "") =>
    `<DataTable data={q} emptySet="pass" emptyMessage="None"${props}>\n${Array.from({ length: columns }, (_, i) => `  <Column id=a title="Column number ${i}" />`).join("\n")}\n</DataTable>`;

  it("flags a table of six or more columns without wrapTitles (Evidence cuts off a title wider than its column)", () => {
    const problems = problemsOf(table(6));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/<DataTable data=\{q\}> has 6 columns: add wrapTitles=true/);
    expect(problems[0]!.line).toBe(10);
  });

  it("accepts wrapTitles=true, and narrower tables without it", () => {
    expect(problemsOf(table(8, " wrapTitles=true"))).toEqual([]);
    expect(problemsOf(table(5))).toEqual([]);
  });
});

describe("a chart's legend reads as the page's language", () => {
  const problemsOf = (body: string) =>
    structureProblems(parsePage("pages/w.md", page(`\`\`\`sql q\nselect 's' as x, 1 as krs, 2 as trust, 'KRS' as line\n\`\`\`\n\n${body}`))).filter((p) => /legend/.test(p.message));

  it("flags several y columns without a series column (Evidence names each line after its column, title-cased: krs reads 'Krs')", () => {
    const problems = problemsOf(`<LineChart data={q} x=x y={['krs', 'trust']} emptySet="pass" emptyMessage="None" />`);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/<LineChart data=\{q\}> draws 2 y columns \(krs, trust\): .*legend.*"Krs".*series=/);
    expect(problems[0]!.line).toBe(10);
  });

  it("accepts one y column, and lines named by a series column", () => {
    expect(problemsOf(`<LineChart data={q} x=x y=krs emptySet="pass" emptyMessage="None" />`)).toEqual([]);
    expect(problemsOf(`<LineChart data={q} x=x y=krs series=line emptySet="pass" emptyMessage="None" />`)).toEqual([]);
  });
});

describe("a query that keeps some rows says which", () => {
  const problemsOf = (sql: string) =>
    structureProblems(parsePage("pages/w.md", page(`\`\`\`sql ranked\nselect 1 as a order by a\n\`\`\`\n\n\`\`\`sql best\n${sql}\n\`\`\`\n`))).filter((p) => /LIMIT/.test(p.message));

  it("flags LIMIT without an ORDER BY of its own (the order of a query it reads from is not kept)", () => {
    const problems = problemsOf("select * from ${ranked} limit 1");
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/query "best" keeps 1 row with LIMIT but has no ORDER BY/);
    expect(problems[0]!.line).toBe(10);
  });

  it("accepts LIMIT after an ORDER BY", () => {
    expect(problemsOf("select * from ${ranked} order by a desc, b limit 1")).toEqual([]);
  });
});

describe("components whose props hold nested braces", () => {
  it("are read like any other (a chart with echartsOptions={{ yAxis: { … } }} was skipped, and so never checked)", () => {
    const parsed = parsePage(
      "pages/n.md",
      page("```sql q\nselect 1 as a\n```\n\n<BarChart data={q} x=a y=b echartsOptions={{ yAxis: { axisLabel: { width: 170, overflow: 'break' } } }} swapXY=true />\n<BigValue data={q} value=a />"),
    );
    expect(parsed.components.map((c) => [c.name, c.line])).toEqual([["BarChart", 10], ["BigValue", 11]]);
    expect(parsed.components[0]!.props).toMatchObject({ echartsOptions: "{{ yAxis: { axisLabel: { width: 170, overflow: 'break' } } }}", swapXY: "true" });
    expect(parsed.components[0]!.columns).toEqual([["x", "a"], ["y", "b"]]);
    // With the chart read, its missing empty state is reported.
    expect(structureProblems(parsed).map((p) => p.line)).toEqual([10, 11]);
  });
});

describe("a series keeps its colour across the charts of a page", () => {
  const problemsOf = (body: string) =>
    structureProblems(parsePage("pages/s.md", page(`\`\`\`sql q\nselect 'a' as name, 1 as x, 2 as y, 1 as o\n\`\`\`\n\n${body}`))).filter((p) => /seriesOrder/.test(p.message));
  const line = `<LineChart data={q} x=x y=y series=name emptySet="pass" emptyMessage="None" />`;

  it("flags a ScatterPlot that shares its series column with another chart but has no seriesOrder (Evidence orders a scatter's series by x, so colours swap)", () => {
    const problems = problemsOf(`<ScatterPlot data={q} x=x y=y series=name emptySet="pass" emptyMessage="None" />\n\n${line}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.line).toBe(10);
    expect(problems[0]!.message).toMatch(/<ScatterPlot series=name>: .*seriesOrder=\{q\.map\(\(d\) => d\.name\)\}/);
  });

  it("accepts a seriesOrder, and a scatter whose series no other chart draws", () => {
    expect(problemsOf(`<ScatterPlot data={q} x=x y=y series=name seriesOrder={q.map((d) => d.name)} emptySet="pass" emptyMessage="None" />\n\n${line}`)).toEqual([]);
    expect(problemsOf(`<ScatterPlot data={q} x=x y=y series=name emptySet="pass" emptyMessage="None" />`)).toEqual([]);
  });
});
