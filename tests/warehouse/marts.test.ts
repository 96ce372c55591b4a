import { join } from "node:path";
import { Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCommand } from "../../src/cli/commands/build.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { openWarehouse } from "../../src/lib/duckdb.ts";
import { DuckDBInstance } from "@duckdb/node-api";
import { buildFixtureWarehouse, query, type FixtureWarehouse } from "../helpers/warehouse.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures");

// Hand counts for tests/fixtures/hand-counted.csv (10 responses):
//   scores 10 9 8 7 3 | 10 2 7 0 9  -> promoters 4 (10,9,10,9), passives 3 (8,7,7), detractors 3 (3,2,0)
//   relationship: 10 9 8 7 3 -> P2 Pa2 D1 -> NPS 100*(2-1)/5 = 20
//   touchpoint: claim 10,2 -> 0 ; complaint 7,0 -> -50 ; app 9 -> 100
//   KRS items (relationship rows): satisfaction 9 9 8 6 4 = 7.2, trust 9 8 7 6 3 = 6.6, love 9 6 5 4 2 = 5.2
//   CSAT 5 1 3 2 4 -> 4–5: 2 of 5 = 40 % ; CES 7 2 4 1 6 -> mean 4.0, 5–7: 2 of 5 = 40 %
let w: FixtureWarehouse;
beforeAll(async () => {
  w = await buildFixtureWarehouse([join(fixtures, "hand-counted.csv"), join(fixtures, "excel-nl-bad-rows.csv"), join(fixtures, "qualtrics-export.csv")]);
});
const handCounted = "response_id LIKE 'H%' OR response_id LIKE 'T%'";

