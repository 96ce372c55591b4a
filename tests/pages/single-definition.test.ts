/** One definition of each metric: every figure the pages show comes from a source whose numbers
 * equal `promotor query` for the same question; the change significance equals npsChange of
 * src/measures; pages and hand-written sources contain no metric formula; the generated sources
 * are what the Cube model generates now. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, queryRows } from "../../src/lib/duckdb.ts";
import { projectRoot } from "../../src/lib/paths.ts";
import { npsChange } from "../../src/measures/formulas.ts";
import { parsePage } from "../../src/pages/markdown.ts";
import { existsSync } from "node:fs";
import { generatedSourceDir, pageFiles, pagesProject, sourceFiles } from "../../src/pages/project.ts";
import { SOURCE_QUERIES } from "../../src/pages/source-queries.ts";
import { GENERATED_MARKER } from "../../src/pages/source-sql.ts";
import { ensureGeneratedSources, generateSources, openSemanticLayer, staleSources } from "../../src/pages/sources.ts";
import { writeCurrentStamp } from "../../src/pages/stamp.ts";
import { cli, warehouseFrom } from "./helpers.ts";

const project = pagesProject(projectRoot);
let warehouse: string;
type Row = Record<string, unknown>;

/** Rows of an Evidence source, run the way Evidence's DuckDB connector runs it. */
async function source(name: string): Promise<Row[]> {
  const wh = await openWarehouse(warehouse, { readOnly: true });
  try {
    await wh.connection.run(`SET file_search_path = '${projectRoot}'`);
    const generated = join(generatedSourceDir(project), `${name}.sql`);
    return await queryRows(wh.connection, readFileSync(existsSync(generated) ? generated : join(project.sourceDir, `${name}.sql`), "utf8"));
  } finally {
    wh.close();
  }
}

/** `promotor query` through the CLI, as JSON rows. */
async function promotorQuery(query: object): Promise<Row[]> {
  const r = await cli(["--warehouse", warehouse, "query", JSON.stringify(query), "--format", "json"]);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Row[];
}

const day = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
function expectClose(actual: unknown, expected: unknown, what: string): void {
  const a = num(actual);
  const e = num(expected);
  if (e === null) return expect(a, what).toBeNull();
  expect(a, what).not.toBeNull();
  expect(Math.abs(a! - e), `${what}: ${a} vs ${e}`).toBeLessThan(1e-9);
}
const relationship = { member: "nps.survey_type", operator: "equals", values: ["relationship"] };
const quarter = (view: string) => [{ dimension: `${view}.answered_at`, granularity: "quarter" }];

beforeAll(async () => {
  warehouse = await warehouseFrom(join(projectRoot, "seeds", "sample"));
  await writeCurrentStamp(project, warehouse);
  await ensureGeneratedSources(project, warehouse);
});

