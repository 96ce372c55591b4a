/** Survey pressure (docs/survey-pressure.md, docs/statistics.md "Survey pressure"): invitations,
 * answers and the response rate with its Wilson interval; invitations that broke a contact rule;
 * fatigue in the answers (straight-lined grids, empty open answers); and the NPS of customers
 * asked often (their 3rd or later invitation in 365 days) against those asked once or twice,
 * with the difference's 95 % interval and z test. Every group figure has a `_reported` twin:
 * null below the minimum sample of invitations (answers for the answer figures; the smaller
 * group for the comparison). */
import { Z_95 } from "./nps.ts";
import { twoSidedPSql } from "./intervals.ts";
import { col, percent, ratio, ref } from "./sql.ts";
import { DEFAULT_MINIMUM_SAMPLE, type MeasureSet } from "./types.ts";
import { wilsonBoundSql, withReported } from "./value.ts";

const answered = col("is_answered");
const often = `${col("invitation_rank")} >= 3`;
const rarely = `${col("invitation_rank")} <= 2`;

/** NPS in points from promoter, detractor and answer counts. */
const npsSql = (p: string, d: string, n: string): string => `100.0 * (CAST(${p} AS DOUBLE) - ${d}) / NULLIF(${n}, 0)`;
/** Wald variance of an NPS on the proportion scale: (p + d − (p − d)²) / n. */
const npsVarianceSql = (p: string, d: string, n: string): string =>
  `((${ratio(p, n)} + ${ratio(d, n)} - POWER(${ratio(p, n)} - ${ratio(d, n)}, 2)) / NULLIF(${n}, 0))`;

