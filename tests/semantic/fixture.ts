/** Small DuckDB warehouses with the marts tables (docs/warehouse.md) built directly from
 * hand-countable response rows, so semantic tests do not depend on ingest/dbt. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openWarehouse } from "../../src/lib/duckdb.ts";

export interface FixtureResponse {
  id: string;
  customer: string;
  at: string;
  survey: "relationship" | "touchpoint";
  touchpoint: string | null;
  channel: string;
  language: "nl" | "en";
  segment: string;
  bu: string;
  am: string;
  rec: number;
  /** process, product_price, reputation_image, emotional_engagement */
  drivers: [number | null, number | null, number | null, number | null];
  krs: [number, number, number] | null;
  csat: number | null;
  ces: number | null;
}

export const DRIVERS = ["process", "product_price", "reputation_image", "emotional_engagement"] as const;
export const TOUCHPOINTS = [
  { touchpoint: "onboarding", nl: "Welkom", en: "Onboarding", stage: "start", order: 1 },
  { touchpoint: "claim", nl: "Schademelding", en: "Claim", stage: "service", order: 2 },
] as const;

const N: [null, null, null, null] = [null, null, null, null];
const r = (
  id: string, customer: string, at: string, survey: FixtureResponse["survey"], touchpoint: string | null, channel: string,
  language: "nl" | "en", segment: string, bu: string, am: string, rec: number, drivers: FixtureResponse["drivers"],
  krs: FixtureResponse["krs"], csat: number | null, ces: number | null,
): FixtureResponse => ({ id, customer, at, survey, touchpoint, channel, language, segment, bu, am, rec, drivers, krs, csat, ces });

/** Twelve responses, four customers, two business units, three account managers, Jan–Mar 2024. */
export const SMALL: FixtureResponse[] = [
  r("r01", "c1", "2024-01-05 10:00:00", "relationship", null, "email", "nl", "retail", "north", "anna", 10, [9, 8, 9, 10], [9, 8, 9], 5, 7),
  r("r02", "c2", "2024-01-10 11:00:00", "relationship", null, "web", "nl", "business", "north", "anna", 9, [8, 7, 8, 9], [8, 8, 7], 4, 6),
  r("r03", "c3", "2024-01-15 12:00:00", "relationship", null, "email", "en", "retail", "south", "bob", 6, [5, 4, 6, 5], [6, 5, 4], 2, 3),
  r("r04", "c4", "2024-01-20 13:00:00", "touchpoint", "onboarding", "web", "nl", "business", "south", "carl", 8, [7, 7, 7, 8], null, 4, 5),
  r("r05", "c1", "2024-01-25 14:00:00", "touchpoint", "claim", "phone", "nl", "retail", "north", "anna", 3, [2, 3, 4, 2], [3, 4, 2], 1, 2),
  r("r06", "c3", "2024-02-02 09:00:00", "touchpoint", "onboarding", "email", "en", "retail", "south", "bob", 10, N, [10, 9, 10], 5, null),
  r("r07", "c2", "2024-02-08 10:30:00", "touchpoint", "claim", "web", "nl", "business", "north", "anna", 7, [6, 7, 7, 6], [7, 7, 8], 3, 4),
  r("r08", "c4", "2024-02-14 16:00:00", "relationship", null, "phone", "en", "business", "south", "carl", 0, [1, 0, 2, 0], [2, 1, 0], null, 1),
  r("r09", "c1", "2024-02-20 08:15:00", "touchpoint", "onboarding", "web", "nl", "retail", "north", "anna", 9, [9, 9, 8, 9], [9, 9, 9], 5, 7),
  r("r10", "c3", "2024-02-27 17:45:00", "touchpoint", "claim", "email", "en", "retail", "south", "bob", 5, [4, 5, 5, 3], null, 2, 2),
  r("r11", "c2", "2024-03-03 12:00:00", "relationship", null, "web", "nl", "business", "north", "anna", 10, [10, 9, 9, 10], [10, 10, 9], 5, 6),
  r("r12", "c4", "2024-03-09 15:30:00", "touchpoint", "claim", "phone", "nl", "business", "south", "carl", 4, [3, 4, 3, 5], [5, 4, 6], 2, 3),
];

