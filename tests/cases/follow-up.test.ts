/** The closed loop on the sample, end to end with the real dbt build: cases opened by the rules,
 * the generator's own walk of the case chain equal to dbt's (two independent implementations),
 * state derived from the events, the `cases` measures against an independent computation, SLA
 * business hours, and events surviving --full-refresh. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlledLists } from "../../src/cases/cases.ts";
import { parseFollowUp } from "../../src/cases/config.ts";
import { generateCaseEvents, type GeneratedCase } from "../../src/cases/generate.ts";
import { importWorkbook } from "../../src/cases/workbook.ts";
import { runDbt } from "../../src/dbt/run.ts";
import { projectRoot } from "../../src/lib/paths.ts";
import { openWarehouse } from "../../src/lib/duckdb.ts";
import { createSemanticLayer } from "../../src/semantic/index.ts";
import { buildFixtureWarehouse, query, tempDir } from "../helpers/warehouse.ts";

const SAMPLE = ["relationship-survey-2025-2026.csv", "touchpoint-surveys-qualtrics.csv", "app-feedback.parquet"].map((f) => join(projectRoot, "seeds", "sample", f));

/** quantile_cont: linear interpolation between the closest ranks. */
function quantile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

/** Two-sided p of a z, by Abramowitz & Stegun 26.2.17 (|error| < 7.5e-8). */
function pTwoSided(z: number): number {
  const x = Math.abs(z);
  const t = 1 / (1 + 0.2316419 * x);
  const tail = (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return 2 * tail;
}

describe("the closed loop on the sample", () => {
  let path: string;
  let generated: GeneratedCase[];
  let eventsFile: string;
  const lists = controlledLists(parseFollowUp(undefined));

  beforeAll(async () => {
    const dir = tempDir("promotor-cases-");
    path = (await buildFixtureWarehouse(SAMPLE, { dir })).path;
    eventsFile = join(dir, "case-events.csv");
    const wh = await openWarehouse(path);
    try {
      generated = (await generateCaseEvents(wh.connection, eventsFile, { seed: 404 })).cases;
      const result = await importWorkbook(wh.connection, eventsFile, lists);
      expect(result.quarantined).toBe(0);
    } finally {
      wh.close();
    }
    const rebuilt = await runDbt(["build", "--select", "tag:follow_up"], { warehouse: path });
    expect(rebuilt.exitCode, rebuilt.output.slice(-3000)).toBe(0);
  }, 240_000);

  it("the committed sample follow-up is what the generator makes of the sample (scripts/make-sample.sh)", () => {
    expect(readFileSync(eventsFile, "utf8")).toBe(readFileSync(join(projectRoot, "seeds", "follow-up", "case-events.csv"), "utf8"));
  });

  it("dbt follows the same chain of cases as the generator: one open case per customer, a new one only after the previous closed", async () => {
    const rows = await query(path, "SELECT case_id, opening_response_id, triggering_answers FROM intermediate.int_cases");
    const dbt = new Map(rows.map((r) => [String(r["case_id"]), { opening: r["opening_response_id"], answers: Number(r["triggering_answers"]) }]));
    expect(dbt.size).toBe(generated.length);
    for (const c of generated) expect(dbt.get(c.caseId), c.caseId).toEqual({ opening: c.responses[0], answers: c.responses.length });
    // Customers with several cases exist, so the chain really was followed.
    const perCustomer = new Map<string, number>();
    for (const c of generated) perCustomer.set(c.customerId, (perCustomer.get(c.customerId) ?? 0) + 1);
    expect(Math.max(...perCustomer.values())).toBeGreaterThan(2);
  });

  it("every detractor answer of a known customer belongs to exactly one case, and nothing else does (default rule)", async () => {
    const [r] = await query(path, `SELECT
      (SELECT count(*) FROM intermediate.int_responses_enriched WHERE customer_id IS NOT NULL AND recommend_score <= 6) AS detractors,
      (SELECT sum(triggering_answers) FROM intermediate.int_cases) AS attached,
      (SELECT count(*) FROM intermediate.int_case_triggers WHERE nps_category <> 'detractor') AS others`);
    expect(Number(r!["attached"])).toBe(Number(r!["detractors"]));
    expect(Number(r!["others"])).toBe(0);
  });

  it("a case's state is its events folded by event time: status, closing time, first action", async () => {
    const lines = readFileSync(eventsFile, "utf8").trim().split(/\r?\n/).slice(1);
    const fold = new Map<string, { status: string; first: string; closed: string | null; rootCause: string | null }>();
    for (const line of lines) {
      const [caseId, at, , status, , rootCause] = line.split(",");
      const f = fold.get(caseId!) ?? { status: "open", first: at!, closed: null, rootCause: null };
      if (at! < f.first) f.first = at!;
      if (status) f.status = status;
      if (status === "closed" && f.closed === null) f.closed = at!;
      if (rootCause) f.rootCause = rootCause;
      fold.set(caseId!, f);
    }
    const rows = await query(path, "SELECT case_id, status, strftime(first_action_at, '%Y-%m-%d %H:%M:%S') AS first, strftime(closed_at, '%Y-%m-%d %H:%M:%S') AS closed, root_cause FROM marts.fct_cases");
    expect(rows.length).toBe(generated.length);
    let withEvents = 0;
    for (const r of rows) {
      const f = fold.get(String(r["case_id"]));
      if (!f) {
        expect(r["status"]).toBe("open");
        expect(r["first"]).toBeNull();
        continue;
      }
      withEvents++;
      expect({ status: r["status"], first: r["first"], closed: r["closed"], rootCause: r["root_cause"] }).toEqual({ status: f.status, first: f.first, closed: f.closed, rootCause: f.rootCause });
    }
    expect(withEvents).toBeGreaterThan(rows.length / 2);
  });

  it("the cases measures equal an independent computation over the cases", async () => {
    const cases = await query(path, "SELECT c.*, r.answered_again, r.followed_up_before_next, r.next_nps_category FROM marts.fct_cases c LEFT JOIN marts.fct_case_recovery r USING (case_id)");
    const num = (v: unknown) => Number(v);
    const closed = cases.filter((c) => c["closed_at"] !== null);
    const acted = cases.filter((c) => c["hours_to_first_action"] !== null).map((c) => num(c["hours_to_first_action"]));
    const again = cases.filter((c) => c["nps_category"] === "detractor" && c["answered_again"] === true);
    const f = again.filter((c) => c["followed_up_before_next"] === true);
    const n = again.filter((c) => c["followed_up_before_next"] === false);
    const rec = (rows: typeof again) => rows.filter((c) => ["passive", "promoter"].includes(String(c["next_nps_category"]))).length;
    const p1 = rec(f) / f.length;
    const p2 = rec(n) / n.length;
    const pooled = (rec(f) + rec(n)) / (f.length + n.length);
    const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / f.length + 1 / n.length));
    const half = 1.96 * Math.sqrt((p1 * (1 - p1)) / f.length + (p2 * (1 - p2)) / n.length);

    const layer = await createSemanticLayer({ warehouse: path });
    try {
      const { data } = await layer.load({
        measures: ["count", "open_cases", "overdue_cases", "closed_within_sla_share", "first_action_hours_median", "first_action_hours_p90", "backlog_age_hours",
          "recovery_rate_followed_up", "recovery_rate_not_followed_up", "recovery_difference_low", "recovery_difference_high", "recovery_z", "recovery_p_value_reported", "recovery_significant"].map((m) => `cases.${m}`),
      });
      const r = data[0]!;
      expect(num(r["cases.count"])).toBe(cases.length);
      expect(num(r["cases.open_cases"])).toBe(cases.filter((c) => c["status"] !== "closed").length);
      expect(num(r["cases.overdue_cases"])).toBe(cases.filter((c) => c["status"] !== "closed" && (c["as_of"] as Date) > (c["due_at"] as Date)).length);
      expect(num(r["cases.closed_within_sla_share"])).toBeCloseTo((100 * closed.filter((c) => (c["closed_at"] as Date) <= (c["due_at"] as Date)).length) / closed.length, 9);
      expect(num(r["cases.first_action_hours_median"])).toBeCloseTo(quantile(acted, 0.5), 6);
      expect(num(r["cases.first_action_hours_p90"])).toBeCloseTo(quantile(acted, 0.9), 6);
      const open = cases.filter((c) => c["status"] !== "closed");
      expect(num(r["cases.backlog_age_hours"])).toBeCloseTo(open.reduce((s, c) => s + ((c["as_of"] as Date).getTime() - (c["created_at"] as Date).getTime()) / 3_600_000, 0) / open.length, 6);
      expect(num(r["cases.recovery_rate_followed_up"])).toBeCloseTo(100 * p1, 9);
      expect(num(r["cases.recovery_rate_not_followed_up"])).toBeCloseTo(100 * p2, 9);
      expect(num(r["cases.recovery_difference_low"])).toBeCloseTo(100 * (p1 - p2 - half), 9);
      expect(num(r["cases.recovery_difference_high"])).toBeCloseTo(100 * (p1 - p2 + half), 9);
      expect(num(r["cases.recovery_z"])).toBeCloseTo(z, 9);
      expect(num(r["cases.recovery_p_value_reported"])).toBeCloseTo(pTwoSided(z), 6);
      expect(num(r["cases.recovery_significant"])).toBe(Math.abs(z) >= 1.96 ? 1 : 0);
      // The sample is made so that following up goes with recovery (and the page can say so).
      expect(p1).toBeGreaterThan(p2);

      // Per owner: below 30 cases every rate is suppressed, the count is not.
      const perOwner = (await layer.load({ measures: ["cases.count", "cases.closed_within_sla_share_reported", "cases.first_action_hours_median_reported"], dimensions: ["cases.owner"] })).data;
      const small = perOwner.filter((o) => num(o["cases.count"]) < 30);
      const large = perOwner.filter((o) => num(o["cases.count"]) >= 30);
      expect(small.length).toBeGreaterThan(0);
      expect(large.length).toBeGreaterThan(0);
      for (const o of small) expect([o["cases.closed_within_sla_share_reported"], o["cases.first_action_hours_median_reported"]]).toEqual([null, null]);
      for (const o of large) expect(o["cases.first_action_hours_median_reported"]).not.toBeNull();
    } finally {
      await layer.close();
    }
  });

  it("with business_hours, Saturdays and Sundays do not count toward the due time", async () => {
    const result = await runDbt(["build", "--select", "fct_cases"], { warehouse: path, env: { PROMOTOR_CASE_BUSINESS_HOURS: "true" } });
    expect(result.exitCode, result.output.slice(-2000)).toBe(0);
    try {
      const rows = await query(path, "SELECT created_at, due_at, sla_hours FROM marts.fct_cases ORDER BY case_id LIMIT 400");
      // Independently: walk forward hour by hour (to the second), skipping weekend time.
      const due = (created: Date, hours: number): Date => {
        let t = created.getTime();
        const weekend = (ms: number) => [0, 6].includes(new Date(ms).getUTCDay());
        if (weekend(t)) {
          const d = new Date(t);
          d.setUTCHours(0, 0, 0, 0);
          while (weekend(d.getTime())) d.setUTCDate(d.getUTCDate() + 1);
          t = d.getTime();
        }
        let left = hours * 3_600_000;
        while (left > 0) {
          const d = new Date(t);
          const nextMidnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
          const step = Math.min(left, nextMidnight - t);
          left -= step;
          t += step;
          if (left > 0) while (weekend(t)) t += 86_400_000;
        }
        return new Date(t);
      };
      let crossesWeekend = 0;
      for (const r of rows) {
        const expected = due(r["created_at"] as Date, Number(r["sla_hours"]));
        expect((r["due_at"] as Date).getTime(), String(r["created_at"])).toBe(expected.getTime());
        if (expected.getTime() - (r["created_at"] as Date).getTime() > 48 * 3_600_000) crossesWeekend++;
      }
      expect(crossesWeekend).toBeGreaterThan(50);
    } finally {
      const back = await runDbt(["build", "--select", "fct_cases"], { warehouse: path });
      expect(back.exitCode).toBe(0);
    }
  });

  it("a --full-refresh loses no case event, gives every case the same id, and equals the incremental builds", async () => {
    const snapshot = () =>
      Promise.all([
        query(path, "SELECT case_id, status, closed_at, owner, due_at FROM marts.fct_cases ORDER BY case_id"),
        query(path, "SELECT * FROM intermediate.int_cases ORDER BY case_id"),
        query(path, "SELECT case_id, next_response_id, followed_up_before_next FROM marts.fct_case_recovery ORDER BY case_id"),
      ]);
    const before = await snapshot();
    const events = await query(path, "SELECT count(*) AS n FROM raw.case_events");
    const result = await runDbt(["build", "--full-refresh"], { warehouse: path });
    expect(result.exitCode, result.output.slice(-2000)).toBe(0);
    expect(await query(path, "SELECT count(*) AS n FROM raw.case_events")).toEqual(events);
    expect(await snapshot()).toEqual(before);
  }, 120_000);

  afterAll(() => undefined);
});

