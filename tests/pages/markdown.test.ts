/** The page reader behind `pages check`: queries, components with their columns, inputs with
 * defaults, loops, and ${...} resolution as Evidence does it. */
import { describe, expect, it } from "vitest";
import { resolvePageSql } from "../../src/pages/check.ts";
import { columnsOf, INPUT_STORES, parsePage, parseProps, type PageInput } from "../../src/pages/markdown.ts";

const PAGE = `---
title: T
version: 1.2.3
---

\`\`\`sql base
select 1 as a, 'x' as b
\`\`\`

\`\`\`sql derived
select * from \${base} where b = '\${inputs.pick.value}' and d between '\${inputs.range.start}' and '\${inputs.range.end}'
\`\`\`

<Dropdown name=pick data={base} value=b label="b" defaultValue="x" />
<DateRange name=range start=2025-01-01 />

<LineChart
  data={derived}
  x=a
  y={['a', "b"]}
  yFmt=num1
  title="A > B {base[0].a}"
>
  <ReferenceLine y=0 />
  <ReferenceLine data={base} y=a />
</LineChart>

<DataTable data={derived.filter(r => r.a > 0)}>
  <Column id=a />
  <Column id=zz title="missing" />
</DataTable>

{#each base as row}
- {row.b} and {row.c}
{/each}
`;

describe("parsePage", () => {
  const page = parsePage("pages/x.md", PAGE);

  it("reads front matter and the sql queries with their lines", () => {
    expect(page.frontMatter).toEqual({ title: "T", version: "1.2.3" });
    expect(page.queries.map((q) => [q.name, q.line])).toEqual([["base", 6], ["derived", 10]]);
    expect(PAGE.split("\n")[5]).toBe("```sql base");
  });

  it("finds components, their data (own or the parent's) and column props", () => {
    const chart = page.components.find((c) => c.name === "LineChart")!;
    expect(chart.data).toBe("derived");
    expect(chart.columns).toEqual([["x", "a"], ["y", "a"], ["y", "b"]]);
    const refs = page.components.filter((c) => c.name === "ReferenceLine");
    // y=0 is a constant on the parent's data, y=a a column of base.
    expect(refs.map((r) => [r.data, r.columns])).toEqual([["derived", []], ["base", [["y", "a"]]]]);
    const cols = page.components.filter((c) => c.name === "Column");
    expect(cols.map((c) => [c.data, c.columns])).toEqual([["derived", [["id", "a"]]], ["derived", [["id", "zz"]]]]);
    expect(page.components.find((c) => c.name === "Dropdown")!.columns).toEqual([["value", "b"], ["label", "b"]]);
  });

  it("reads inputs with their defaults (DateRange open ends as wide bounds)", () => {
    expect(page.inputs.map((i) => [i.name, i.defaults])).toEqual([
      ["pick", { value: "x" }],
      ["range", { start: "2025-01-01", end: "2999-12-31" }],
    ]);
  });

  it("collects row.column uses in each loops and q[0].column uses", () => {
    expect(page.loopColumns.map((l) => `${l.query}.${l.column}`).sort()).toEqual(["base.a", "base.b", "base.c"]);
  });

  it("parses props and column lists", () => {
    expect(parseProps(`a=b c="d e" f={g(1)} h i='j'`)).toEqual({ a: "b", c: "d e", f: "{g(1)}", h: true, i: "j" });
    expect(columnsOf("{['x', 'y']}")).toEqual(["x", "y"]);
    expect(columnsOf("12")).toEqual([]);
    expect(columnsOf("{someVariable}")).toEqual([]);
    expect(parsePage("pages/account-managers/[account_manager].md", "# x").params).toEqual(["account_manager"]);
  });
});

describe("resolvePageSql", () => {
  const queries = new Map([["base", "select 1 as a"], ["mid", "select * from ${base}"], ["loop", "select * from ${loop}"]]);
  const input = (component: string, name: string, defaults: Record<string, string>): PageInput => ({ component, name, line: 1, store: INPUT_STORES[component]!, defaults });
  const inputs = new Map<string, PageInput>([
    ["pick", input("Dropdown", "pick", { value: "it's" })],
    ["range", input("DateRange", "range", { start: "2025-01-01", end: "2025-12-31" })],
    ["who", input("ButtonGroup", "who", { value: "detractor" })],
    ["half", input("DateRange", "half", { start: "2025-01-01" })],
  ]);

  it("inlines queries, input defaults and route params (quotes escaped)", () => {
    expect(resolvePageSql("select * from ${mid} where x = '${inputs.pick.value}' and d >= '${inputs.range.start}'", queries, inputs, {})).toBe(
      "select * from (select * from (select 1 as a)) where x = 'it's' and d >= '2025-01-01'",
    );
    expect(resolvePageSql("where m = '${params.account_manager}'", queries, inputs, { account_manager: "O'Neil" })).toBe("where m = 'O''Neil'");
    expect(resolvePageSql("where c = '${inputs.who}'", queries, inputs, {})).toBe("where c = 'detractor'");
  });

  it("names what is wrong: unknown query, input without default, cycles", () => {
    expect(() => resolvePageSql("${nope}", queries, inputs, {})).toThrow(/no query of that name/);
    expect(() => resolvePageSql("${inputs.half.end}", queries, inputs, {})).toThrow(/has no default for .end/);
    expect(() => resolvePageSql("${inputs.pick.end}", queries, inputs, {})).toThrow(/<Dropdown> stores \{ value, label \}, so \.end is always empty/);
    expect(() => resolvePageSql("${inputs.who.value}", queries, inputs, {})).toThrow(/<ButtonGroup> stores a plain value/);
    expect(() => resolvePageSql("${inputs.other.value}", queries, inputs, {})).toThrow(/no input named "other"/);
    expect(() => resolvePageSql("${loop}", queries, inputs, {})).toThrow(/cycle/);
    expect(() => resolvePageSql("${params.x}", queries, inputs, {})).toThrow(/no route parameter "x"/);
  });
});
