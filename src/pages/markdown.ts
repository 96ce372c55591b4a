/** Reads an Evidence page the way `pages check` needs it: front matter, the ```sql name```
 * queries, the components with the query and columns they use, the inputs with their defaults
 * and the {#each q as row} loops. Not a full Svelte parser: just what Evidence pages use. */
import { parse as parseYaml } from "yaml";
import { PromotorError } from "../lib/errors.ts";

export interface PageQuery {
  name: string;
  sql: string;
  line: number;
}

export interface PageComponent {
  name: string;
  props: Record<string, string | true>;
  line: number;
  /** Conditions of the {#if} blocks around it (the branch it is in; "!cond" in an {:else}). */
  guards: string[];
  /** Query the component reads (its own data= or its parent's). */
  data: string | undefined;
  /** Column references as [prop, column]. */
  columns: [string, string][];
  /** Index (in `components`) of the component it sits in, for children such as a DataTable's Column. */
  parent?: number;
}

export interface PageInput {
  component: string;
  name: string;
  line: number;
  /** What Evidence 40 stores for this input (INPUT_STORES). */
  store: InputStore;
  /** Value substituted for ${inputs.<name>.<key>} when checking (key "value", "start", "end"). */
  defaults: Record<string, string>;
}

export interface ParsedPage {
  path: string;
  frontMatter: Record<string, unknown>;
  queries: PageQuery[];
  components: PageComponent[];
  inputs: PageInput[];
  /** {#each q as row} ... {row.col}: [query, column, line]. */
  loopColumns: { query: string; column: string; line: number }[];
  /** Route parameters of a templated page ([account_manager].md -> account_manager). */
  params: string[];
  /** Every inputs.<name>[.<key>] the page reads, in SQL or markup. */
  inputRefs: { name: string; key: string | undefined; line: number }[];
}

/** What each Evidence 40 input component puts in `inputs.<name>` (read from its source in
 * @evidence-dev/core-components): `bare` when the input itself is the value (`${inputs.x}`),
 * `keys` the properties it has (`${inputs.x.value}`). */
export interface InputStore {
  bare: boolean;
  keys: string[];
}
export const INPUT_STORES: Record<string, InputStore> = {
  Dropdown: { bare: false, keys: ["value", "label"] },
  ButtonGroup: { bare: true, keys: [] },
  TextInput: { bare: true, keys: ["sql"] },
  Checkbox: { bare: true, keys: [] },
  Slider: { bare: true, keys: [] },
  DateRange: { bare: false, keys: ["start", "end"] },
  DateInput: { bare: false, keys: ["value", "start", "end"] },
};

/** Components that show Evidence's "Dataset is empty" error (a failed build:strict) unless told
 * what to do with empty data (emptySet / emptyMessage). */
export const EMPTY_SET_COMPONENTS = new Set([
  "AreaChart", "BarChart", "BigValue", "BoxPlot", "BubbleChart", "CalendarHeatmap", "Chart", "DataTable", "FunnelChart", "Heatmap",
  "Histogram", "LineChart", "ReferenceArea", "ReferenceLine", "ReferencePoint", "SankeyDiagram", "ScatterPlot", "Sparkline", "Value",
]);

/** Props that name a column of the component's data, per component. */
const COLUMN_PROPS: Record<string, string[]> = {
  BigValue: ["value", "comparison", "sparkline"],
  Value: ["column"],
  LineChart: ["x", "y", "y2", "series"],
  AreaChart: ["x", "y", "series"],
  BarChart: ["x", "y", "y2", "series"],
  ScatterPlot: ["x", "y", "series", "tooltipTitle"],
  BubbleChart: ["x", "y", "series", "size", "tooltipTitle"],
  Histogram: ["x"],
  FunnelChart: ["nameCol", "valueCol"],
  Column: ["id"],
  BandChart: ["x", "y", "low", "high"],
  Dropdown: ["value", "label"],
  ButtonGroup: ["value", "label"],
  DateRange: ["dates"],
  ReferenceLine: ["x", "y"],
  ReferenceArea: ["xMin", "xMax", "yMin", "yMax"],
  ReferencePoint: ["x", "y"],
};
/** Children that inherit their parent's data. */
const CHILD_OF: Record<string, string[]> = {
  Column: ["DataTable"],
  ReferenceLine: ["LineChart", "AreaChart", "BarChart", "ScatterPlot", "BubbleChart"],
  ReferenceArea: ["LineChart", "AreaChart", "BarChart", "ScatterPlot", "BubbleChart"],
  ReferencePoint: ["LineChart", "AreaChart", "BarChart", "ScatterPlot", "BubbleChart"],
};