describe("the case models built incrementally, ingestion by ingestion", () => {
  it("equal a full build: a new export brings next answers of open cases and new cases", async () => {
    const dir = tempDir("promotor-cases-inc-");
    const path = (await buildFixtureWarehouse(SAMPLE.slice(0, 2), { dir })).path;
    // closing some cases first, so that the new answers also meet closed cases
    const wh = await openWarehouse(path);
    try {
      await generateCaseEvents(wh.connection, join(dir, "events.csv"), { seed: 7 });
      await importWorkbook(wh.connection, join(dir, "events.csv"), controlledLists(parseFollowUp(undefined)));
    } finally {
      wh.close();
    }
    for (const args of [["build"], null, ["build"]]) {
      if (args === null) {
        const { ingestInto } = await import("../helpers/warehouse.ts");
        await ingestInto(path, SAMPLE.slice(2));
        continue;
      }
      const r = await runDbt(args, { warehouse: path });
      expect(r.exitCode, r.output.slice(-2000)).toBe(0);
    }
    const snapshot = () =>
      Promise.all([
        query(path, "SELECT * FROM intermediate.int_cases ORDER BY case_id"),
        query(path, "SELECT count(*) AS n FROM intermediate.int_case_chains"),
      ]);
    const incremental = await snapshot();
    const full = await runDbt(["build", "--full-refresh", "--select", "tag:follow_up"], { warehouse: path });
    expect(full.exitCode, full.output.slice(-2000)).toBe(0);
    expect(await snapshot()).toEqual(incremental);
    // the third export did change something: new cases, and customers whose chain grew
    const [changed] = await query(path, "SELECT count(*) AS n FROM intermediate.int_cases c JOIN raw.responses r ON r.response_id = c.opening_response_id WHERE r._source_file LIKE '%app-feedback%'");
    expect(Number(changed!["n"])).toBeGreaterThan(0);
    expect(Number(incremental[1][0]!["n"])).toBeGreaterThan(0);
  }, 240_000);
});
