/** The semantic contract (DESIGN.md): every public name exists in its view with its type, and
 * every member has a description. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSemanticLayer } from "../../src/semantic/index.ts";
import type { MetaCube, SemanticLayer } from "../../src/semantic/types.ts";
import { buildFixtureWarehouse, SMALL } from "./fixture.ts";

const SHARED_DIMENSIONS: Record<string, string> = {
  answered_at: "time",
  survey_type: "string",
  touchpoint: "string",
  journey_stage: "string",
  channel: "string",
  language: "string",
  segment: "string",
  business_unit: "string",
  account_manager: "string",
  customer_id: "string",
};

const CONTRACT: Record<string, { measures: string[]; dimensions: Record<string, string> }> = {
  nps: {
    measures: ["responses", "promoters", "passives", "detractors", "promoter_share", "passive_share", "detractor_share", "score", "score_margin_of_error", "average_rating", "score_reported"],
    dimensions: { ...SHARED_DIMENSIONS, category: "string" },
  },
  krs: { measures: ["responses", "satisfaction", "trust", "love", "score", "score_reported"], dimensions: SHARED_DIMENSIONS },
  drivers: { measures: ["ratings", "performance", "importance"], dimensions: { ...SHARED_DIMENSIONS, driver: "string" } },
  csat: { measures: ["responses", "score", "score_reported"], dimensions: SHARED_DIMENSIONS },
  ces: { measures: ["responses", "score", "easy_share", "score_reported"], dimensions: SHARED_DIMENSIONS },
};

const CASES_CONTRACT = {
  measures: [
    "count", "open_cases", "overdue_cases", "closed_cases", "actioned_cases", "closed_within_sla", "closed_within_sla_share",
    "backlog_age_hours", "oldest_open_hours", "first_action_hours_median", "first_action_hours_p90", "close_hours_median", "close_hours_p90",
    "recovery_followed_up_answered", "recovery_followed_up_recovered", "recovery_not_followed_up_answered", "recovery_not_followed_up_recovered",
    "recovery_rate_followed_up", "recovery_rate_not_followed_up", "recovery_difference", "recovery_difference_low", "recovery_difference_high",
    "recovery_z", "recovery_p_value", "recovery_significant",
  ],
  dimensions: {
    case_id: "string", customer_id: "string", case_rule: "string", priority: "string", status: "string", owner: "string", owner_kind: "string",
    root_cause: "string", outcome: "string", survey_type: "string", touchpoint: "string", channel: "string", language: "string", segment: "string",
    business_unit: "string", account_manager: "string", category: "string", is_open: "boolean", is_overdue: "boolean",
    created_at: "time", due_at: "time", closed_at: "time",
  },
};

const VALUE_CONTRACT: Record<string, { measures: string[]; settings?: string[]; dimensions: Record<string, string> }> = {
  value: {
    measures: [
      "observed_answers", "churned_answers", "churn_rate", "churn_rate_low", "churn_rate_high", "churn_ratio", "churn_ratio_low", "churn_ratio_high",
      ...["promoter", "passive", "detractor"].flatMap((c) => [`${c}_observed`, `${c}_churned`, `churn_rate_${c}`, `churn_rate_${c}_low`, `churn_rate_${c}_high`, `average_revenue_${c}`, `lifetime_value_${c}`]),
    ],
    settings: ["window_days", "discount_rate"],
    dimensions: { customer_id: "string", answered_at: "time", category: "string", segment: "string", business_unit: "string", account_manager: "string", acquired_via: "string", ledger_end: "time", currency: "string" },
  },
  value_revenue: {
    measures: ["customer_count", "active_customers", "active_revenue", "revenue_at_risk", "revenue_at_risk_passives", "revenue_of_promoters", "detractor_customers", "revenue_at_risk_share", "start_customers", "start_revenue", "retained_revenue", "earned_new_revenue", "net_revenue_retention", "earned_new_customers", "earned_growth_rate"],
    dimensions: { customer_id: "string", latest_category: "string", segment: "string", acquired_via: "string", business_unit: "string", account_manager: "string", is_active: "boolean" },
  },
  invitations: {
    measures: [
      "answered", "response_rate", "response_rate_low", "response_rate_high", "rule_breaking", "rule_breaking_share", "straight_lined", "straight_lined_share", "empty_reasons", "empty_reason_share",
      "often_answered", "rarely_answered", "nps_often", "nps_rarely", "nps_often_difference", "nps_often_difference_low", "nps_often_difference_high", "nps_often_z", "nps_often_p_value", "nps_often_significant",
    ],
    settings: [],
    dimensions: { customer_id: "string", sent_at: "time", survey_type: "string", touchpoint: "string", channel: "string", segment: "string", business_unit: "string", account_manager: "string", rank_bucket: "string", gap_bucket: "string", broken_rule: "string", is_answered: "boolean" },
  },
  value_trend: {
    measures: ["customer_count", "annual_revenue", "revenue_at_risk", "revenue_at_risk_share"],
    dimensions: { as_of: "time", latest_category: "string", segment: "string", business_unit: "string", account_manager: "string" },
  },
};

describe("semantic contract", () => {
  let layer: SemanticLayer;
  let meta: MetaCube[];
  let cleanup: () => void;
  beforeAll(async () => {
    const fx = await buildFixtureWarehouse(SMALL, "contract");
    cleanup = fx.cleanup;
    layer = await createSemanticLayer({ warehouse: fx.path });
    meta = await layer.meta();
  });
  afterAll(async () => {
    await layer?.close();
    cleanup?.();
  });

  it("exposes exactly the public views of the contract; base cubes are hidden", () => {
    expect(meta.filter((c) => c.isVisible).map((c) => c.name).sort()).toEqual(["cases", "ces", "csat", "drivers", "invitations", "krs", "nps", "value", "value_revenue", "value_trend"]);
    for (const c of meta.filter((c) => c.isVisible)) expect(c.type).toBe("view");
  });

  it("views value, value_revenue, value_trend, invitations: the value and survey pressure contract (docs/semantic.md), every figure with its minimum-sample twin", () => {
    for (const [view, contract] of Object.entries(VALUE_CONTRACT)) {
      const cube = meta.find((c) => c.name === view)!;
      expect(cube?.type, view).toBe("view");
      const measures = new Map(cube.measures.map((m) => [m.name.replace(`${view}.`, ""), m]));
      for (const m of contract.measures) {
        expect(measures.get(m)?.type, `${view}.${m}`).toBe("number");
        expect(measures.get(m)?.isVisible, `${view}.${m}`).toBe(true);
        expect(measures.has(`${m}_reported`), `${view}.${m}_reported`).toBe(true);
      }
      for (const m of contract.settings ?? []) expect(measures.has(m) && !measures.has(`${m}_reported`), `${view}.${m}`).toBe(true);
      // Building blocks stay hidden.
      for (const name of measures.keys()) expect(name, `${view}.${name}`).not.toMatch(/revenue_sum$|revenue_answers$|^(often|rarely)_(promoters|detractors)$/);
      const dimensions = new Map(cube.dimensions.map((d) => [d.name.replace(`${view}.`, ""), d.type]));
      for (const [d, type] of Object.entries(contract.dimensions)) expect(dimensions.get(d), `${view}.${d}`).toBe(type);
    }
  });

  it("view cases: the follow-up contract (docs/semantic.md) with its types", () => {
    const cube = meta.find((c) => c.name === "cases")!;
    expect(cube?.type).toBe("view");
    const measures = new Map(cube.measures.map((m) => [m.name.replace(/^cases\./, ""), m]));
    for (const m of CASES_CONTRACT.measures) {
      expect(measures.get(m)?.type, `cases.${m}`).toBe("number");
      expect(measures.get(m)?.isVisible, `cases.${m}`).toBe(true);
      // every figure but the count has its minimum-sample twin
      if (m !== "count") expect(measures.has(`${m}_reported`), `cases.${m}_reported`).toBe(true);
    }
    const dimensions = new Map(cube.dimensions.map((d) => [d.name.replace(/^cases\./, ""), d.type]));
    for (const [d, type] of Object.entries(CASES_CONTRACT.dimensions)) expect(dimensions.get(d), `cases.${d}`).toBe(type);
  });

  for (const [view, spec] of Object.entries(CONTRACT)) {
    it(`view ${view}: every contract measure and dimension exists with its type`, () => {
      const cube = meta.find((c) => c.name === view)!;
      expect(cube).toBeDefined();
      const measures = new Map(cube.measures.map((m) => [m.name, m]));
      for (const m of spec.measures) {
        const member = measures.get(`${view}.${m}`);
        expect(member, `${view}.${m}`).toBeDefined();
        expect(member!.type).toBe("number");
        expect(member!.isVisible).toBe(true);
      }
      const dimensions = new Map(cube.dimensions.map((d) => [d.name, d]));
      for (const [d, type] of Object.entries(spec.dimensions)) {
        expect(dimensions.get(`${view}.${d}`)?.type, `${view}.${d}`).toBe(type);
      }
      expect(dimensions.get(`${view}.answered_at`)?.granularities).toEqual(expect.arrayContaining(["day", "week", "month", "quarter", "year"]));
    });
  }

  it("answered_at answers day, week, month, quarter and year buckets", async () => {
    // SMALL spans 2024-01-05 .. 2024-03-09 (UTC): 3 months, 1 quarter, 1 year, 12 distinct days;
    // ISO weeks (Monday) counted independently from the timestamps.
    const days = new Set(SMALL.map((r) => r.at.slice(0, 10)));
    const weeks = new Set(SMALL.map((r) => {
      const d = new Date(`${r.at.slice(0, 10)}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
      return d.toISOString().slice(0, 10);
    }));
    const expected: Record<string, number> = { day: days.size, week: weeks.size, month: 3, quarter: 1, year: 1 };
    for (const [granularity, buckets] of Object.entries(expected)) {
      const { data } = await layer.load({ measures: ["nps.responses"], timeDimensions: [{ dimension: "nps.answered_at", granularity: granularity as "day" }] });
      expect(data.length, granularity).toBe(buckets);
      expect(data.reduce((a, r) => a + (r["nps.responses"] as number), 0)).toBe(SMALL.length);
    }
    const week = await layer.load({ measures: ["nps.responses"], timeDimensions: [{ dimension: "nps.answered_at", granularity: "week" }] });
    expect(week.data.map((r) => String(r["nps.answered_at.week"]).slice(0, 10)).sort()).toEqual([...weeks].sort());
  });

  it("count-like contract measures are additive Cube counts; scores are number measures", () => {
    const nps = meta.find((c) => c.name === "nps")!;
    const agg = (n: string) => nps.measures.find((m) => m.name === `nps.${n}`)!.aggType;
    expect(["responses", "promoters", "passives", "detractors"].map(agg)).toEqual(["count", "count", "count", "count"]);
    expect(["score", "score_margin_of_error", "promoter_share", "average_rating"].map(agg)).toEqual(["number", "number", "number", "number"]);
  });

  it("every member of every view has a description", () => {
    const missing = meta
      .filter((c) => c.isVisible)
      .flatMap((c) => [...c.measures, ...c.dimensions])
      .filter((m) => !m.description || m.description.trim().length < 5)
      .map((m) => m.name);
    expect(missing).toEqual([]);
    for (const c of meta.filter((c) => c.isVisible)) expect(c.description, c.name).toBeTruthy();
  });

  it("building blocks (sums behind averages and importance) are not public", () => {
    const names = meta.filter((c) => c.isVisible).flatMap((c) => c.measures.map((m) => m.name));
    expect(names).not.toContain("nps.recommend_score_sum");
    expect(names.filter((n) => n.endsWith("_sum"))).toEqual([]);
  });
});