/** Deterministic pseudo-random responses (mulberry32) for "generated data" tests. */
export function generatedResponses(count: number, seed = 7): FixtureResponse[] {
  let a = seed >>> 0;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: FixtureResponse[] = [];
  for (let i = 0; i < count; i++) {
    const c = int(1, 40);
    const bu = c % 2 === 0 ? "north" : "south";
    const am = ["anna", "bob", "carl", "dirk"][c % 4]!;
    const touch = rand() < 0.6;
    const rec = Math.min(10, Math.max(0, Math.round(7 + (rand() - 0.4) * 8)));
    const driver = (): number | null => (rand() < 0.1 ? null : Math.min(10, Math.max(0, rec + int(-3, 2))));
    const day = new Date(Date.UTC(2023, 0, 1) + int(0, 540) * 86_400_000 + int(0, 86_399) * 1000);
    out.push({
      id: `g${String(i).padStart(6, "0")}`,
      customer: `c${c}`,
      at: day.toISOString().replace("T", " ").slice(0, 19),
      survey: touch ? "touchpoint" : "relationship",
      touchpoint: touch ? pick(["onboarding", "claim"]) : null,
      channel: pick(["email", "web", "phone"]),
      language: rand() < 0.8 ? "nl" : "en",
      segment: c % 3 === 0 ? "business" : "retail",
      bu,
      am,
      rec,
      drivers: [driver(), driver(), driver(), driver()],
      krs: rand() < 0.3 ? null : [int(0, 10), int(0, 10), int(0, 10)],
      csat: rand() < 0.2 ? null : int(1, 5),
      ces: rand() < 0.3 ? null : int(1, 7),
    });
  }
  return out;
}

const lit = (v: string | number | null): string => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${v.replaceAll("'", "''")}'`);

