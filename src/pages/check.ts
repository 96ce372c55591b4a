/** `promotor pages check`: without building, runs every source's SQL against the warehouse and
 * every page's SQL (DuckDB dialect, as Evidence runs it) against the materialized sources, and
 * checks that each component's data and columns exist. Returns the problems; never throws for
 * a page's mistake. */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { queryRows, sqlString } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import { compilePage } from "./compile.ts";
import { LANGUAGES, localize, markerProblems, type Language } from "./localize.ts";
import { EMPTY_SET_COMPONENTS, parsePage, type PageComponent, type PageInput, type ParsedPage } from "./markdown.ts";
import { pageFiles, sourceFiles, type PagesProject } from "./project.ts";
import { ensureGeneratedSources } from "./sources.ts";
import { versionProblems, readChangelog } from "./versioning.ts";

export interface Problem {
  /** Page or source file, relative to the project root. */
  file: string;
  line?: number;
  /** Query name (or component) the problem is in. */
  query?: string;
  message: string;
}

export interface CheckResult {
  problems: Problem[];
  sources: { name: string; rows: number; columns: string[] }[];
  /** instances: how many pages a templated page ([account_manager].md) makes on this warehouse. */
  pages: { file: string; queries: number; components: number; runs: number; instances?: number }[];
}

export interface CheckOptions {
  /** Languages to check every page in (default: all). */
  languages?: readonly Language[];
  /** Do not make the generated sources again when they are stale (tests of hand-made projects). */
  skipStaleness?: boolean;
  /** Most parameter values a templated page is checked with. */
  maxParamValues?: number;
}

const REFERENCE = /\$\{\s*([^}]+?)\s*\}/g;

/** Why reading `inputs.<name>.<key>` (key undefined: `inputs.<name>`) gets nothing useful from
 * this input in Evidence 40, or undefined when it is right. */
export function inputReferenceProblem(input: PageInput, key: string | undefined): string | undefined {
  const { store, component, name } = input;
  const forms = [...(store.bare ? [`inputs.${name}`] : []), ...store.keys.map((k) => `inputs.${name}.${k}`)].join(" or ");
  if (key === undefined && !store.bare) return `<${component}> stores an object here, not a value: read ${forms}`;
  if (key !== undefined && !store.keys.includes(key)) {
    return `<${component}> stores ${store.bare ? "a plain value" : `{ ${store.keys.join(", ")} }`}, so .${key} is always empty: read ${forms}`;
  }
  return undefined;
}

/** Resolves ${query}, ${inputs.x.value} and ${params.x} the way Evidence does before it runs a query. */
export function resolvePageSql(
  sql: string,
  queries: Map<string, string>,
  inputs: Map<string, PageInput>,
  params: Record<string, string>,
  seen: string[] = [],
): string {
  return sql.replace(REFERENCE, (_m, expr: string) => {
    const input = /^inputs\.([A-Za-z_]\w*)(?:\.(\w+))?$/.exec(expr);
    if (input) {
      const found = inputs.get(input[1]!);
      if (!found) throw new PromotorError(`\${${expr}}: the page has no input named "${input[1]}"`);
      const problem = inputReferenceProblem(found, input[2]);
      if (problem) throw new PromotorError(`\${${expr}}: ${problem}`);
      const defaults = found.defaults;
      const key = input[2] === undefined || input[2] === "sql" ? "value" : input[2];
      const raw = defaults[key];
      const v = raw !== undefined && input[2] === "sql" ? `'${raw.replaceAll("'", "''")}'` : raw;
      if (v === undefined) throw new PromotorError(`\${${expr}}: input "${input[1]}" has no default for .${key}`, { hint: "give the input a defaultValue so the page renders before anyone picks" });
      return v;
    }
    const param = /^params\.([A-Za-z_]\w*)$/.exec(expr);
    if (param) {
      const v = params[param[1]!];
      if (v === undefined) throw new PromotorError(`\${${expr}}: this page has no route parameter "${param[1]}"`);
      return v.replaceAll("'", "''");
    }
    const q = queries.get(expr);
    if (q === undefined) throw new PromotorError(`\${${expr}}: no query of that name on this page`);
    if (seen.includes(expr)) throw new PromotorError(`\${${expr}}: queries reference each other in a cycle (${[...seen, expr].join(" -> ")})`);
    return `(${resolvePageSql(q, queries, inputs, params, [...seen, expr])})`;
  });
}

