/** What loyalty is worth, on the sample with its customer ledger, end to end with the real dbt
 * build and the semantic layer: every figure of the value views against a second implementation
 * written here from the raw answers and the ledger files (the slowly changing dimension, churn
 * windows, Wilson and Katz intervals, lifetime value, revenue at risk, net revenue retention and
 * earned growth), the minimum sample, row-level security, and the ledger surviving
 * --full-refresh. The committed sample ledger is what the generator makes of the sample. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCustomers } from "../../src/customers/generate.ts";
import { CUSTOMERS } from "../../src/customers/spec.ts";
import { runDbt } from "../../src/dbt/run.ts";
import { ingestDataset } from "../../src/ingest/dataset.ts";
import { openWarehouse } from "../../src/lib/duckdb.ts";
import { projectRoot } from "../../src/lib/paths.ts";
import { checkPages } from "../../src/pages/check.ts";
import { pagesProject } from "../../src/pages/project.ts";
import { writeCurrentStamp } from "../../src/pages/stamp.ts";
import { createSemanticLayer } from "../../src/semantic/index.ts";
import type { SemanticLayer } from "../../src/semantic/types.ts";
import { ingestInto, query, tempDir } from "../helpers/warehouse.ts";

const SAMPLE = ["relationship-survey-2025-2026.csv", "touchpoint-surveys-qualtrics.csv", "app-feedback.parquet"].map((f) => join(projectRoot, "seeds", "sample", f));
const LEDGER_DIR = join(projectRoot, "seeds", "crm");
const WINDOW = 365;
const DISCOUNT = 0.08;
const Z = 1.96;

interface Version { since: string | null; churned: string | null; revenue: number | null; segment: string | null; via: string | null; asOf: string }
interface Answer { id: string; customer: string; day: string; at: string; score: number; bu: string | null; am: string | null; segment: string | null }

const category = (score: number): "promoter" | "passive" | "detractor" => (score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor");
const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The ledger files as versions per customer (the second implementation of int_customer_versions). */
function ledgerVersions(): Map<string, Version[]> {
  const versions = new Map<string, Version[]>();
  for (const name of readdirSync(LEDGER_DIR).sort()) {
    const asOf = /(\d{4}-\d{2}-\d{2})/.exec(name)![1]!;
    const [, ...lines] = readFileSync(join(LEDGER_DIR, name), "utf8").trim().split("\n");
    for (const line of lines) {
      const [id, since, churned, revenue, segment, via] = line.split(",");
      const v: Version = { since: since || null, churned: churned || null, revenue: revenue ? Number(revenue) : null, segment: segment || null, via: via || null, asOf };
      const list = versions.get(id!) ?? [];
      const last = list.at(-1);
      // A version equal to the one before it is no version.
      if (!last || last.since !== v.since || last.churned !== v.churned || last.revenue !== v.revenue || last.segment !== v.segment || last.via !== v.via) list.push(v);
      versions.set(id!, list);
    }
  }
  return versions;
}

/** The version in effect on a day: the latest with as_of <= day, else the first. */
const versionOn = (list: Version[], day: string): Version => [...list].reverse().find((v) => v.asOf <= day) ?? list[0]!;

function wilson(x: number, n: number, side: -1 | 1): number {
  const p = x / n;
  return (100 * (p + (Z * Z) / (2 * n) + side * Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n)))) / (1 + (Z * Z) / n);
}