const lineAt = (text: string, index: number): number => text.slice(0, index).split("\n").length;

/** Parses `a=b c="d e" f={g} h` into props. */
export function parseProps(source: string): Record<string, string | true> {
  const props: Record<string, string | true> = {};
  let i = 0;
  while (i < source.length) {
    while (i < source.length && /\s/.test(source[i]!)) i++;
    const m = /^[A-Za-z_][\w-]*/.exec(source.slice(i));
    if (!m) {
      i++;
      continue;
    }
    const key = m[0];
    i += key.length;
    if (source[i] !== "=") {
      props[key] = true;
      continue;
    }
    i++;
    const c = source[i];
    if (c === '"' || c === "'") {
      const end = source.indexOf(c, i + 1);
      props[key] = source.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? source.length : end + 1;
    } else if (c === "{") {
      let depth = 0;
      let j = i;
      for (; j < source.length; j++) {
        if (source[j] === "{") depth++;
        else if (source[j] === "}" && --depth === 0) break;
      }
      props[key] = source.slice(i, j + 1);
      i = j + 1;
    } else {
      const v = /^[^\s/>]+/.exec(source.slice(i))?.[0] ?? "";
      props[key] = v;
      i += v.length;
    }
  }
  return props;
}

/** Column names in a prop value: col, "col", {['a','b']} or {"col"}; none for numbers/expressions. */
export function columnsOf(value: string | true): string[] {
  if (value === true) return [];
  const v = value.trim();
  if (v.startsWith("{")) {
    const inner = v.slice(1, -1).trim();
    const strings = [...inner.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    return inner.startsWith("[") || /^['"]/.test(inner) ? strings : [];
  }
  if (/^-?\d+(\.\d+)?$/.test(v)) return [];
  return /^[A-Za-z_]\w*$/.test(v) ? [v] : [];
}

const dataOf = (props: Record<string, string | true>): string | undefined => {
  const d = props["data"];
  if (typeof d !== "string") return undefined;
  // {q}, or {q.filter(...)} / {q.slice(...)}: the rows are q's, so are the columns.
  return /^\{\s*([A-Za-z_]\w*)\s*(?:\}$|\.(?:filter|slice|sort|reverse)\()/.exec(d)?.[1];
};

export function parsePage(path: string, text: string): ParsedPage {
  let frontMatter: Record<string, unknown> = {};
  let body = text;
  let offset = 0;
  const fm = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(text);
  if (fm) {
    try {
      frontMatter = (parseYaml(fm[1]!) as Record<string, unknown> | null) ?? {};
    } catch (error) {
      throw new PromotorError(`front matter is not valid YAML: ${(error as Error).message}`, { file: path, line: 1 });
    }
    offset = fm[0].length;
    body = text.slice(offset);
  }
  const at = (index: number): number => lineAt(text, offset + index);

  const queries: PageQuery[] = [];
  const fences = /^```sql[ \t]+([A-Za-z_]\w*)[^\n]*\n([\s\S]*?)^```/gm;
  const withoutSql = body.replace(fences, (match, name: string, sql: string, index: number) => {
    queries.push({ name, sql, line: at(index) });
    return match.replace(/[^\n]/g, " ");
  });
  // Other code fences hold no components.
  const prose = withoutSql.replace(/^```[\s\S]*?^```/gm, (m) => m.replace(/[^\n]/g, " "));

  const components: PageComponent[] = [];
  const inputs: PageInput[] = [];
  const stack: { name: string; data: string | undefined; index: number }[] = [];
  const blocks = [...prose.matchAll(/\{(#if|:else if|:else|\/if)\s*([^}]*)\}/g)].map((m) => ({ index: m.index ?? 0, kind: m[1]!, cond: m[2]!.trim() }));
  const guardsAt = (index: number): string[] => {
    const open: string[][] = [];
    for (const b of blocks) {
      if (b.index >= index) break;
      if (b.kind === "#if") open.push([b.cond]);
      else if (b.kind === ":else if") open.at(-1)?.splice(0, 1, `!(${open.at(-1)?.[0] ?? ""})`, b.cond);
      else if (b.kind === ":else") open.at(-1)?.splice(0, open.at(-1)!.length, `!(${open.at(-1)?.at(-1) ?? ""})`);
      else open.pop();
    }
    return open.flat();
  };
  // A prop in braces may nest them (echartsOptions={{ yAxis: { axisLabel: { … } } }}): up to four
  // levels, else the whole tag went unread and unchecked.
  const braces = "\\{(?:[^{}]|\\{(?:[^{}]|\\{(?:[^{}]|\\{[^{}]*\\})*\\})*\\})*\\}";
  const tags = new RegExp(`<(\\/?)([A-Z][A-Za-z]*)((?:[^>{}]|${braces})*?)(\\/?)>`, "g");
  for (const m of prose.matchAll(tags)) {
    const [, closing, name, rawProps, selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing) {
      const idx = stack.map((s) => s.name).lastIndexOf(name);
      if (idx >= 0) stack.splice(idx);
      continue;
    }
    const props = parseProps(rawProps);
    const parent = [...stack].reverse().find((s) => CHILD_OF[name]?.includes(s.name));
    const own = dataOf(props);
    const data = own ?? parent?.data;
    const columns: [string, string][] = [];
    const names = COLUMN_PROPS[name] ?? [];
    // A reference line without data of its own draws a constant, unless its parent has data.
    const columnsApply = !(name.startsWith("Reference") && own === undefined && parent === undefined);
    if (columnsApply) for (const p of names) if (props[p] !== undefined) for (const c of columnsOf(props[p]!)) columns.push([p, c]);
    const line = at(m.index ?? 0);
    components.push({ name, props, line, guards: guardsAt(m.index ?? 0), data, columns, ...(parent ? { parent: parent.index } : {}) });
    if (!selfClosing) stack.push({ name, data, index: components.length - 1 });
    const inputName = props["name"];
    const store = INPUT_STORES[name];
    if (typeof inputName === "string" && store) {
      const defaults: Record<string, string> = {};
      const dv = props["defaultValue"];
      if (typeof dv === "string") defaults["value"] = dv.replace(/^\{\s*['"]?|['"]?\s*\}$/g, "");
      if (name === "DateRange" || name === "DateInput") {
        defaults["start"] = typeof props["start"] === "string" ? props["start"] : "1900-01-01";
        defaults["end"] = typeof props["end"] === "string" ? props["end"] : "2999-12-31";
      }
      if (name === "TextInput") defaults["value"] ??= "";
      if (name === "Checkbox") defaults["value"] ??= typeof props["defaultValue"] === "string" ? props["defaultValue"] : "false";
      inputs.push({ component: name, name: inputName, line, store, defaults });
    }
  }
  // ButtonGroupItem default / DropdownOption value fill in an input's default when it has none.
  for (const input of inputs) {
    if (input.defaults["value"] !== undefined) continue;
    const items = components.filter((c) => (c.name === "ButtonGroupItem" || c.name === "DropdownOption") && c.line >= input.line);
    const chosen = items.find((c) => c.props["default"] === true) ?? items[0];
    if (chosen && typeof chosen.props["value"] === "string") input.defaults["value"] = chosen.props["value"];
  }

  const loopColumns: ParsedPage["loopColumns"] = [];
  for (const m of prose.matchAll(/\{#each\s+([A-Za-z_]\w*)\s+as\s+([A-Za-z_]\w*)\s*\}([\s\S]*?)\{\/each\}/g)) {
    const [, query, row, inner] = m as unknown as [string, string, string, string];
    for (const r of inner.matchAll(new RegExp(`\\b${row}\\.([A-Za-z_]\\w*)`, "g"))) {
      loopColumns.push({ query, column: r[1]!, line: at((m.index ?? 0) + (r.index ?? 0) + m[0].indexOf(inner)) });
    }
  }
  for (const m of prose.matchAll(/\{\s*([A-Za-z_]\w*)\[0\]\.([A-Za-z_]\w*)/g)) {
    loopColumns.push({ query: m[1]!, column: m[2]!, line: at(m.index ?? 0) });
  }

  const params = [...path.matchAll(/\[([A-Za-z_]\w*)\]/g)].map((m) => m[1]!);
  const inputRefs = [...body.matchAll(/\binputs\.([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?/g)].map((m) => ({ name: m[1]!, key: m[2], line: at(m.index ?? 0) }));
  return { path, frontMatter, queries, components, inputs, loopColumns, params, inputRefs };
}