const dbError = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split("\n").slice(0, 3).join(" ").trim();

/** Loads every source into schema <sourceName> of an in-memory DuckDB, as Evidence's sources step
 * and its DuckDB-WASM views would. */
async function materializeSources(project: PagesProject, connection: DuckDBConnection, warehouse: string, result: CheckResult): Promise<void> {
  await connection.run(`ATTACH ${sqlString(warehouse)} AS promotor_warehouse (READ_ONLY)`);
  await connection.run(`CREATE SCHEMA memory.${project.sourceName}`);
  // Source SQL runs with the warehouse as default catalog (as Evidence's DuckDB connector opens it)
  // and relative file paths resolved from the project root, except `.promotor/…` (the build
  // stamp), which is the project's state folder, as in the build copy Evidence runs in (a bench
  // uses its own; DuckDB would find a stale stamp in the working directory first).
  await connection.run(`SET file_search_path = ${sqlString(project.root)}`);
  await connection.run("USE promotor_warehouse");
  for (const file of sourceFiles(project)) {
    const name = basename(file, ".sql");
    const sql = readFileSync(join(project.root, file), "utf8").replaceAll("'.promotor/", `'${project.stateDir.replaceAll("'", "''")}/`);
    // Evidence's connector runs all but the last statement as set-up, the last as the query.
    const statements = sql.split(";").map((s) => s.trim()).filter((s) => s.replace(/--.*$/gm, "").trim().length > 0);
    try {
      for (const s of statements.slice(0, -1)) await connection.run(s);
      await connection.run(`CREATE TABLE memory.${project.sourceName}.${name} AS ${statements.at(-1) ?? "SELECT 1 WHERE false"}`);
      const rows = await queryRows(connection, `SELECT count(*) AS n FROM memory.${project.sourceName}.${name}`);
      const cols = await queryRows(connection, `DESCRIBE memory.${project.sourceName}.${name}`);
      result.sources.push({ name, rows: Number(rows[0]?.["n"] ?? 0), columns: cols.map((c) => String(c["column_name"])) });
    } catch (error) {
      result.problems.push({ file, query: name, message: dbError(error) });
    }
  }
  await connection.run("USE memory");
  await connection.run("DETACH promotor_warehouse");
}

async function paramValues(page: ParsedPage, connection: DuckDBConnection, max: number): Promise<Record<string, string>[]> {
  if (page.params.length === 0) return [{}];
  const sql = page.frontMatter["check_params"];
  if (typeof sql !== "string") throw new PromotorError(`templated page needs front matter check_params: SQL listing ${page.params.join(", ")} values to check with`, { file: page.path, line: 1 });
  const rows = await queryRows(connection, `SELECT * FROM (${sql}) LIMIT ${max}`);
  const values = rows.map((r) => Object.fromEntries(page.params.map((p) => [p, String(r[p] ?? "")])));
  // No values: the page has no instances (no account managers in this warehouse), so Evidence
  // prerenders none and there is nothing to check.
  return values;
}