describe("every figure equals promotor query for the same question", () => {
  it("overview headline: relationship NPS, shares, margin of error, reported score per quarter", async () => {
    const rows = (await source("nps_periods")).filter((r) => r["scope"] === "relationship");
    const q = await promotorQuery({
      measures: ["nps.score", "nps.score_margin_of_error", "nps.responses", "nps.promoter_share", "nps.passive_share", "nps.detractor_share", "nps.score_reported"],
      timeDimensions: quarter("nps"),
      filters: [relationship],
    });
    expect(rows.length).toBe(q.length);
    expect(rows.length).toBeGreaterThan(2);
    for (const expected of q) {
      const row = rows.find((r) => day(r["period"]) === day(expected["nps.answered_at.quarter"]))!;
      expect(row, day(expected["nps.answered_at.quarter"])).toBeDefined();
      expectClose(row["nps"], expected["nps.score"], "nps");
      expectClose(row["nps_moe"], expected["nps.score_margin_of_error"], "moe");
      expectClose(row["responses"], expected["nps.responses"], "responses");
      expectClose(row["promoter_share"], expected["nps.promoter_share"], "promoters %");
      expectClose(row["passive_share"], expected["nps.passive_share"], "passives %");
      expectClose(row["detractor_share"], expected["nps.detractor_share"], "detractors %");
      expectClose(row["nps_reported"], expected["nps.score_reported"], "reported");
    }
  });

  it("the headline NPS also equals a hand count of the marts (independent of Cube)", async () => {
    const current = (await source("nps_periods")).find((r) => r["scope"] === "relationship" && r["is_current_period"] === true)!;
    const wh = await openWarehouse(warehouse, { readOnly: true });
    const scores = await queryRows(
      wh.connection,
      `SELECT recommend_score FROM marts.fct_nps_responses WHERE survey_type = 'relationship' AND date_trunc('quarter', answered_at) = DATE '${day(current["period"])}'`,
    );
    wh.close();
    const s = scores.map((r) => Number(r["recommend_score"]));
    const promoters = s.filter((x) => x >= 9).length;
    const detractors = s.filter((x) => x <= 6).length;
    expect(Number(current["responses"])).toBe(s.length);
    expectClose(current["nps"], (100 * (promoters - detractors)) / s.length, "hand-counted NPS");
  });

  it("journey: tNPS and volume per touchpoint", async () => {
    const rows = await source("touchpoints");
    const q = await promotorQuery({
      measures: ["nps.score", "nps.responses", "nps.score_reported"],
      dimensions: ["nps.touchpoint"],
      filters: [{ member: "nps.survey_type", operator: "equals", values: ["touchpoint"] }],
    });
    expect(rows.length).toBe(q.length);
    for (const e of q) {
      const row = rows.find((r) => r["touchpoint"] === e["nps.touchpoint"])!;
      expectClose(row["nps"], e["nps.score"], `tNPS ${String(e["nps.touchpoint"])}`);
      expectClose(row["responses"], e["nps.responses"], "volume");
      expectClose(row["nps_reported"], e["nps.score_reported"], "reported");
    }
    const orders = rows.map((r) => Number(r["journey_order"]));
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
  });

  it("account managers: reported NPS per manager per quarter (minimum sample applied)", async () => {
    const rows = (await source("nps_periods")).filter((r) => r["scope"] === "account_manager");
    const q = await promotorQuery({
      measures: ["nps.score_reported", "nps.responses", "nps.meets_minimum_sample"],
      dimensions: ["nps.account_manager"],
      timeDimensions: quarter("nps"),
      filters: [relationship, { member: "nps.account_manager", operator: "set" }],
    });
    expect(rows.length).toBe(q.length);
    let suppressed = 0;
    for (const e of q) {
      const row = rows.find((r) => r["scope_value"] === e["nps.account_manager"] && day(r["period"]) === day(e["nps.answered_at.quarter"]))!;
      expectClose(row["nps_reported"], e["nps.score_reported"], "AM NPS");
      expectClose(row["responses"], e["nps.responses"], "AM responses");
      if (Number(e["nps.responses"]) < 30) {
        suppressed++;
        expect(row["nps_reported"]).toBeNull();
      }
    }
    expect(suppressed, "the sample has small groups, so suppression is exercised").toBeGreaterThan(0);
  });

  it("drivers: importance and performance per driver", async () => {
    const rows = (await source("driver_matrix")).filter((r) => r["scope"] === "total");
    const q = await promotorQuery({ measures: ["drivers.importance", "drivers.performance", "drivers.ratings"], dimensions: ["drivers.driver"] });
    expect(rows.length).toBe(4);
    for (const e of q) {
      const row = rows.find((r) => r["driver"] === e["drivers.driver"])!;
      expectClose(row["importance"], e["drivers.importance"], "importance");
      expectClose(row["performance"], e["drivers.performance"], "performance");
    }
    // The matrix splits at the mean over the drivers shown (DESIGN.md).
    const meanImportance = q.reduce((s, e) => s + Number(e["drivers.importance"]), 0) / q.length;
    expectClose(rows[0]!["importance_split"], meanImportance, "split");
  });

  it("KRS, CSAT and CES per quarter", async () => {
    const krs = (await source("krs_periods")).filter((r) => r["scope"] === "total");
    const qk = await promotorQuery({ measures: ["krs.score", "krs.satisfaction", "krs.trust", "krs.love"], timeDimensions: quarter("krs") });
    expect(krs.length).toBe(qk.length);
    for (const e of qk) {
      const row = krs.find((r) => day(r["period"]) === day(e["krs.answered_at.quarter"]))!;
      for (const m of ["score", "satisfaction", "trust", "love"]) expectClose(row[m === "score" ? "krs" : m], e[`krs.${m}`], `krs ${m}`);
    }
    const csat = (await source("csat_periods")).filter((r) => r["scope"] === "total");
    const qc = await promotorQuery({ measures: ["csat.score"], timeDimensions: quarter("csat") });
    for (const e of qc) expectClose(csat.find((r) => day(r["period"]) === day(e["csat.answered_at.quarter"]))!["csat"], e["csat.score"], "csat");
    const ces = (await source("ces_periods")).filter((r) => r["scope"] === "total");
    const qe = await promotorQuery({ measures: ["ces.score"], timeDimensions: quarter("ces") });
    for (const e of qe) expectClose(ces.find((r) => day(r["period"]) === day(e["ces.answered_at.quarter"]))!["ces"], e["ces.score"], "ces");
  });

  it("what changed: z and significance equal npsChange on the counts from promotor query", async () => {
    const rows = (await source("nps_periods")).filter((r) => r["scope"] === "segment" || r["scope"] === "relationship");
    const q = await promotorQuery({
      measures: ["nps.promoters", "nps.passives", "nps.detractors"],
      dimensions: ["nps.segment"],
      timeDimensions: quarter("nps"),
      filters: [relationship],
    });
    const counts = (segment: string, period: string) => {
      const e = q.find((x) => x["nps.segment"] === segment && day(x["nps.answered_at.quarter"]) === period);
      return e ? { promoters: Number(e["nps.promoters"]), passives: Number(e["nps.passives"]), detractors: Number(e["nps.detractors"]) } : null;
    };
    let compared = 0;
    let suppressed = 0;
    for (const row of rows.filter((r) => r["scope"] === "segment" && r["previous_responses"] !== null)) {
      const period = day(row["period"]);
      const prev = new Date(period);
      prev.setUTCMonth(prev.getUTCMonth() - 3);
      if (Number(row["responses"]) < 30 || Number(row["previous_responses"]) < 30) {
        // The minimum sample: no change, z or verdict is derived from a suppressed quarter.
        expect(row["nps_change"]).toBeNull();
        expect(row["nps_change_z"]).toBeNull();
        expect(row["change_verdict"]).toBe("too_few");
        suppressed++;
        continue;
      }
      const c = npsChange(counts(String(row["scope_value"]), period)!, counts(String(row["scope_value"]), day(prev))!)!;
      expectClose(row["nps_change"], c.change, "change");
      if (c.z !== null) expect(Math.abs(Number(row["nps_change_z"]) - c.z)).toBeLessThan(1e-6);
      expect(row["nps_change_significant"]).toBe(c.significant);
      expect(row["change_verdict"]).toBe(!c.significant ? "no_change" : c.change > 0 ? "improvement" : "drop");
      compared++;
    }
    expect(suppressed, "small segments exercise the suppression").toBeGreaterThan(0);
    expect(compared).toBeGreaterThan(3);
  });
});