export function invitationMeasures(options: { minimumSample?: number } = {}): MeasureSet {
  const minimum = options.minimumSample ?? DEFAULT_MINIMUM_SAMPLE;
  const diff = `(${npsSql(ref("often_promoters"), ref("often_detractors"), ref("often_answered"))} - ${npsSql(ref("rarely_promoters"), ref("rarely_detractors"), ref("rarely_answered"))})`;
  const se = `(100.0 * SQRT(${npsVarianceSql(ref("often_promoters"), ref("often_detractors"), ref("often_answered"))} + ${npsVarianceSql(ref("rarely_promoters"), ref("rarely_detractors"), ref("rarely_answered"))}))`;
  const set: MeasureSet = {
    // Not "invitations": a member may not share the name of the view (invitations) it is in.
    invitation_count: { type: "count", title: "Invitations", description: "Survey invitations sent.", format: "number" },
    answered: { type: "count", title: "Answered", description: "Invitations that got an answer (by the export's response_id or the link rule).", filters: [answered] },
    response_rate: { type: "number", sql: percent(ref("answered"), ref("invitation_count")), title: "Response rate (%)", description: "Share of invitations that got an answer, in percent.", format: "percent" },
    response_rate_low: { type: "number", sql: wilsonBoundSql(ref("answered"), ref("invitation_count"), -1), title: "Response rate, 95 % low (%)", description: "Lower bound of the Wilson 95 % interval of the response rate, in percent." },
    response_rate_high: { type: "number", sql: wilsonBoundSql(ref("answered"), ref("invitation_count"), 1), title: "Response rate, 95 % high (%)", description: "Upper bound of the Wilson 95 % interval of the response rate, in percent." },
    rule_breaking: { type: "count", title: "Invitations that broke a rule", description: "Invitations sent against a contact rule of promotor.yaml (as the rules are now).", filters: [col("breaks_rules")] },
    rule_breaking_share: { type: "number", sql: percent(ref("rule_breaking"), ref("invitation_count")), title: "Broke a rule (%)", description: "Share of invitations sent against a contact rule, in percent.", format: "percent" },
    straight_lined: { type: "count", title: "Straight-lined answers", description: "Answers whose driver and KRS grids (five or more items answered) hold one value throughout.", filters: [answered, col("is_straight_lined")] },
    straight_lined_share: { type: "number", sql: percent(ref("straight_lined"), ref("answered")), title: "Straight-lined (%)", description: "Share of answers with a straight-lined grid, in percent.", format: "percent" },
    empty_reasons: { type: "count", title: "Empty open answers", description: "Answers whose open answer is empty or meaningless (n.v.t., -, geen, …).", filters: [answered, col("is_empty_reason")] },
    empty_reason_share: { type: "number", sql: percent(ref("empty_reasons"), ref("answered")), title: "Empty open answers (%)", description: "Share of answers with an empty or meaningless open answer, in percent.", format: "percent" },
    often_answered: { type: "count", title: "Answers, asked often", description: "Answers to a customer's 3rd or later invitation in 365 days.", filters: [answered, often] },
    often_promoters: { type: "count", description: "Promoters among them (building block).", filters: [answered, often, `${col("nps_category")} = 'promoter'`], public: false },
    often_detractors: { type: "count", description: "Detractors among them (building block).", filters: [answered, often, `${col("nps_category")} = 'detractor'`], public: false },
    rarely_answered: { type: "count", title: "Answers, asked once or twice", description: "Answers to a customer's 1st or 2nd invitation in 365 days.", filters: [answered, rarely] },
    rarely_promoters: { type: "count", description: "Promoters among them (building block).", filters: [answered, rarely, `${col("nps_category")} = 'promoter'`], public: false },
    rarely_detractors: { type: "count", description: "Detractors among them (building block).", filters: [answered, rarely, `${col("nps_category")} = 'detractor'`], public: false },
    nps_often: { type: "number", sql: npsSql(ref("often_promoters"), ref("often_detractors"), ref("often_answered")), title: "NPS, asked often", description: "NPS of answers to a customer's 3rd or later invitation in 365 days." },
    nps_rarely: { type: "number", sql: npsSql(ref("rarely_promoters"), ref("rarely_detractors"), ref("rarely_answered")), title: "NPS, asked once or twice", description: "NPS of answers to a customer's 1st or 2nd invitation in 365 days." },
    nps_often_difference: { type: "number", sql: diff, title: "NPS difference, often − rarely asked", description: "NPS of the often asked minus that of the once or twice asked, in points." },
    nps_often_difference_low: { type: "number", sql: `${diff} - ${Z_95} * ${se}`, title: "NPS difference, 95 % low", description: "Lower bound of the Wald 95 % interval of the difference, in points." },
    nps_often_difference_high: { type: "number", sql: `${diff} + ${Z_95} * ${se}`, title: "NPS difference, 95 % high", description: "Upper bound of the Wald 95 % interval of the difference, in points." },
    nps_often_z: { type: "number", sql: `${diff} / NULLIF(${se}, 0)`, title: "z of the difference", description: "The difference over its standard error." },
    nps_often_p_value: { type: "number", sql: twoSidedPSql(`${diff} / NULLIF(${se}, 0)`), title: "p-value of the difference", description: "Two-sided p-value of no difference (normal approximation)." },
    nps_often_significant: { type: "number", sql: `CASE WHEN ABS(${diff} / NULLIF(${se}, 0)) >= ${Z_95} THEN 1 ELSE 0 END`, title: "Difference significant (1/0)", description: "1 when |z| ≥ 1.96: the often asked score differently beyond chance." },
  };
  const answerFigures = new Set(["straight_lined", "straight_lined_share", "empty_reasons", "empty_reason_share"]);
  return withReported(
    set,
    minimum,
    (name) => {
      const comparison = name.startsWith("nps_often") || name.startsWith("nps_rarely") || name.endsWith("_answered");
      if (comparison) return { count: `LEAST(${ref("often_answered")}, ${ref("rarely_answered")})`, by: "answers in each group compared" };
      return answerFigures.has(name) ? { count: ref("answered"), by: "answers" } : { count: ref("invitation_count"), by: "invitations" };
    },
    new Set(["invitation_count"]),
  );
}