async function checkPage(page: ParsedPage, connection: DuckDBConnection, result: CheckResult, maxParams: number): Promise<void> {
  const file = page.path;
  const queries = new Map(page.queries.map((q) => [q.name, q.sql]));
  const inputs = new Map(page.inputs.map((i) => [i.name, i]));
  let runs = 0;
  let paramSets: Record<string, string>[];
  try {
    paramSets = await paramValues(page, connection, maxParams);
  } catch (error) {
    result.problems.push({ file, line: 1, message: dbError(error) });
    return;
  }
  const columns = new Map<string, Set<string>>();
  // SQL and column types of each query with the first values of the page's parameters: what the
  // chart rules below read.
  const resolved = new Map<string, { sql: string; types: Map<string, string> }>();
  for (const params of paramSets) {
    for (const q of page.queries) {
      let sql: string;
      try {
        sql = resolvePageSql(q.sql, queries, inputs, params);
      } catch (error) {
        result.problems.push({ file, line: q.line, query: q.name, message: dbError(error) });
        continue;
      }
      try {
        const described = await queryRows(connection, `DESCRIBE (${sql})`);
        await connection.run(`SELECT count(*) FROM (${sql})`);
        runs++;
        columns.set(q.name, new Set(described.map((r) => String(r["column_name"]))));
        if (!resolved.has(q.name)) resolved.set(q.name, { sql, types: new Map(described.map((r) => [String(r["column_name"]), String(r["column_type"])])) });
      } catch (error) {
        const where = Object.keys(params).length ? ` (with ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(", ")})` : "";
        result.problems.push({ file, line: q.line, query: q.name, message: `${dbError(error)}${where}` });
      }
    }
  }
  const known = (name: string): boolean => queries.has(name);
  for (const c of page.components) {
    if (c.props["data"] !== undefined && c.data === undefined && typeof c.props["data"] === "string" && !/^\{[A-Za-z_]\w*\./.test(c.props["data"])) {
      result.problems.push({ file, line: c.line, query: c.name, message: `<${c.name} data=${c.props["data"]}>: data must be {query_name}` });
      continue;
    }
    if (c.data === undefined) continue;
    if (!known(c.data)) {
      result.problems.push({ file, line: c.line, query: c.data, message: `<${c.name}> reads query "${c.data}", which this page does not define` });
      continue;
    }
    const cols = columns.get(c.data);
    if (!cols) continue; // the query itself failed: already reported
    for (const [prop, col] of c.columns) {
      if (!cols.has(col)) {
        result.problems.push({ file, line: c.line, query: c.data, message: `<${c.name} ${prop}=${col}>: query "${c.data}" has no column "${col}" (it has: ${[...cols].join(", ")})` });
      }
    }
  }
  for (const c of page.components) {
    const q = c.data === undefined ? undefined : resolved.get(c.data);
    if (!CHARTS.has(c.name) || !q) continue;
    for (const p of await chartProblems(c, q.sql, q.types, connection)) result.problems.push({ file, line: c.line, query: c.data, message: p });
  }
  for (const l of page.loopColumns) {
    if (!known(l.query)) {
      result.problems.push({ file, line: l.line, query: l.query, message: `{${l.query}...}: no query of that name on this page` });
      continue;
    }
    const cols = columns.get(l.query);
    if (cols && !cols.has(l.column)) {
      result.problems.push({ file, line: l.line, query: l.query, message: `${l.query}.${l.column}: query "${l.query}" has no column "${l.column}" (it has: ${[...cols].join(", ")})` });
    }
  }
  result.pages.push({ file, queries: page.queries.length, components: page.components.length, runs, ...(page.params.length ? { instances: paramSets.length } : {}) });
}

/** The columns a component names in one prop (x, y, series, …). */
const propColumns = (c: PageComponent, prop: string): string[] => c.columns.filter(([p]) => p === prop).map(([, col]) => col);
const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const isTrue = (v: string | true | undefined): boolean => v === true || v === "true" || v === "{true}";
const numberProp = (v: string | true | undefined): number | undefined => {
  if (typeof v !== "string") return undefined;
  const n = Number(v.replace(/^\{|\}$/g, "").trim());
  return Number.isFinite(n) ? n : undefined;
};
const num = (n: number): string => String(Math.round(n * 100) / 100);

/** What a chart shows badly on the rows its query returns: category labels Evidence cuts off below
 * the chart, and lines drawn flat because the axis runs from zero (or yMin/yMax) far below them. */
async function chartProblems(c: PageComponent, sql: string, types: Map<string, string>, connection: DuckDBConnection): Promise<string[]> {
  const problems: string[] = [];
  const [x] = propColumns(c, "x");
  if (x && !isTrue(c.props["swapXY"]) && types.get(x) === "VARCHAR") {
    // Per line: a label broken with chr(10) is laid out on two lines from the start. One pass
    // gives the longest line and the most lines of any label.
    const [row] = await queryRows(
      connection,
      `WITH labels AS (SELECT string_split(${quoteIdent(x)}, chr(10)) AS parts FROM (${sql}))
       SELECT (SELECT line FROM (SELECT unnest(parts) AS line FROM labels) ORDER BY length(line) DESC, 1 LIMIT 1) AS line,
              (SELECT max(len(parts)) FROM labels) AS n`,
    );
    const line = row?.["line"] == null ? "" : String(row["line"]);
    const lines = Number(row?.["n"] ?? 1);
    const bottom = /\bgrid\s*:\s*\{[^}]*\bbottom\s*:\s*(\d+)/.exec(typeof c.props["echartsOptions"] === "string" ? c.props["echartsOptions"] : "")?.[1];
    const room = LABEL_LINE_ROOM * (lines - 1) + GRID_BOTTOM;
    if (lines > 1 && Number(bottom ?? GRID_BOTTOM) < room) {
      problems.push(
        `<${c.name} x=${x}>: labels of ${lines} lines need room below the chart: Evidence leaves ${GRID_BOTTOM} px and ECharts measures the lines after the first short, so the last one is cut off at the bottom edge: add echartsOptions={{ grid: { bottom: ${room} } }}`,
      );
    }
    if (line.length > LABEL_CHARS) {
      problems.push(
        `<${c.name} x=${x}>: a label line of ${line.length} characters ("${line}") is cut off below the chart from about ${LABEL_CHARS} (and xLabelWrap's second line falls off the chart's bottom edge): break the label with chr(10) in the query, e.g. 'Q4 2026' || chr(10) || '(to date)'; a table shows the break as a space`,
      );
    }
  }
  const ys = propColumns(c, "y").filter((col) => /^(DECIMAL|DOUBLE|FLOAT|REAL|(U?(BIG|SMALL|TINY|HUGE)?INT)(EGER)?)/.test(types.get(col) ?? ""));
  if (c.name === "LineChart" && ys.length > 0 && (!isTrue(c.props["yScale"]) || c.props["yMin"] !== undefined || c.props["yMax"] !== undefined)) {
    const values = ys.map((col) => `SELECT CAST(${quoteIdent(col)} AS DOUBLE) AS v FROM (${sql})`).join(" UNION ALL ");
    const [row] = await queryRows(connection, `SELECT min(v) AS lo, max(v) AS hi FROM (${values})`);
    const lo = row?.["lo"] == null ? undefined : Number(row["lo"]);
    const hi = row?.["hi"] == null ? undefined : Number(row["hi"]);
    if (lo !== undefined && hi !== undefined && hi > lo) {
      // Without yScale ECharts' value axis includes zero; yMin and yMax override either end.
      const scaled = isTrue(c.props["yScale"]);
      const axisLo = numberProp(c.props["yMin"]) ?? (scaled ? lo : Math.min(0, lo));
      const axisHi = numberProp(c.props["yMax"]) ?? (scaled ? hi : Math.max(0, hi));
      const fill = (hi - lo) / (axisHi - axisLo);
      if (fill < LINE_FILL_MIN) {
        problems.push(
          `<${c.name} y=${ys.join(",")}>: the values (${num(lo)}–${num(hi)}) fill ${Math.round(fill * 100)} % of the axis (${num(axisLo)}–${num(axisHi)}), so the lines look flat: add yScale=true and leave out yMin/yMax, so that the axis fits the data`,
        );
      }
    }
  }
  return problems;
}

/** The rows that queries of a page give on a warehouse, in one language, with the inputs at their
 * defaults (what a reader sees before picking anything), by query name: for tests of what pages
 * show. The sources are loaded once for all of them. */
export async function pageQueryRows(project: PagesProject, warehouse: string, file: string, lang: Language, names: readonly string[]): Promise<Record<string, Record<string, unknown>[]>> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const result: CheckResult = { problems: [], sources: [], pages: [] };
    await materializeSources(project, connection, warehouse, result);
    if (result.problems.length > 0) throw new PromotorError(`sources failed: ${result.problems.map((p) => `${p.query}: ${p.message}`).join("; ")}`);
    const page = parsePage(file, localize(readFileSync(join(project.root, file), "utf8"), lang, file));
    const queries = new Map(page.queries.map((q) => [q.name, q.sql]));
    const inputs = new Map(page.inputs.map((i) => [i.name, i]));
    const rows: Record<string, Record<string, unknown>[]> = {};
    for (const name of names) {
      const sql = queries.get(name);
      if (sql === undefined) throw new PromotorError(`${file} has no query "${name}"`);
      rows[name] = await queryRows(connection, resolvePageSql(sql, queries, inputs, {}));
    }
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Tables of this many columns or more must let their titles wrap. */
const WRAP_TITLES_FROM = 6;
/** Evidence's charts with an x axis and y columns. */
const CHARTS = new Set(["LineChart", "BarChart", "AreaChart"]);
/** Evidence gives a category label 0.8 × the chart's width / the number of categories and cuts
 * off the rest: at 1280 px, eight quarters get about 94 px, some 13 characters of axis text.
 * xLabelWrap does not help: the grid is laid out before the label is wrapped, so the second line
 * falls below the chart (seen in screenshots of 2.0.2); a line break in the label itself is
 * laid out from the start. */
const LABEL_CHARS = 12;
/** Evidence's grid.bottom, and the room a label needs for each line after its first: ECharts'
 * containLabel left a two-line label some 4 px short (measured on the KRS trend of 2.0.2). */
const GRID_BOTTOM = 10;
const LABEL_LINE_ROOM = 14;
/** A line chart whose values fill less of the axis than this shows no movement (KRS per quarter
 * drawn flat between 6 and 8 on a 0–10 axis). */
const LINE_FILL_MIN = 0.25;

/** What the page's markup does wrong without running anything: input references that read
 * what the input does not store, and components without an answer for empty data. */
export function structureProblems(page: ParsedPage): Problem[] {
  const file = page.path;
  const problems: Problem[] = [];
  const inputs = new Map(page.inputs.map((i) => [i.name, i]));
  for (const ref of page.inputRefs) {
    const input = inputs.get(ref.name);
    const expr = `inputs.${ref.name}${ref.key ? `.${ref.key}` : ""}`;
    if (!input) {
      problems.push({ file, line: ref.line, query: expr, message: `${expr}: the page has no input named "${ref.name}" (its inputs: ${[...inputs.keys()].join(", ") || "none"})` });
      continue;
    }
    const problem = inputReferenceProblem(input, ref.key);
    if (problem) problems.push({ file, line: ref.line, query: expr, message: `${expr}: ${problem}` });
  }
  // Evidence cuts a column title off where it is wider than the column's values (seen in a
  // 1280 px screenshot of an eight-column table); wrapTitles lets it take a second line.
  page.components.forEach((c, index) => {
    if (c.name !== "DataTable" || c.props["wrapTitles"] === true || c.props["wrapTitles"] === "true") return;
    const columns = page.components.filter((k) => k.name === "Column" && k.parent === index).length;
    if (columns >= WRAP_TITLES_FROM) {
      problems.push({ file, line: c.line, query: c.data, message: `<DataTable data={${c.data ?? ""}}> has ${columns} columns: add wrapTitles=true, so that a title wider than its column wraps instead of being cut off` });
    }
  });
  // SQL keeps no order across a subquery, and Evidence inlines ${query} as one: "select * from
  // ${ranked} limit 1" may return any row of ranked.
  for (const q of page.queries) {
    const limit = /\blimit\s+(\d+)/i.exec(q.sql.replace(/--.*$/gm, ""));
    if (limit && !/\border\s+by\b/i.test(q.sql.replace(/\$\{[^}]*\}/g, ""))) {
      problems.push({ file, line: q.line, query: q.name, message: `query "${q.name}" keeps ${limit[1]} row${limit[1] === "1" ? "" : "s"} with LIMIT but has no ORDER BY of its own, so which rows is left to chance: add one (with a tie breaker) before the LIMIT` });
    }
  }
  // Without a series column Evidence names each line after its column, title-cased (krs reads
  // "Krs", satisfaction "Satisfaction" in a Dutch page): a label belongs in the rows, not the name.
  for (const c of page.components) {
    if (!CHARTS.has(c.name) || c.props["series"] !== undefined) continue;
    const ys = propColumns(c, "y");
    if (ys.length < 2) continue;
    const shown = ys[0]!.charAt(0).toUpperCase() + ys[0]!.slice(1).toLowerCase();
    problems.push({
      file,
      line: c.line,
      query: c.data,
      message: `<${c.name} data={${c.data ?? ""}}> draws ${ys.length} y columns (${ys.join(", ")}): the legend would name the lines after the columns ("${shown}"), not in the page's words. Return one row per line and x with its label, and pass y=<value> series=<label column>`,
    });
  }
  // Evidence orders a scatter's series by x, other charts by the rows: the same driver gets another
  // colour in each chart unless the scatter is given the order (drivers page 2.0.1).
  const seriesColumn = (c: PageComponent): string | undefined => propColumns(c, "series")[0];
  for (const c of page.components) {
    const series = seriesColumn(c);
    if (c.name !== "ScatterPlot" || !series || c.props["seriesOrder"] !== undefined) continue;
    if (!page.components.some((o) => o !== c && o.name !== "ScatterPlot" && seriesColumn(o) === series)) continue;
    problems.push({
      file,
      line: c.line,
      query: c.data,
      message: `<ScatterPlot series=${series}>: Evidence orders a scatter's series by x, so each ${series} gets another colour than in the page's other charts: add seriesOrder={${c.data ?? "q"}.map((d) => d.${series})} (with the query ordered as the other charts are)`,
    });
  }
  for (const c of page.components) {
    if (!EMPTY_SET_COMPONENTS.has(c.name) || typeof c.props["data"] !== "string" || c.data === undefined) continue;
    const emptySet = c.props["emptySet"];
    if (emptySet === "pass" || emptySet === "warn") {
      if (typeof c.props["emptyMessage"] !== "string") {
        problems.push({ file, line: c.line, query: c.data, message: `<${c.name} data={${c.data}} emptySet=${emptySet}>: say what empty means: add emptyMessage="…" (a sentence for the reader)` });
      }
      continue;
    }
    const guarded = c.guards.some((g) => new RegExp(`(^|[^!\\w.])${c.data}\\.length\\b(?!\\s*(===?|<=?)\\s*0)`).test(g) && !g.startsWith("!"));
    if (!guarded) {
      problems.push({
        file,
        line: c.line,
        query: c.data,
        message: `<${c.name} data={${c.data}}> has no empty state: with no rows Evidence's build:strict fails ("Dataset is empty"). Add emptySet="pass" emptyMessage="…", or wrap it in {#if ${c.data}.length > 0}`,
      });
    }
  }
  return problems;
}