describe("marts on hand-countable data", () => {
  it("fct_nps_responses: categories and NPS per survey type and touchpoint", async () => {
    const overall = await query(w.path, `SELECT count(*) n, sum(is_promoter) p, sum(is_passive) pa, sum(is_detractor) d FROM marts.fct_nps_responses WHERE ${handCounted}`);
    expect(overall[0]).toEqual({ n: 10, p: 4, pa: 3, d: 3 });
    const bySurvey = await query(w.path, `SELECT survey_type, 100.0 * (sum(is_promoter) - sum(is_detractor)) / count(*) AS nps FROM marts.fct_nps_responses WHERE ${handCounted} GROUP BY 1 ORDER BY 1`);
    expect(bySurvey).toEqual([{ survey_type: "relationship", nps: 20 }, { survey_type: "touchpoint", nps: 0 }]);
    const categories = await query(w.path, `SELECT recommend_score, nps_category FROM marts.fct_nps_responses WHERE ${handCounted} GROUP BY ALL ORDER BY 1`);
    expect(categories.map((r) => `${r["recommend_score"]}:${r["nps_category"]}`)).toEqual([
      "0:detractor", "2:detractor", "3:detractor", "7:passive", "8:passive", "9:promoter", "10:promoter",
    ]);
  });

  it("fct_touchpoint_responses: tNPS in journey order", async () => {
    const rows = await query(w.path, `SELECT touchpoint, journey_order, count(*) n, 100.0 * (sum(is_promoter) - sum(is_detractor)) / count(*) AS tnps
      FROM marts.fct_touchpoint_responses WHERE response_id LIKE 'T%' GROUP BY ALL ORDER BY journey_order`);
    expect(rows).toEqual([
      { touchpoint: "app", journey_order: 3, n: 1, tnps: 100 },
      { touchpoint: "claim", journey_order: 5, n: 2, tnps: 0 },
      { touchpoint: "complaint", journey_order: 6, n: 2, tnps: -50 },
    ]);
  });

  it("fct_driver_ratings: one row per response and answered driver", async () => {
    const [count] = await query(w.path, `SELECT count(*) n, count(DISTINCT response_id) responses FROM marts.fct_driver_ratings WHERE response_id LIKE 'H%'`);
    expect(count).toEqual({ n: 20, responses: 5 });
    const process = await query(w.path, `SELECT avg(rating) perf FROM marts.fct_driver_ratings WHERE response_id LIKE 'H%' AND driver = 'process'`);
    expect(process[0]?.["perf"]).toBeCloseTo((9 + 8 + 7 + 5 + 3) / 5, 10);
  });

  it("fct_krs_responses: component means, KRS and relationship profiles", async () => {
    const [m] = await query(w.path, `SELECT avg(krs_satisfaction) s, avg(krs_trust) t, avg(krs_love) l, avg(krs_score) krs FROM marts.fct_krs_responses WHERE response_id LIKE 'H%'`);
    expect(m?.["s"]).toBeCloseTo(7.2, 10);
    expect(m?.["t"]).toBeCloseTo(6.6, 10);
    expect(m?.["l"]).toBeCloseTo(5.2, 10);
    expect(m?.["krs"]).toBeCloseTo((7.2 + 6.6 + 5.2) / 3, 10);
    const profiles = await query(w.path, `SELECT response_id, relationship_profile FROM marts.fct_krs_responses WHERE response_id LIKE 'H%' ORDER BY 1`);
    expect(profiles.map((p) => p["relationship_profile"])).toEqual(["all_strong", "satisfied_trusting_no_love", "satisfied_only", "none_strong", "none_strong"]);
  });

  it("fct_csat_ces: CSAT share 4–5 and CES mean and share 5–7", async () => {
    const [m] = await query(w.path, `SELECT 100.0 * avg(is_csat_satisfied) csat, avg(ces) ces_mean, 100.0 * avg(is_ces_easy) ces_easy FROM marts.fct_csat_ces WHERE response_id LIKE 'T%'`);
    expect(m).toEqual({ csat: 40, ces_mean: 4, ces_easy: 40 });
  });

  it("dims: touchpoints from the reference seed, customers with their latest account manager", async () => {
    const [t] = await query(w.path, "SELECT count(*) n FROM marts.dim_touchpoints");
    expect(t?.["n"]).toBe(6);
    const [c01] = await query(w.path, "SELECT account_manager, responses FROM marts.dim_customers WHERE customer_id = 'C01'");
    expect(c01).toEqual({ account_manager: "Anna de Vries", responses: 2 });
  });

  it("reconciles: every raw row is loaded, quarantined or a duplicate, per file", async () => {
    const rows = await query(w.path, "SELECT source_file, rows_read, responses_in_warehouse, rows_in_quarantine, rows_duplicate FROM marts.fct_ingestion_quality ORDER BY ingestion_id");
    expect(rows.map((r) => [r["rows_read"], r["responses_in_warehouse"], r["rows_in_quarantine"], r["rows_duplicate"]])).toEqual([
      [10, 10, 0, 0],
      [12, 3, 8, 1],
      [4, 3, 1, 0],
    ]);
    const [n] = await query(w.path, "SELECT count(*) n FROM marts.fct_nps_responses");
    expect(n?.["n"]).toBe(16);
  });

  it("fct_verbatims: themes from the lexicon", async () => {
    const rows = await query(w.path, "SELECT response_id, theme FROM marts.fct_verbatims WHERE response_id IN ('H01', 'H04', 'T04', 'T05') ORDER BY 1");
    // H01 'Snelle service en duidelijke uitleg' -> keywords service (service) and uitleg
    // (communication): the alphabetically first theme wins, communication;
    // H04 'Too expensive' -> price; T04 'Niemand belt terug' -> other; T05 'Great app' -> digital.
    expect(rows.map((r) => r["theme"])).toEqual(["communication", "price", "other", "digital"]);
  });
});