describe("the minimum sample holds in every generated source", () => {
  it("below 30 responses every figure but the count is null: scores, shares, counts by category, margins, bounds, changes", async () => {
    let rowsChecked = 0;
    for (const q of SOURCE_QUERIES) {
      if (!q.sample) continue;
      const rows = await source(q.name);
      const derived = ["nps_low", "nps_high", "nps_change", "nps_change_z", "nps_change_significant", "quadrant"];
      const guarded = [...Object.keys(q.measures).filter((m) => m !== q.sample && m !== "meets_minimum_sample"), ...derived];
      for (const row of rows) {
        if (Number(row[q.sample]) >= 30) continue;
        rowsChecked++;
        for (const column of guarded) if (column in row) expect(row[column], `${q.name}.${column} at ${q.sample} = ${String(row[q.sample])}`).toBeNull();
      }
    }
    expect(rowsChecked, "the sample has small groups in several sources").toBeGreaterThan(50);
  });
});

/** Metric formulas a page or hand-written source must not contain (they belong in src/measures). */
const FORMULA_PATTERNS: [RegExp, string][] = [
  [/-\s*sum\s*\(/i, "difference of sums (promoters − detractors)"],
  [/100(\.0)?\s*\*/, "100 × ratio"],
  [/\b(avg|mean|median)\s*\(/i, "average of a score"],
  [/\bcase\s+when[^]*?(>=\s*9|<=\s*6|>=\s*4|>=\s*5|>=\s*8|between\s+9|in\s*\(\s*9)/i, "case-when on score thresholds"],
  [/\b(sum|count)\s*\([^)]*(is_promoter|is_detractor|is_passive|promoter|detractor|recommend_score|csat|ces|krs_)/i, "aggregate of a score or category"],
  [/\/\s*(nullif\s*\()?\s*count\s*\(/i, "ratio over a count"],
  [/\bstddev|\bcorr\s*\(|\bsqrt\s*\(/i, "statistics (margin of error, correlation)"],
];

export function formulaFindings(sql: string): string[] {
  return FORMULA_PATTERNS.filter(([re]) => re.test(sql)).map(([, what]) => what);
}

describe("pages and sources never write a metric formula", () => {
  it("the scanner itself catches formulas (so a clean result means something)", () => {
    expect(formulaFindings("select 100.0 * (sum(is_promoter) - sum(is_detractor)) / count(*) from x")).toEqual(
      expect.arrayContaining(["difference of sums (promoters − detractors)", "100 × ratio", "aggregate of a score or category", "ratio over a count"]),
    );
    expect(formulaFindings("select avg(krs_love) from x")).toContain("average of a score");
    expect(formulaFindings("select count(case when recommend_score >= 9 then 1 end) from t")).toContain("case-when on score thresholds");
    expect(formulaFindings("select sqrt(p + d) from t")).toContain("statistics (margin of error, correlation)");
    expect(formulaFindings("select scope_value, nps_reported from promotor.nps_periods where is_current_period")).toEqual([]);
  });

  it("no page query has one", () => {
    const findings: string[] = [];
    for (const file of pageFiles(project)) {
      const page = parsePage(file, readFileSync(join(projectRoot, file), "utf8"));
      for (const q of page.queries) for (const f of formulaFindings(q.sql)) findings.push(`${file} [${q.name}]: ${f}`);
    }
    expect(findings).toEqual([]);
  });

  it("no hand-written source has one; every other source is generated from Cube", () => {
    const findings: string[] = [];
    const handWritten: string[] = [];
    for (const file of sourceFiles(project)) {
      const sql = readFileSync(join(projectRoot, file), "utf8");
      if (sql.startsWith(GENERATED_MARKER)) continue;
      handWritten.push(file);
      for (const f of formulaFindings(sql.replace(/--.*$/gm, ""))) findings.push(`${file}: ${f}`);
    }
    expect(handWritten.sort()).toEqual(["sources/promotor/build_stamp.sql", "sources/promotor/case_list.sql", "sources/promotor/data_quality.sql", "sources/promotor/labels.sql", "sources/promotor/verbatims.sql"]);
    expect(findings).toEqual([]);
  });

  it("the generated sources (compiled output in .promotor/, not in git) are exactly what the Cube model generates now", async () => {
    await ensureGeneratedSources(project, warehouse);
    expect(staleSources(project)).toEqual([]);
    // The repository holds the hand-written sources only.
    for (const source of SOURCE_QUERIES) expect(existsSync(join(project.sourceDir, `${source.name}.sql`)), source.name).toBe(false);
    const layer = await openSemanticLayer(warehouse);
    try {
      const generated = await generateSources(project, warehouse, layer);
      expect(generated.length).toBe(SOURCE_QUERIES.length);
      expect(generated.length).toBeGreaterThanOrEqual(13);
      for (const g of generated) expect(readFileSync(g.file, "utf8"), g.file).toBe(g.sql);
    } finally {
      await layer.close();
    }
  });
});
