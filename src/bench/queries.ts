/** The fixed questions of the benchmark: each as a Cube query through the semantic layer and as
 * the same question written by hand in DuckDB SQL over raw.responses. The dashboard questions are
 * served by rollups; the analyst questions are ones no rollup covers. */
import type { CubeQuery } from "../semantic/types.ts";

export interface DashboardQuery {
  id: string;
  title: string;
  /** "dashboard": a question the dashboards ask (rollups serve it); "analyst": an ad-hoc question
   * no rollup covers, answered from the mart views (issue 13). Default dashboard. */
  kind?: "dashboard" | "analyst";
  cube: CubeQuery;
  /** Hand-written DuckDB SQL over the raw table (no marts, no semantic layer). */
  handSql: string;
  /** [semantic member, hand SQL column] pairs that identify a row. */
  keys: readonly (readonly [string, string])[];
  /** [semantic member, hand SQL column] pairs of the numbers that must agree. */
  values: readonly (readonly [string, string])[];
}

const DRIVERS = ["process", "product_price", "reputation_image", "emotional_engagement"] as const;

/** One pass over raw.responses, then one row per segment × driver. */
const driverImportanceSql = `
WITH per_segment AS (
  SELECT segment,
    ${DRIVERS.map((d) => `corr(driver_${d}, recommend_score) AS ${d}_importance, avg(driver_${d}) AS ${d}_performance, count(driver_${d}) AS ${d}_ratings`).join(",\n    ")}
  FROM raw.responses
  GROUP BY segment
)
SELECT segment, d.driver,
  CASE d.driver ${DRIVERS.map((d) => `WHEN '${d}' THEN ${d}_importance`).join(" ")} END AS importance,
  CASE d.driver ${DRIVERS.map((d) => `WHEN '${d}' THEN ${d}_performance`).join(" ")} END AS performance,
  CASE d.driver ${DRIVERS.map((d) => `WHEN '${d}' THEN ${d}_ratings`).join(" ")} END AS ratings
FROM per_segment CROSS JOIN (VALUES ${DRIVERS.map((d) => `('${d}')`).join(", ")}) AS d(driver)`;

export const DASHBOARD_QUERIES: readonly DashboardQuery[] = [
  {
    id: "nps_touchpoint_month",
    title: "NPS by touchpoint by month",
    cube: {
      measures: ["nps.score", "nps.responses"],
      dimensions: ["nps.touchpoint"],
      timeDimensions: [{ dimension: "nps.answered_at", granularity: "month" }],
    },
    handSql: `
SELECT touchpoint, date_trunc('month', answered_at) AS month,
  100.0 * (count_if(recommend_score >= 9) - count_if(recommend_score <= 6)) / count(*) AS nps,
  count(*) AS responses
FROM raw.responses
GROUP BY ALL`,
    keys: [["nps.touchpoint", "touchpoint"], ["nps.answered_at.month", "month"]],
    values: [["nps.score", "nps"], ["nps.responses", "responses"]],
  },
  {
    id: "nps_segment_quarter_moe",
    title: "NPS by segment by quarter ± margin of error",
    cube: {
      measures: ["nps.score", "nps.score_margin_of_error", "nps.responses"],
      dimensions: ["nps.segment"],
      timeDimensions: [{ dimension: "nps.answered_at", granularity: "quarter" }],
    },
    handSql: `
WITH groups AS (
  SELECT segment, date_trunc('quarter', answered_at) AS quarter, count(*) AS n,
    count_if(recommend_score >= 9) / count(*) AS p,
    count_if(recommend_score <= 6) / count(*) AS d
  FROM raw.responses
  GROUP BY ALL
)
SELECT segment, quarter, 100 * (p - d) AS nps, 100 * 1.96 * sqrt((p + d - (p - d) ^ 2) / n) AS margin_of_error, n AS responses
FROM groups`,
    keys: [["nps.segment", "segment"], ["nps.answered_at.quarter", "quarter"]],
    values: [["nps.score", "nps"], ["nps.score_margin_of_error", "margin_of_error"], ["nps.responses", "responses"]],
  },
  {
    id: "krs_components_month",
    title: "KRS components by month",
    cube: {
      measures: ["krs.satisfaction", "krs.trust", "krs.love", "krs.score", "krs.responses"],
      timeDimensions: [{ dimension: "krs.answered_at", granularity: "month" }],
    },
    handSql: `
SELECT date_trunc('month', answered_at) AS month,
  avg(krs_satisfaction) AS satisfaction, avg(krs_trust) AS trust, avg(krs_love) AS love,
  (avg(krs_satisfaction) + avg(krs_trust) + avg(krs_love)) / 3 AS score,
  count(*) AS responses
FROM raw.responses
WHERE krs_satisfaction IS NOT NULL AND krs_trust IS NOT NULL AND krs_love IS NOT NULL
GROUP BY ALL`,
    keys: [["krs.answered_at.month", "month"]],
    values: [["krs.satisfaction", "satisfaction"], ["krs.trust", "trust"], ["krs.love", "love"], ["krs.score", "score"], ["krs.responses", "responses"]],
  },
  {
    id: "driver_importance_segment",
    title: "Driver importance by segment",
    cube: {
      measures: ["drivers.importance", "drivers.performance", "drivers.ratings"],
      dimensions: ["drivers.segment", "drivers.driver"],
    },
    handSql: driverImportanceSql,
    keys: [["drivers.segment", "segment"], ["drivers.driver", "driver"]],
    values: [["drivers.importance", "importance"], ["drivers.performance", "performance"], ["drivers.ratings", "ratings"]],
  },
];