/** A problem found in every language is said once; one found in some languages names them. */
function mergeLanguages(languages: readonly Language[], perLanguage: Problem[][]): Problem[] {
  const key = (p: Problem): string => `${p.line ?? ""}|${p.query ?? ""}|${p.message}`;
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const problems of perLanguage) {
    for (const p of problems) {
      const k = key(p);
      if (seen.has(k)) continue;
      seen.add(k);
      const where = languages.filter((_, i) => perLanguage[i]!.some((q) => key(q) === k));
      out.push(where.length === languages.length || languages.length === 1 ? p : { ...p, message: `[${where.join(", ")}] ${p.message}` });
    }
  }
  return out;
}

export async function checkPages(project: PagesProject, warehouse: string, options: CheckOptions = {}): Promise<CheckResult> {
  if (!existsSync(warehouse)) {
    throw new PromotorError(`warehouse ${warehouse} does not exist`, { hint: "run: promotor ingest seeds/sample && promotor build (or pass --warehouse)" });
  }
  const result: CheckResult = { problems: [], sources: [], pages: [] };
  // The generated sources are made again when stale, so none can be checked in a stale state.
  if (!options.skipStaleness) await ensureGeneratedSources(project, warehouse);
  const changelog = existsSync(project.changelog) ? readChangelog(readFileSync(project.changelog, "utf8")) : null;
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await materializeSources(project, connection, warehouse, result);
    const languages = options.languages ?? LANGUAGES;
    for (const file of pageFiles(project)) {
      const source = readFileSync(join(project.root, file), "utf8");
      const markers = markerProblems(source);
      for (const m of markers) result.problems.push({ file, line: m.line, message: m.message });
      if (markers.length) continue;
      const perLanguage: Problem[][] = [];
      for (const [i, lang] of languages.entries()) {
        const found: Problem[] = [];
        const text = localize(source, lang, file);
        let page: ParsedPage;
        try {
          page = parsePage(file, text);
        } catch (error) {
          found.push({ file, line: error instanceof PromotorError ? error.line : undefined, message: dbError(error) });
          perLanguage.push(found);
          continue;
        }
        // The version is the page's, not a language's: said once, untagged.
        if (i === 0) result.problems.push(...versionProblems(page, changelog, project));
        found.push(...structureProblems(page));
        for (const p of await compilePage(project.root, file, text)) found.push({ file, line: p.line, query: "compile", message: p.message });
        const sink: CheckResult = { problems: found, sources: result.sources, pages: [] };
        await checkPage(page, connection, sink, options.maxParamValues ?? 25);
        // One entry per page in the summary, however many languages were checked.
        if (i === 0) result.pages.push(...sink.pages);
        perLanguage.push(found);
      }
      result.problems.push(...mergeLanguages(languages, perLanguage));
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return result;
}