describe("marts as views", () => {
  it("work when the file is attached under another name (Cube, pages check and serve snapshots do that)", async () => {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    try {
      await c.run(`ATTACH '${w.path}' AS some_other_name (READ_ONLY)`);
      const views = (await c.runAndReadAll("SELECT view_name FROM duckdb_views() WHERE database_name = 'some_other_name' AND schema_name = 'marts' ORDER BY 1")).getRows().map((r) => r[0]);
      expect(views).toEqual(["dim_customer_ledger", "fct_case_recovery", "fct_cases", "fct_csat_ces", "fct_customer_answers", "fct_driver_ratings", "fct_krs_responses", "fct_nps_responses", "fct_revenue_at_risk", "fct_touchpoint_responses", "fct_verbatims"]);
      // This warehouse has no customer ledger: the value views bind and read, with no rows
      // (tests/customers/value.test.ts reads them with one).
      const VALUE = new Set(["dim_customer_ledger", "fct_customer_answers", "fct_revenue_at_risk"]);
      for (const view of views) {
        const rows = await c.runAndReadAll(`SELECT count(*) FROM some_other_name.marts.${String(view)}`);
        if (VALUE.has(String(view))) expect(Number(rows.getRows()[0]?.[0])).toBe(0);
        else expect(Number(rows.getRows()[0]?.[0])).toBeGreaterThan(0);
      }
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});

describe("fact views without a rollup (docs/benchmarks.md, round 3)", () => {
  /** DuckDB's plan as one string without the box drawing, so a wrapped line still matches. */
  async function plan(sql: string): Promise<string> {
    const rows = await query(w.path, `EXPLAIN ${sql}`);
    return rows.map((r) => String(r["explain_value"])).join("").replace(/[\s│┌┐└┘─┴┬├┤]/g, "");
  }

  it("fct_krs_responses and fct_csat_ces filter the raw SMALLINT columns, not staging's casts of them", async () => {
    const krs = await plan("SELECT count(*) FROM marts.fct_krs_responses");
    expect(krs).toContain("krs_satisfactionISNOTNULL");
    expect(krs).not.toMatch(/CAST\(krs_(satisfaction|trust|love)ASINTEGER\)ISNOTNULL/);
    const csatCes = await plan("SELECT count(*) FROM marts.fct_csat_ces");
    expect(csatCes).toContain("cesISNOTNULL");
    expect(csatCes).not.toMatch(/CAST\((csat|ces)ASINTEGER\)ISNOTNULL/);
  });

  it("fct_driver_ratings reads the responses once (a scan per driver made the per-response pivot of driver_responses 1.9 x slower)", async () => {
    const drivers = await plan("SELECT count(*) FROM marts.fct_driver_ratings");
    expect(drivers.match(/raw\.responses/g)).toHaveLength(1);
  });

  it("fct_driver_ratings holds the rows, columns and types of the unpivot it replaces", async () => {
    const unpivot = `SELECT r.* EXCLUDE (driver_label_nl, driver_label_en, driver_order), d.driver_label_nl, d.driver_label_en, d.driver_order
      FROM (UNPIVOT (SELECT response_id, customer_id, answered_at, answered_date, survey_type, touchpoint, journey_stage, journey_order, channel, language, segment, business_unit, account_manager, ingestion_id,
                     driver_process, driver_product_price, driver_reputation_image, driver_emotional_engagement, recommend_score, NULL AS driver_label_nl, NULL AS driver_label_en, NULL AS driver_order
                     FROM intermediate.int_responses_enriched)
            ON driver_process AS 'process', driver_product_price AS 'product_price', driver_reputation_image AS 'reputation_image', driver_emotional_engagement AS 'emotional_engagement'
            INTO NAME driver VALUE rating) AS r
      JOIN marts.dim_drivers AS d USING (driver)`;
    const columns = "response_id, customer_id, answered_at, answered_date, survey_type, touchpoint, journey_stage, journey_order, channel, language, segment, business_unit, account_manager, ingestion_id, driver, driver_label_nl, driver_label_en, driver_order, rating, recommend_score";
    const [d] = await query(w.path, `SELECT
      (SELECT count(*) FROM (SELECT ${columns} FROM marts.fct_driver_ratings EXCEPT ALL SELECT ${columns} FROM (${unpivot}))) AS extra,
      (SELECT count(*) FROM (SELECT ${columns} FROM (${unpivot}) EXCEPT ALL SELECT ${columns} FROM marts.fct_driver_ratings)) AS missing,
      (SELECT count(*) FROM intermediate.int_responses_enriched WHERE driver_process IS NULL) AS unrated,
      (SELECT count(*) FROM marts.fct_driver_ratings) AS n`);
    expect(d?.["extra"]).toBe(0);
    expect(d?.["missing"]).toBe(0);
    expect(d?.["unrated"]).toBeGreaterThan(0); // responses without a rating are left out, as the unpivot did
    expect(d?.["n"]).toBeGreaterThan(0);
    const types = await query(w.path, "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = 'fct_driver_ratings' AND column_name IN ('driver', 'driver_order', 'rating', 'recommend_score', 'driver_label_nl') ORDER BY column_index");
    expect(types.map((t) => `${t["column_name"]}:${t["data_type"]}`)).toEqual(["driver:VARCHAR", "driver_label_nl:VARCHAR", "driver_order:INTEGER", "rating:INTEGER", "recommend_score:INTEGER"]);
  });

  it("hold the same rows as the staged responses filtered after the cast", async () => {
    const krsColumns = "response_id, customer_id, answered_at, answered_date, survey_type, touchpoint, journey_stage, journey_order, channel, language, segment, business_unit, account_manager, ingestion_id, krs_satisfaction, krs_trust, krs_love, recommend_score";
    const [krs] = await query(w.path, `SELECT
      (SELECT count(*) FROM (SELECT ${krsColumns} FROM marts.fct_krs_responses EXCEPT ALL SELECT ${krsColumns} FROM intermediate.int_responses_enriched WHERE krs_satisfaction IS NOT NULL AND krs_trust IS NOT NULL AND krs_love IS NOT NULL)) AS extra,
      (SELECT count(*) FROM (SELECT ${krsColumns} FROM intermediate.int_responses_enriched WHERE krs_satisfaction IS NOT NULL AND krs_trust IS NOT NULL AND krs_love IS NOT NULL EXCEPT ALL SELECT ${krsColumns} FROM marts.fct_krs_responses)) AS missing,
      (SELECT count(*) FROM marts.fct_krs_responses) AS n`);
    expect(krs).toEqual({ extra: 0, missing: 0, n: expect.any(Number) });
    expect(krs?.["n"]).toBeGreaterThan(0);
    const ccColumns = "response_id, customer_id, answered_at, answered_date, survey_type, touchpoint, journey_stage, journey_order, channel, language, segment, business_unit, account_manager, ingestion_id, csat, ces, recommend_score";
    const expected = `SELECT ${ccColumns}, CASE WHEN csat IS NOT NULL THEN CAST(csat >= 4 AS INTEGER) END AS is_csat_satisfied, CASE WHEN ces IS NOT NULL THEN CAST(ces >= 5 AS INTEGER) END AS is_ces_easy
      FROM intermediate.int_responses_enriched WHERE csat IS NOT NULL OR ces IS NOT NULL`;
    const actual = `SELECT ${ccColumns}, is_csat_satisfied, is_ces_easy FROM marts.fct_csat_ces`;
    const [cc] = await query(w.path, `SELECT
      (SELECT count(*) FROM (${actual} EXCEPT ALL ${expected})) AS extra,
      (SELECT count(*) FROM (${expected} EXCEPT ALL ${actual})) AS missing,
      (SELECT count(*) FROM marts.fct_csat_ces WHERE (csat IS NULL) <> (ces IS NULL)) AS one_answer`);
    expect(cc?.["extra"]).toBe(0);
    expect(cc?.["missing"]).toBe(0);
    expect(cc?.["one_answer"]).toBeGreaterThan(0); // a NULL flag next to an answer is checked too
  });
});

describe("promotor build", () => {
  it("fails with dbt's message when a dbt test fails", async () => {
    // Bypass ingest to plant a row that only the dbt tests can catch.
    const db = await openWarehouse(w.path);
    await db.connection.run("INSERT INTO raw.responses SELECT * REPLACE (12 AS recommend_score, 'X99' AS response_id) FROM raw.responses LIMIT 1");
    db.close();
    const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
    const error = await buildCommand.run([], { warehouse: w.path, root: process.cwd(), stdout: sink(), stderr: sink() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromotorError);
    expect((error as PromotorError).message).toMatch(/dbt build failed:[\s\S]*accepted_range[\s\S]*recommend_score/);
  });
});
