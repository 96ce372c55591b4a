/** An export with only the required columns (response id, timestamp, score) goes through the
 * whole pipeline: ingest, dbt build (every test green), every member of the semantic contract,
 * and the static charts. NPS is checked against a count made here from the fixture. */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { parseCsv } from "../helpers/csv.ts";
import { query } from "../helpers/warehouse.ts";

const fixture = join(import.meta.dirname, "..", "fixtures", "minimal-columns.csv");
const scores = parseCsv(fixture).rows.map((r) => Number(r["recommend_score"]));
const promoters = scores.filter((s) => s >= 9).length;
const detractors = scores.filter((s) => s <= 6).length;

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const dir = mkdtempSync(join(tmpdir(), "promotor-minimal-"));
const warehouse = join(dir, "promotor.duckdb");
async function promotor(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new Capture();
  const err = new Capture();
  const code = await main(["--warehouse", warehouse, ...argv], { stdout: out, stderr: err } as never);
  return { code, out: out.text, err: err.text };
}
async function cube(q: object): Promise<Record<string, unknown>[]> {
  const r = await promotor("query", JSON.stringify(q), "--format", "json");
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Record<string, unknown>[];
}

const SHARED = ["answered_at", "survey_type", "touchpoint", "journey_stage", "channel", "language", "segment", "business_unit", "account_manager", "customer_id"];

describe("a warehouse with only response_id, answered_at and recommend_score", () => {
  let build: { code: number; out: string; err: string };
  beforeAll(async () => {
    const ingest = await promotor("ingest", fixture);
    expect(ingest.code, ingest.err).toBe(0);
    build = await promotor("build");
  }, 180_000);

  it("builds green: every dbt test passes, none needs an optional column", () => {
    expect(build.code, build.err + build.out).toBe(0);
    expect(build.out).toMatch(/tests\s+(\d+)\s+\1\s+0\s+0/);
  });

  it("nps: every contract member answers, with the NPS counted here", async () => {
    const measures = ["responses", "promoters", "passives", "detractors", "promoter_share", "passive_share", "detractor_share", "score", "score_margin_of_error", "average_rating"];
    const [row] = await cube({ measures: measures.map((m) => `nps.${m}`) });
    expect(Number(row?.["nps.responses"])).toBe(scores.length);
    expect(Number(row?.["nps.promoters"])).toBe(promoters);
    expect(Number(row?.["nps.detractors"])).toBe(detractors);
    expect(Number(row?.["nps.score"])).toBeCloseTo((100 * (promoters - detractors)) / scores.length, 6);
    const byDims = await cube({ measures: ["nps.responses"], dimensions: [...SHARED.filter((d) => d !== "answered_at"), "category"].map((d) => `nps.${d}`) });
    expect(byDims.reduce((a, r) => a + Number(r["nps.responses"]), 0)).toBe(scores.length);
    const byMonth = await cube({ measures: ["nps.score"], timeDimensions: [{ dimension: "nps.answered_at", granularity: "month" }] });
    expect(byMonth.length).toBeGreaterThan(1);
  });

  it("krs, drivers, csat, ces: members answer with no data instead of failing", async () => {
    const krs = await cube({ measures: ["krs.responses", "krs.satisfaction", "krs.trust", "krs.love", "krs.score"] });
    expect([0, null, undefined]).toContain(krs[0]?.["krs.responses"] === null ? null : Number(krs[0]?.["krs.responses"]));
    expect(krs[0]?.["krs.score"] ?? null).toBeNull();
    const drivers = await cube({ measures: ["drivers.ratings", "drivers.performance", "drivers.importance"], dimensions: ["drivers.driver"] });
    expect(drivers).toEqual([]);
    for (const view of ["csat", "ces"]) {
      const rows = await cube({ measures: [`${view}.responses`], dimensions: SHARED.filter((d) => d !== "answered_at").map((d) => `${view}.${d}`) });
      expect(rows.reduce((a, r) => a + Number(r[`${view}.responses`]), 0)).toBe(0);
    }
  });

  it("the static charts render", async () => {
    const out = join(dir, "charts");
    const r = await promotor("charts", "--out", out);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith(".svg")).length).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it("marts hold the responses and empty optional facts", async () => {
    const [m] = await query(warehouse, "SELECT (SELECT count(*) FROM marts.fct_nps_responses) nps, (SELECT count(*) FROM marts.dim_customers) customers, (SELECT count(*) FROM marts.fct_krs_responses) krs");
    expect(m).toEqual({ nps: scores.length, customers: 0, krs: 0 });
  });
});