describe("value on the sample with its customer ledger", () => {
  let path: string;
  let dir: string;
  let layer: SemanticLayer;
  let answers: Answer[];
  const versions = ledgerVersions();
  const ledgerEnd = [...versions.values()].flat().reduce((m, v) => (v.asOf > m ? v.asOf : m), "");

  beforeAll(async () => {
    dir = tempDir("promotor-value-");
    path = join(dir, "promotor.duckdb");
    await ingestInto(path, SAMPLE);
    const wh = await openWarehouse(path);
    try {
      for (const f of readdirSync(LEDGER_DIR).sort()) {
        const r = await ingestDataset(wh.connection, CUSTOMERS, join(LEDGER_DIR, f));
        expect(r.quarantined, f).toBe(0);
      }
    } finally {
      wh.close();
    }
    const built = await runDbt(["build"], { warehouse: path });
    expect(built.exitCode, built.output.slice(-3000)).toBe(0);
    answers = (
      await query(path, `SELECT response_id, customer_id, strftime(answered_at, '%Y-%m-%d') AS day, strftime(answered_at, '%Y-%m-%d %H:%M:%S') AS at, recommend_score, business_unit, account_manager, segment
        FROM raw.responses WHERE survey_type = 'relationship' AND customer_id IS NOT NULL`)
    ).map((r) => ({ id: String(r["response_id"]), customer: String(r["customer_id"]), day: String(r["day"]), at: String(r["at"]), score: Number(r["recommend_score"]), bu: r["business_unit"] as string | null, am: r["account_manager"] as string | null, segment: r["segment"] as string | null }));
    layer = await createSemanticLayer({ warehouse: path });
  }, 300_000);
  afterAll(async () => {
    await layer?.close();
  });

  it("the committed sample ledger is what the generator makes of the sample", async () => {
    const out = join(dir, "generated");
    const wh = await openWarehouse(path, { readOnly: true });
    try {
      const ledger = await generateCustomers(wh.connection, out, { seed: 42 });
      for (const f of ledger.files) expect(readFileSync(f, "utf8"), f).toBe(readFileSync(join(LEDGER_DIR, f.split("/").at(-1)!), "utf8"));
    } finally {
      wh.close();
    }
  });

  /** The churn observations of the second implementation, per answer. */
  function observations(filter: (a: Answer) => boolean = () => true) {
    const out: { a: Answer; cat: ReturnType<typeof category>; churned: boolean; revenue: number | null }[] = [];
    for (const a of answers.filter(filter)) {
      const list = versions.get(a.customer);
      if (!list) continue;
      const v = versionOn(list, a.day);
      const churnedAt = list.at(-1)!.churned;
      const wasCustomer = (v.since === null || v.since <= a.day) && (churnedAt === null || churnedAt > a.day);
      const end = addDays(a.day, WINDOW);
      if (!wasCustomer || end > ledgerEnd) continue;
      out.push({ a, cat: category(a.score), churned: churnedAt !== null && churnedAt > a.day && churnedAt <= end, revenue: v.revenue });
    }
    return out;
  }

  it("churn by category, its Wilson intervals, the Katz ratio and lifetime value equal the second implementation", async () => {
    const obs = observations();
    const n = (c: string) => obs.filter((o) => o.cat === c).length;
    const x = (c: string) => obs.filter((o) => o.cat === c && o.churned).length;
    const measures = ["value.observed_answers", "value.churned_answers", "value.churn_ratio", "value.churn_ratio_low", "value.churn_ratio_high"];
    for (const c of ["promoter", "passive", "detractor"]) measures.push(`value.${c}_observed`, `value.${c}_churned`, `value.churn_rate_${c}`, `value.churn_rate_${c}_low`, `value.churn_rate_${c}_high`, `value.average_revenue_${c}`, `value.lifetime_value_${c}`);
    const row = (await layer.load({ measures })).data[0]!;
    expect(Number(row["value.observed_answers"])).toBe(obs.length);
    expect(Number(row["value.churned_answers"])).toBe(obs.filter((o) => o.churned).length);
    for (const c of ["promoter", "passive", "detractor"]) {
      expect(Number(row[`value.${c}_observed`]), c).toBe(n(c));
      expect(Number(row[`value.${c}_churned`]), c).toBe(x(c));
      expect(Number(row[`value.churn_rate_${c}`])).toBeCloseTo((100 * x(c)) / n(c), 9);
      expect(Number(row[`value.churn_rate_${c}_low`])).toBeCloseTo(wilson(x(c), n(c), -1), 9);
      expect(Number(row[`value.churn_rate_${c}_high`])).toBeCloseTo(wilson(x(c), n(c), 1), 9);
      const withRevenue = obs.filter((o) => o.cat === c && o.revenue !== null);
      const avg = withRevenue.reduce((s, o) => s + o.revenue!, 0) / withRevenue.length;
      expect(Number(row[`value.average_revenue_${c}`])).toBeCloseTo(avg, 6);
      const annualChurn = 1 - (1 - x(c) / n(c)) ** (365 / WINDOW);
      expect(Number(row[`value.lifetime_value_${c}`]) / ((avg * (1 + DISCOUNT)) / (DISCOUNT + annualChurn))).toBeCloseTo(1, 9);
    }
    const rr = x("detractor") / n("detractor") / (x("promoter") / n("promoter"));
    const se = Math.sqrt(1 / x("detractor") - 1 / n("detractor") + 1 / x("promoter") - 1 / n("promoter"));
    expect(Number(row["value.churn_ratio"])).toBeCloseTo(rr, 9);
    expect(Number(row["value.churn_ratio_low"])).toBeCloseTo(Math.exp(Math.log(rr) - Z * se), 9);
    expect(Number(row["value.churn_ratio_high"])).toBeCloseTo(Math.exp(Math.log(rr) + Z * se), 9);
    // The generated effect shows: detractors leave more often than promoters, beyond chance.
    expect(Number(row["value.churn_ratio_low"])).toBeGreaterThan(1);
    // Answers after the ledger's end − window are not counted: there are some, so censoring happened.
    expect(answers.filter((a) => addDays(a.day, WINDOW) > ledgerEnd).length).toBeGreaterThan(1000);
  });

  it("revenue at risk, net revenue retention and earned growth equal the second implementation", async () => {
    const yearStart = addDays(ledgerEnd, -365);
    const latest = new Map<string, Answer>();
    for (const a of answers) {
      const l = latest.get(a.customer);
      if (!l || a.at > l.at || (a.at === l.at && a.id > l.id)) latest.set(a.customer, a);
    }
    let atRisk = 0, active = 0, start = 0, retained = 0, earned = 0, cohort = 0;
    for (const [id, list] of versions) {
      const now = list.at(-1)!;
      const isActive = now.churned === null || now.churned > ledgerEnd;
      if (isActive) active += now.revenue ?? 0;
      const l = latest.get(id);
      if (isActive && l && category(l.score) === "detractor") atRisk += now.revenue ?? 0;
      if ((now.since === null || now.since <= yearStart) && (now.churned === null || now.churned > yearStart)) {
        cohort++;
        start += versionOn(list, yearStart).revenue ?? 0;
        retained += now.churned !== null && now.churned <= ledgerEnd ? 0 : (now.revenue ?? 0);
      }
      if (now.since !== null && now.since > yearStart && now.since <= ledgerEnd && isActive && (now.via ?? "").includes("referral")) earned += now.revenue ?? 0;
    }
    const row = (await layer.load({ measures: ["value_revenue.revenue_at_risk", "value_revenue.active_revenue", "value_revenue.revenue_at_risk_share", "value_revenue.start_customers", "value_revenue.net_revenue_retention", "value_revenue.earned_new_customers", "value_revenue.earned_growth_rate"] })).data[0]!;
    expect(Number(row["value_revenue.revenue_at_risk"])).toBeCloseTo(atRisk, 2);
    expect(Number(row["value_revenue.active_revenue"])).toBeCloseTo(active, 2);
    expect(Number(row["value_revenue.revenue_at_risk_share"])).toBeCloseTo((100 * atRisk) / active, 9);
    expect(Number(row["value_revenue.start_customers"])).toBe(cohort);
    expect(Number(row["value_revenue.net_revenue_retention"])).toBeCloseTo((100 * retained) / start, 9);
    expect(Number(row["value_revenue.earned_new_customers"])).toBeCloseTo((100 * earned) / start, 9);
    expect(Number(row["value_revenue.earned_growth_rate"])).toBeCloseTo((100 * (retained + earned)) / start, 9);
    expect(earned).toBeGreaterThan(0);
    // The trend's latest export gives the same revenue at risk (found in the board pack: the
    // trend took either of two answers a customer gave on one day).
    const trend = (await layer.load({ measures: ["value_trend.revenue_at_risk", "value_trend.annual_revenue"], timeDimensions: [{ dimension: "value_trend.as_of", granularity: "day" }], order: { "value_trend.as_of": "desc" }, limit: 1 })).data[0]!;
    expect(Number(trend["value_trend.revenue_at_risk"])).toBeCloseTo(atRisk, 2);
    expect(Number(trend["value_trend.annual_revenue"])).toBeCloseTo(active, 2);
  });

  it("the versions are the ledger files' changes, numbered per customer, the last one current", async () => {
    const rows = await query(path, "SELECT customer_id, version, is_current, strftime(as_of, '%Y-%m-%d') AS as_of, strftime(valid_from, '%Y-%m-%d') AS valid_from, strftime(valid_to, '%Y-%m-%d') AS valid_to FROM intermediate.int_customer_versions ORDER BY customer_id, version");
    expect(rows).toHaveLength([...versions.values()].reduce((n, list) => n + list.length, 0));
    for (const r of rows) {
      const list = versions.get(String(r["customer_id"]))!;
      const i = Number(r["version"]) - 1;
      expect(r["as_of"], `${r["customer_id"]} version ${i + 1}`).toBe(list[i]!.asOf);
      expect(r["valid_from"]).toBe(i === 0 ? "1900-01-01" : list[i]!.asOf);
      expect(r["valid_to"] ?? null).toBe(list[i + 1]?.asOf ?? null);
      expect(r["is_current"]).toBe(i === list.length - 1);
    }
  });

  it("each answer meets the customer as they were (the version in effect on its day)", async () => {
    const rows = await query(path, `SELECT customer_id, segment, customer_version, strftime(answered_on, '%Y-%m-%d') AS day FROM marts.fct_customer_answers ORDER BY customer_id, answered_on`);
    let checked = 0;
    for (const r of rows) {
      const list = versions.get(String(r["customer_id"]))!;
      const v = versionOn(list, String(r["day"]));
      expect(r["segment"] ?? null, `${r["customer_id"]} ${r["day"]}`).toBe(v.segment);
      expect(Number(r["customer_version"])).toBe(list.indexOf(v) + 1);
      checked++;
    }
    expect(checked).toBeGreaterThan(3000);
    expect(rows.some((r) => Number(r["customer_version"]) > 1)).toBe(true);
    // One row per relationship answer of a ledger customer (the view has no test of its own).
    const answers = await query(path, "SELECT response_id, customer_id FROM raw.responses WHERE survey_type = 'relationship'");
    const linked = answers.filter((r) => versions.has(String(r["customer_id"])));
    expect(rows).toHaveLength(linked.length);
    const ids = await query(path, "SELECT count(DISTINCT response_id) AS n FROM marts.fct_customer_answers");
    expect(Number(ids[0]?.["n"])).toBe(linked.length);
  });

  it("a group below the minimum sample shows no figure; at or above it, the figure", async () => {
    const { data } = await layer.load({ measures: ["value.detractor_observed", "value.churn_rate_detractor", "value.churn_rate_detractor_reported", "value.churn_ratio_reported", "value.promoter_observed"], dimensions: ["value.account_manager"] });
    let small = 0, large = 0;
    for (const r of data) {
      const n = Number(r["value.detractor_observed"]);
      if (n < 30) {
        small++;
        expect(r["value.churn_rate_detractor_reported"], String(r["value.account_manager"])).toBeNull();
      } else {
        large++;
        expect(Number(r["value.churn_rate_detractor_reported"])).toBeCloseTo(Number(r["value.churn_rate_detractor"]), 9);
      }
      if (Math.min(n, Number(r["value.promoter_observed"])) < 30) expect(r["value.churn_ratio_reported"]).toBeNull();
    }
    expect(small).toBeGreaterThan(0);
    const total = (await layer.load({ measures: ["value.churn_rate_detractor_reported"] })).data[0]!;
    expect(total["value.churn_rate_detractor_reported"]).not.toBeNull();
    expect(large + small).toBe(data.length);
  });

  it("row-level security: a business unit sees its own answers and customers only; an unknown account manager sees nothing", async () => {
    const bu = answers.find((a) => a.bu)!.bu!;
    const own = observations((a) => a.bu === bu).length;
    const seen = (await layer.load({ measures: ["value.observed_answers"] }, { role: "business_unit", business_unit: bu })).data[0]!;
    expect(Number(seen["value.observed_answers"])).toBe(own);
    expect(own).toBeLessThan(observations().length);
    const none = (await layer.load({ measures: ["value_revenue.customer_count"] }, { role: "account_manager", account_manager: "nobody-at-all" })).data[0] ?? {};
    expect(Number(none["value_revenue.customer_count"] ?? 0)).toBe(0);
    const noAnswers = (await layer.load({ measures: ["value.observed_answers"] }, { role: "account_manager", account_manager: "nobody-at-all" })).data[0] ?? {};
    expect(Number(noAnswers["value.observed_answers"] ?? 0)).toBe(0);
    const buCustomers = (await layer.load({ measures: ["value_revenue.customer_count"] }, { role: "business_unit", business_unit: bu })).data[0]!;
    const all = (await layer.load({ measures: ["value_revenue.customer_count"] })).data[0]!;
    expect(Number(buCustomers["value_revenue.customer_count"])).toBeGreaterThan(0);
    expect(Number(buCustomers["value_revenue.customer_count"])).toBeLessThan(Number(all["value_revenue.customer_count"]));
    const trend = (await layer.load({ measures: ["value_trend.customer_count"] }, { role: "account_manager", account_manager: "nobody-at-all" })).data[0] ?? {};
    expect(Number(trend["value_trend.customer_count"] ?? 0)).toBe(0);
  });

  it("every page's queries run on it, and the value sources hold the figures (pages check)", async () => {
    const project = { ...pagesProject(projectRoot), stateDir: join(dir, ".promotor") };
    await writeCurrentStamp(project, path);
    const result = await checkPages(project, path);
    expect(result.problems).toEqual([]);
    const rows = Object.fromEntries(result.sources.map((s) => [s.name, s.rows]));
    // total, four segments, four business units; four exports
    expect([rows["value_churn"], rows["value_revenue"], rows["value_trend"]]).toEqual([9, 9, 4]);
  }, 120_000);

  it("the ledger is raw data: --full-refresh rebuilds the marts from it and loses nothing", async () => {
    const before = await query(path, "SELECT count(*) AS n FROM raw.customers");
    const rebuilt = await runDbt(["build", "--full-refresh", "--select", "tag:customer_value"], { warehouse: path });
    expect(rebuilt.exitCode, rebuilt.output.slice(-2000)).toBe(0);
    expect(await query(path, "SELECT count(*) AS n FROM raw.customers")).toEqual(before);
    expect((await query(path, "SELECT count(*) AS n, count(DISTINCT customer_id) AS d FROM marts.dim_customer_ledger"))[0]).toEqual({ n: versions.size, d: versions.size });
  }, 120_000);
});