/** Ad-hoc questions an analyst asks that no rollup covers: they always run on the mart views. */
export const ANALYST_QUERIES: readonly DashboardQuery[] = [
  {
    id: "nps_channel_language",
    kind: "analyst",
    title: "NPS by channel × language",
    cube: {
      measures: ["nps.score", "nps.promoter_share", "nps.responses"],
      dimensions: ["nps.channel", "nps.language"],
    },
    handSql: `
SELECT channel, language,
  100.0 * (count_if(recommend_score >= 9) - count_if(recommend_score <= 6)) / count(*) AS nps,
  100.0 * count_if(recommend_score >= 9) / count(*) AS promoter_share,
  count(*) AS responses
FROM raw.responses
GROUP BY ALL`,
    keys: [["nps.channel", "channel"], ["nps.language", "language"]],
    values: [["nps.score", "nps"], ["nps.promoter_share", "promoter_share"], ["nps.responses", "responses"]],
  },
  {
    id: "csat_touchpoint_week",
    kind: "analyst",
    title: "CSAT by touchpoint by week",
    cube: {
      measures: ["csat.score", "csat.responses"],
      dimensions: ["csat.touchpoint"],
      timeDimensions: [{ dimension: "csat.answered_at", granularity: "week" }],
    },
    handSql: `
SELECT touchpoint, date_trunc('week', answered_at) AS week,
  100.0 * count_if(csat >= 4) / NULLIF(count(csat), 0) AS csat, count(csat) AS responses
FROM raw.responses
WHERE csat IS NOT NULL OR ces IS NOT NULL -- the rows of the CSAT fact: a week with only CES answers has 0 CSAT responses
GROUP BY ALL`,
    keys: [["csat.touchpoint", "touchpoint"], ["csat.answered_at.week", "week"]],
    values: [["csat.score", "csat"], ["csat.responses", "responses"]],
  },
  {
    id: "ces_business_unit_survey_type",
    kind: "analyst",
    title: "CES and easy share by business unit × survey type",
    cube: {
      measures: ["ces.score", "ces.easy_share", "ces.responses"],
      dimensions: ["ces.business_unit", "ces.survey_type"],
    },
    handSql: `
SELECT business_unit, survey_type, avg(ces) AS ces, 100.0 * count_if(ces >= 5) / NULLIF(count(ces), 0) AS easy_share, count(ces) AS responses
FROM raw.responses
WHERE csat IS NOT NULL OR ces IS NOT NULL -- the rows of the CES fact: a group without CES answers has 0 responses
GROUP BY ALL`,
    keys: [["ces.business_unit", "business_unit"], ["ces.survey_type", "survey_type"]],
    values: [["ces.score", "ces"], ["ces.easy_share", "easy_share"], ["ces.responses", "responses"]],
  },
  {
    id: "nps_account_manager_quarter_moe",
    kind: "analyst",
    title: "NPS ± margin of error per account manager, one quarter, relationship survey",
    cube: {
      measures: ["nps.score", "nps.score_margin_of_error", "nps.responses"],
      dimensions: ["nps.account_manager"],
      timeDimensions: [{ dimension: "nps.answered_at", dateRange: ["2026-07-01", "2026-09-30"] }],
      filters: [{ member: "nps.survey_type", operator: "equals", values: ["relationship"] }],
    },
    handSql: `
WITH groups AS (
  SELECT account_manager, count(*) AS n,
    count_if(recommend_score >= 9) / count(*) AS p,
    count_if(recommend_score <= 6) / count(*) AS d
  FROM raw.responses
  WHERE answered_at >= TIMESTAMP '2026-07-01' AND answered_at < TIMESTAMP '2026-10-01' AND survey_type = 'relationship'
  GROUP BY ALL
)
SELECT account_manager, 100 * (p - d) AS nps, 100 * 1.96 * sqrt((p + d - (p - d) ^ 2) / n) AS margin_of_error, n AS responses
FROM groups`,
    keys: [["nps.account_manager", "account_manager"]],
    values: [["nps.score", "nps"], ["nps.score_margin_of_error", "margin_of_error"], ["nps.responses", "responses"]],
  },
];

/** Every question the benchmark times. */
export const BENCH_QUERIES: readonly DashboardQuery[] = [...DASHBOARD_QUERIES, ...ANALYST_QUERIES];