/** Writes a warehouse file with the marts tables for these responses; returns its path and a cleanup. */
export async function buildFixtureWarehouse(responses: FixtureResponse[], name = "fixture"): Promise<{ path: string; dir: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), `promotor-semantic-${name}-`));
  const path = join(dir, "warehouse.duckdb");
  const wh = await openWarehouse(path);
  const run = (sql: string) => wh.connection.run(sql);
  try {
    await run(`CREATE SCHEMA marts; CREATE SCHEMA fixture;`);
    await run(`CREATE TABLE fixture.responses (
      response_id VARCHAR, customer_id VARCHAR, answered_at TIMESTAMP, survey_type VARCHAR, touchpoint VARCHAR,
      channel VARCHAR, language VARCHAR, segment VARCHAR, business_unit VARCHAR, account_manager VARCHAR,
      recommend_score SMALLINT, driver_process SMALLINT, driver_product_price SMALLINT, driver_reputation_image SMALLINT,
      driver_emotional_engagement SMALLINT, krs_satisfaction SMALLINT, krs_trust SMALLINT, krs_love SMALLINT, csat SMALLINT, ces SMALLINT)`);
    for (let i = 0; i < responses.length; i += 500) {
      const values = responses.slice(i, i + 500).map((x) =>
        `(${[x.id, x.customer, x.at, x.survey, x.touchpoint, x.channel, x.language, x.segment, x.bu, x.am, x.rec, ...x.drivers,
          ...(x.krs ?? [null, null, null]), x.csat, x.ces].map(lit).join(", ")})`);
      await run(`INSERT INTO fixture.responses VALUES ${values.join(",\n")}`);
    }
    await run(`CREATE TABLE marts.dim_touchpoints AS SELECT * FROM (VALUES ${TOUCHPOINTS.map((t) => `(${[t.touchpoint, t.nl, t.en, t.stage, t.order].map(lit).join(", ")})`).join(", ")})
      AS t(touchpoint, touchpoint_label_nl, touchpoint_label_en, journey_stage, journey_order)`);
    await run(`CREATE TABLE marts.dim_drivers AS SELECT * FROM (VALUES ('process','proces','process',1), ('product_price','product & prijs','product & price',2),
      ('reputation_image','reputatie & imago','reputation & image',3), ('emotional_engagement','emotionele betrokkenheid','emotional engagement',4))
      AS d(driver, driver_label_nl, driver_label_en, driver_order)`);
    const dims = `r.response_id, r.customer_id, r.answered_at, CAST(r.answered_at AS DATE) AS answered_date, r.survey_type, r.touchpoint,
      t.journey_stage, t.journey_order, r.channel, r.language, r.segment, r.business_unit, r.account_manager`;
    const from = `fixture.responses r LEFT JOIN marts.dim_touchpoints t USING (touchpoint)`;
    await run(`CREATE TABLE marts.fct_nps_responses AS SELECT ${dims}, r.recommend_score,
      CASE WHEN recommend_score >= 9 THEN 'promoter' WHEN recommend_score >= 7 THEN 'passive' ELSE 'detractor' END AS nps_category,
      CAST(recommend_score >= 9 AS INTEGER) AS is_promoter, CAST(recommend_score BETWEEN 7 AND 8 AS INTEGER) AS is_passive,
      CAST(recommend_score <= 6 AS INTEGER) AS is_detractor, NULL::VARCHAR AS recommend_reason, 0 AS has_reason FROM ${from}`);
    await run(`CREATE TABLE marts.fct_touchpoint_responses AS SELECT * FROM marts.fct_nps_responses WHERE survey_type = 'touchpoint'`);
    await run(`CREATE TABLE marts.fct_driver_ratings AS SELECT * FROM (
      ${DRIVERS.map((d, i) => `SELECT ${dims}, '${d}' AS driver, d.driver_label_en AS driver_label, ${i + 1} AS driver_order,
        r.driver_${d} AS rating, r.recommend_score FROM ${from} JOIN marts.dim_drivers d ON d.driver = '${d}' WHERE r.driver_${d} IS NOT NULL`).join(" UNION ALL ")})`);
    await run(`CREATE TABLE marts.fct_krs_responses AS SELECT ${dims}, krs_satisfaction, krs_trust, krs_love,
      (krs_satisfaction + krs_trust + krs_love) / 3.0 AS krs_score,
      CAST(krs_satisfaction >= 8 AS INTEGER) AS is_satisfaction_strong, CAST(krs_trust >= 8 AS INTEGER) AS is_trust_strong,
      CAST(krs_love >= 8 AS INTEGER) AS is_love_strong, 'x' AS relationship_profile, 'x' AS relationship_profile_label_nl,
      'x' AS relationship_profile_label_en
      FROM ${from} WHERE krs_satisfaction IS NOT NULL AND krs_trust IS NOT NULL AND krs_love IS NOT NULL`);
    await run(`CREATE TABLE marts.fct_csat_ces AS SELECT ${dims}, csat, CAST(csat >= 4 AS INTEGER) AS is_csat_satisfied,
      ces, CAST(ces >= 5 AS INTEGER) AS is_ces_easy FROM ${from} WHERE csat IS NOT NULL OR ces IS NOT NULL`);
    await run(`CREATE TABLE marts.dim_customers AS SELECT customer_id, any_value(segment) AS segment, any_value(business_unit) AS business_unit,
      any_value(account_manager) AS account_manager, min(answered_at) AS first_answered_at, max(answered_at) AS last_answered_at,
      count(*) AS responses FROM fixture.responses GROUP BY customer_id`);
    // Follow-up cases (marts.fct_cases' columns): one open case per detractor answer, owned by
    // the account manager, due 48 hours later; hand-countable, for the security tests.
    await run(`CREATE TABLE marts.fct_cases AS SELECT 'C-' || response_id AS case_id, response_id AS opening_response_id, customer_id,
      'detractor' AS case_rule, 'high' AS priority, answered_at AS created_at, answered_at + INTERVAL 48 HOUR AS due_at,
      survey_type, touchpoint, channel, language, segment, business_unit, account_manager, recommend_score, 'detractor' AS nps_category,
      account_manager AS owner, 'account_manager' AS owner_kind, 'open' AS status, NULL::VARCHAR AS root_cause, NULL::VARCHAR AS outcome,
      NULL::TIMESTAMP AS first_action_at, NULL::TIMESTAMP AS closed_at, true AS is_open, true AS is_overdue, 100.0 AS open_hours,
      NULL::DOUBLE AS hours_to_first_action, NULL::DOUBLE AS hours_to_close, NULL::BOOLEAN AS closed_within_sla,
      false AS answered_again, NULL::BOOLEAN AS followed_up_before_next, NULL::BOOLEAN AS recovered
      FROM fixture.responses WHERE recommend_score <= 6`);
    // Every case answered again and recovered; anna's were followed up, the others' not.
    await run(`CREATE TABLE marts.fct_case_recovery AS SELECT case_id, customer_id, owner, business_unit, account_manager, segment,
      survey_type, touchpoint, created_at, true AS answered_again, owner = 'anna' AS followed_up_before_next, true AS recovered
      FROM marts.fct_cases`);
  } finally {
    wh.close();
  }
  return { path, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
