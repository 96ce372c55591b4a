/** The Cube queries behind the Evidence sources, kept in the repo. Each becomes one generated
 * file .promotor/sources/promotor/<name>.sql (src/pages/source-sql.ts): Cube writes the metric SQL, the
 * generator only renames columns, stacks scopes (total, per segment, ...) and lines periods up
 * for comparison. Pages select from these sources; they never compute a metric themselves. */
import type { CubeFilter, CubeQuery, Granularity } from "../semantic/types.ts";
import { correlationMember, MODEL_DRIVERS, MODEL_OUTCOME } from "../measures/driver-model.ts";
import type { SourceStatistics } from "./statistics-sql.ts";

/** The period the headline numbers compare: this quarter against the previous one. */
export const COMPARISON_GRANULARITY: Granularity = "quarter";

/** One scope of a stacked source: the same measures over one grouping. */
export interface Scope {
  /** Value of the `scope` column ("total", "segment", ...). */
  scope: string;
  /** Dimension whose value fills `scope_value`; none for a total. */
  dimension?: string;
  /** Label in `scope_value` for a total. */
  label?: string;
  filters?: CubeFilter[];
  /** Dimension whose most frequent value per scope_value names the group's family (an account
   * manager's business unit): the unit a statistics stage shrinks toward. */
  family?: string;
}

export interface SourceQuery {
  /** Evidence query name: <name>.sql in the build copy's sources/promotor/, read by pages as promotor.<name>. */
  name: string;
  description: string;
  /** Output column -> Cube member ("nps.score"). */
  measures: Record<string, string>;
  /** Output column -> Cube dimension. */
  dimensions?: Record<string, string>;
  /** Output column -> time dimension at a granularity. */
  time?: { column: string; dimension: string; granularity: Granularity };
  /** Stack the query over these scopes (adds columns scope, scope_value). */
  scopes?: Scope[];
  filters?: CubeFilter[];
  /** Add previous-period columns and change significance (needs time and the NPS columns). */
  compare?: boolean;
  /** Add the importance/performance split of the drivers shown (mean over drivers per group). */
  matrixSplit?: boolean;
  ungrouped?: boolean;
  limit?: number;
  /** ORDER BY of the final result (output columns). */
  orderBy: string[];
  /** The count column that decides the minimum sample (DESIGN.md): below it every other measure
   * of the row (score, shares, counts by category, margin of error, change) is NULL, so no page,
   * chart or table can show or derive a suppressed figure. Omit only for sources of counts. */
  sample?: string;
  /** #14 statistics stage (src/pages/statistics-sql.ts): rolling windows with intervals, shrinkage,
   * group-vs-rest and change between windows, or the drivers' regression model. It applies the
   * minimum sample itself, to window and group totals. */
  statistics?: SourceStatistics;
}

const relationship: CubeFilter = { member: "nps.survey_type", operator: "equals", values: ["relationship"] };
const touchpoint: CubeFilter = { member: "nps.survey_type", operator: "equals", values: ["touchpoint"] };

/** Scopes of the NPS sources: relationship NPS overall and per filterable group, and touchpoint
 * NPS overall and per touchpoint (tNPS). */
const npsScopes: Scope[] = [
  { scope: "relationship", label: "all", filters: [relationship] },
  { scope: "touchpoint_total", label: "all", filters: [touchpoint] },
  { scope: "segment", dimension: "nps.segment", filters: [relationship] },
  { scope: "business_unit", dimension: "nps.business_unit", filters: [relationship] },
  { scope: "account_manager", dimension: "nps.account_manager", filters: [relationship] },
  { scope: "touchpoint", dimension: "nps.touchpoint", filters: [touchpoint] },
];

const npsMeasures = {
  responses: "nps.responses",
  promoters: "nps.promoters",
  passives: "nps.passives",
  detractors: "nps.detractors",
  promoter_share: "nps.promoter_share",
  passive_share: "nps.passive_share",
  detractor_share: "nps.detractor_share",
  nps: "nps.score",
  nps_moe: "nps.score_margin_of_error",
  nps_reported: "nps.score_reported",
  meets_minimum_sample: "nps.meets_minimum_sample",
};

const scopesFor = (view: string, withRelationshipFilter: boolean): Scope[] => {
  const f = (type: string): CubeFilter[] =>
    withRelationshipFilter ? [{ member: `${view}.survey_type`, operator: "equals", values: [type] }] : [];
  return [
    { scope: "total", label: "all" },
    { scope: "segment", dimension: `${view}.segment`, filters: f("relationship") },
    { scope: "business_unit", dimension: `${view}.business_unit`, filters: f("relationship") },
  ];
};

/** The drivers' matrix layout, shared by driver_matrix and driver_matrix_evidence: one row per
 * driver, total and per segment and business unit. */
const DRIVER_MATRIX: Pick<SourceQuery, "dimensions" | "scopes" | "matrixSplit" | "sample" | "orderBy"> = {
  dimensions: { driver: "drivers.driver", driver_label_nl: "drivers.driver_label_nl", driver_label_en: "drivers.driver_label_en", driver_order: "drivers.driver_order" },
  scopes: [
    { scope: "total", label: "all" },
    { scope: "segment", dimension: "drivers.segment" },
    { scope: "business_unit", dimension: "drivers.business_unit" },
  ],
  matrixSplit: true,
  sample: "ratings",
  orderBy: ["scope", "scope_value", "driver_order"],
};

const SOURCE_QUERIES_BASE: SourceQuery[] = [
  {
    name: "nps_periods",
    description: "NPS per quarter for every scope, with the previous quarter and whether the change is significant.",
    measures: npsMeasures,
    time: { column: "period", dimension: "nps.answered_at", granularity: COMPARISON_GRANULARITY },
    scopes: npsScopes,
    compare: true,
    sample: "responses",
    orderBy: ["scope", "scope_value", "period"],
  },
  {
    name: "nps_monthly",
    description: "NPS per month for every scope, with its 95 % margin of error (trend with band).",
    measures: npsMeasures,
    time: { column: "month", dimension: "nps.answered_at", granularity: "month" },
    scopes: npsScopes,
    sample: "responses",
    orderBy: ["scope", "scope_value", "month"],
  },
  {
    name: "touchpoints",
    description: "Touchpoint NPS per touchpoint over all time, in journey order, with volume.",
    measures: npsMeasures,
    dimensions: {
      touchpoint: "nps.touchpoint",
      touchpoint_label_nl: "nps.touchpoint_label_nl",
      touchpoint_label_en: "nps.touchpoint_label_en",
      journey_stage: "nps.journey_stage",
      journey_order: "nps.journey_order",
    },
    filters: [touchpoint],
    sample: "responses",
    orderBy: ["journey_order", "touchpoint"],
  },
  {
    name: "touchpoint_experience",
    description: "CSAT and CES per touchpoint over all time (next to all-time tNPS on the journey page).",
    measures: {
      csat_responses: "csat.responses",
      csat_reported: "csat.score_reported",
    },
    dimensions: { touchpoint: "csat.touchpoint", journey_order: "csat.journey_order" },
    filters: [{ member: "csat.survey_type", operator: "equals", values: ["touchpoint"] }],
    sample: "csat_responses",
    orderBy: ["journey_order", "touchpoint"],
  },
  {
    name: "touchpoint_effort_all",
    description: "CES per touchpoint over all time.",
    measures: { ces_responses: "ces.responses", ces_reported: "ces.score_reported", ces_easy_share: "ces.easy_share" },
    dimensions: { touchpoint: "ces.touchpoint", journey_order: "ces.journey_order" },
    filters: [{ member: "ces.survey_type", operator: "equals", values: ["touchpoint"] }],
    sample: "ces_responses",
    orderBy: ["journey_order", "touchpoint"],
  },
  {
    name: "touchpoint_satisfaction",
    description: "CSAT and CES per touchpoint and quarter (next to tNPS on the journey page).",
    measures: {
      csat_responses: "csat.responses",
      csat: "csat.score",
      csat_reported: "csat.score_reported",
    },
    dimensions: { touchpoint: "csat.touchpoint", journey_order: "csat.journey_order" },
    time: { column: "period", dimension: "csat.answered_at", granularity: COMPARISON_GRANULARITY },
    filters: [{ member: "csat.survey_type", operator: "equals", values: ["touchpoint"] }],
    sample: "csat_responses",
    orderBy: ["journey_order", "touchpoint", "period"],
  },
  {
    name: "touchpoint_effort",
    description: "CES per touchpoint and quarter.",
    measures: { ces_responses: "ces.responses", ces: "ces.score", ces_easy_share: "ces.easy_share", ces_reported: "ces.score_reported" },
    dimensions: { touchpoint: "ces.touchpoint", journey_order: "ces.journey_order" },
    time: { column: "period", dimension: "ces.answered_at", granularity: COMPARISON_GRANULARITY },
    filters: [{ member: "ces.survey_type", operator: "equals", values: ["touchpoint"] }],
    sample: "ces_responses",
    orderBy: ["journey_order", "touchpoint", "period"],
  },
  {
    name: "csat_periods",
    description: "CSAT per quarter (all surveys), total and per segment and business unit.",
    measures: { responses: "csat.responses", csat: "csat.score", csat_moe: "csat.score_margin_of_error", csat_reported: "csat.score_reported" },
    time: { column: "period", dimension: "csat.answered_at", granularity: COMPARISON_GRANULARITY },
    scopes: scopesFor("csat", false),
    sample: "responses",
    orderBy: ["scope", "scope_value", "period"],
  },
  {
    name: "ces_periods",
    description: "CES per quarter (all surveys), total and per segment and business unit.",
    measures: { responses: "ces.responses", ces: "ces.score", ces_easy_share: "ces.easy_share", ces_reported: "ces.score_reported" },
    time: { column: "period", dimension: "ces.answered_at", granularity: COMPARISON_GRANULARITY },
    scopes: scopesFor("ces", false),
    sample: "responses",
    orderBy: ["scope", "scope_value", "period"],
  },
  {
    name: "krs_periods",
    description: "KlantRelatieScore and its three components per quarter, total and per segment and business unit.",
    measures: {
      responses: "krs.responses",
      satisfaction: "krs.satisfaction",
      trust: "krs.trust",
      love: "krs.love",
      krs: "krs.score",
      krs_reported: "krs.score_reported",
      satisfaction_strong_share: "krs.satisfaction_strong_share",
      trust_strong_share: "krs.trust_strong_share",
      love_strong_share: "krs.love_strong_share",
    },
    time: { column: "period", dimension: "krs.answered_at", granularity: COMPARISON_GRANULARITY },
    scopes: scopesFor("krs", false),
    sample: "responses",
    orderBy: ["scope", "scope_value", "period"],
  },
  {
    name: "krs_profiles",
    description: "Respondents per relationship profile (which KRS components are strong), per quarter.",
    measures: { responses: "krs.responses" },
    dimensions: {
      profile: "krs.relationship_profile",
      profile_nl: "krs.relationship_profile_label_nl",
      profile_en: "krs.relationship_profile_label_en",
    },
    time: { column: "period", dimension: "krs.answered_at", granularity: COMPARISON_GRANULARITY },
    orderBy: ["period", "profile"],
  },
  {
    name: "driver_matrix",
    description: "Importance (correlation with the recommend score) and performance (mean rating) of the four drivers, total and per segment, over all time.",
    measures: { ratings: "drivers.ratings", performance: "drivers.performance", importance: "drivers.importance" },
    ...DRIVER_MATRIX,
  },
  {
    name: "driver_trend",
    description: "Driver performance per quarter.",
    measures: { ratings: "drivers.ratings", performance: "drivers.performance", importance: "drivers.importance" },
    dimensions: { driver: "drivers.driver", driver_label_nl: "drivers.driver_label_nl", driver_label_en: "drivers.driver_label_en", driver_order: "drivers.driver_order" },
    time: { column: "period", dimension: "drivers.answered_at", granularity: COMPARISON_GRANULARITY },
    sample: "ratings",
    orderBy: ["driver_order", "period"],
  },
];

/** Quarters in a rolling window of the small-group sources (nps_rolling): the last four complete
 * quarters. Change it here and run `promotor pages sources`. */
export const ROLLING_WINDOW_QUARTERS = 4;

const countsOnly = {
  responses: "nps.responses",
  promoters: "nps.promoters",
  passives: "nps.passives",
  detractors: "nps.detractors",
};

/** Groups over rolling windows and over single quarters, each with the #14 statistics. */
const rollingScopes: Scope[] = [
  { scope: "segment", dimension: "nps.segment", filters: [relationship] },
  { scope: "business_unit", dimension: "nps.business_unit", filters: [relationship] },
  { scope: "account_manager", dimension: "nps.account_manager", family: "nps.business_unit", filters: [relationship] },
  { scope: "touchpoint", dimension: "nps.touchpoint", filters: [touchpoint] },
];

const driverModelMeasures: Record<string, string> = { responses: "driver_responses.responses" };
MODEL_DRIVERS.forEach((a, i) => {
  for (const b of [...MODEL_DRIVERS.slice(i + 1), MODEL_OUTCOME]) driverModelMeasures[correlationMember(a, b)] = `driver_responses.${correlationMember(a, b)}`;
});

const SOURCE_QUERIES_14: SourceQuery[] = [
  {
    name: "nps_rolling",
    description: `NPS per group (segment, business unit, account manager, touchpoint) over rolling windows of the last ${ROLLING_WINDOW_QUARTERS} complete quarters: adjusted-Wald interval, estimate shrunk toward the unit, each group against the rest (Holm), change against the previous window.`,
    measures: countsOnly,
    time: { column: "period", dimension: "nps.answered_at", granularity: "quarter" },
    scopes: rollingScopes,
    sample: "responses",
    statistics: { kind: "rolling", quarters: ROLLING_WINDOW_QUARTERS },
    orderBy: ["scope", "scope_value", "window_quarter"],
  },
  {
    name: "nps_quarter_groups",
    description: "NPS per group and single quarter with the same statistics as nps_rolling (each group against the rest with Holm, adjusted-Wald intervals, change against the previous quarter).",
    measures: countsOnly,
    time: { column: "period", dimension: "nps.answered_at", granularity: "quarter" },
    scopes: rollingScopes,
    sample: "responses",
    statistics: { kind: "rolling", quarters: 1 },
    orderBy: ["scope", "scope_value", "window_quarter"],
  },
  {
    name: "driver_evidence",
    description: "Driver importance with its Fisher-z 95 % interval and significance, and relative importance (Shapley decomposition of the R² of the recommend score on the four drivers), total and per segment and business unit, over all time.",
    measures: driverModelMeasures,
    scopes: [
      { scope: "total", label: "all" },
      { scope: "segment", dimension: "driver_responses.segment" },
      { scope: "business_unit", dimension: "driver_responses.business_unit" },
    ],
    sample: "responses",
    statistics: { kind: "driver_model" },
    orderBy: ["scope", "scope_value", "driver_order"],
  },
  {
    name: "driver_matrix_evidence",
    description: "driver_matrix plus the 95 % interval of each driver's importance (Fisher z) and whether it is significant.",
    measures: {
      ratings: "drivers.ratings",
      performance: "drivers.performance",
      importance: "drivers.importance",
      importance_low: "drivers.importance_low",
      importance_high: "drivers.importance_high",
      importance_significant: "drivers.importance_significant",
    },
    ...DRIVER_MATRIX,
  },
];

/** The follow-up page (pages/follow-up.md): the case figures of the `cases` view. Rates and times
 * come as `_reported` members (below 30 cases, or 30 detractors who answered again in either
 * recovery group, they are NULL); counts of cases may be shown, as response counts may. */
const caseFigures = {
  cases: "cases.count",
  open_cases: "cases.open_cases",
  overdue_cases: "cases.overdue_cases",
  closed_cases: "cases.closed_cases",
  closed_within_sla_share: "cases.closed_within_sla_share_reported",
  backlog_age_hours: "cases.backlog_age_hours_reported",
  first_action_hours_median: "cases.first_action_hours_median_reported",
  first_action_hours_p90: "cases.first_action_hours_p90_reported",
  close_hours_median: "cases.close_hours_median_reported",
  close_hours_p90: "cases.close_hours_p90_reported",
};
const recoveryFigures = {
  recovery_followed_up_answered: "cases.recovery_followed_up_answered",
  recovery_not_followed_up_answered: "cases.recovery_not_followed_up_answered",
  recovery_rate_followed_up: "cases.recovery_rate_followed_up_reported",
  recovery_rate_not_followed_up: "cases.recovery_rate_not_followed_up_reported",
  recovery_difference: "cases.recovery_difference_reported",
  recovery_difference_low: "cases.recovery_difference_low_reported",
  recovery_difference_high: "cases.recovery_difference_high_reported",
  recovery_p_value: "cases.recovery_p_value_reported",
  recovery_significant: "cases.recovery_significant_reported",
};

const SOURCE_QUERIES_FOLLOW_UP: SourceQuery[] = [
  {
    name: "case_summary",
    description: "Follow-up over all time: cases, backlog, time to first action and to close, share closed within the SLA and the recovery rate with and without follow-up, in total, per business unit and per owner.",
    measures: { ...caseFigures, ...recoveryFigures },
    scopes: [
      { scope: "total", label: "all" },
      { scope: "business_unit", dimension: "cases.business_unit" },
      { scope: "owner", dimension: "cases.owner" },
    ],
    orderBy: ["scope", "scope_value"],
  },
  {
    name: "case_quarters",
    description: "Follow-up per quarter the cases were opened: cases, time to first action, share closed within the SLA.",
    measures: caseFigures,
    time: { column: "period", dimension: "cases.created_at", granularity: COMPARISON_GRANULARITY },
    orderBy: ["period"],
  },
  {
    name: "case_root_causes",
    description: "Closed cases per root cause (the Pareto of why detractors were unhappy), total and per business unit.",
    measures: { cases: "cases.closed_cases" },
    dimensions: { root_cause: "cases.root_cause" },
    filters: [{ member: "cases.root_cause", operator: "set" }],
    scopes: [
      { scope: "total", label: "all" },
      { scope: "business_unit", dimension: "cases.business_unit" },
    ],
    orderBy: ["scope", "scope_value", "root_cause"],
  },
];


/** The value page (pages/value.md): churn by NPS category, revenue at risk, net revenue retention
 * and earned growth (views value, value_revenue, value_trend; docs/value.md). Every figure of a
 * group is its `_reported` twin (null below the minimum sample); counts may be shown. */
const churnFigures = {
  observed_answers: "value.observed_answers",
  churned_answers: "value.churned_answers",
  promoter_observed: "value.promoter_observed",
  passive_observed: "value.passive_observed",
  detractor_observed: "value.detractor_observed",
  churn_rate: "value.churn_rate_reported",
  churn_rate_promoter: "value.churn_rate_promoter_reported",
  churn_rate_promoter_low: "value.churn_rate_promoter_low_reported",
  churn_rate_promoter_high: "value.churn_rate_promoter_high_reported",
  churn_rate_passive: "value.churn_rate_passive_reported",
  churn_rate_passive_low: "value.churn_rate_passive_low_reported",
  churn_rate_passive_high: "value.churn_rate_passive_high_reported",
  churn_rate_detractor: "value.churn_rate_detractor_reported",
  churn_rate_detractor_low: "value.churn_rate_detractor_low_reported",
  churn_rate_detractor_high: "value.churn_rate_detractor_high_reported",
  churn_ratio: "value.churn_ratio_reported",
  churn_ratio_low: "value.churn_ratio_low_reported",
  churn_ratio_high: "value.churn_ratio_high_reported",
  average_revenue_promoter: "value.average_revenue_promoter_reported",
  average_revenue_passive: "value.average_revenue_passive_reported",
  average_revenue_detractor: "value.average_revenue_detractor_reported",
  lifetime_value_promoter: "value.lifetime_value_promoter_reported",
  lifetime_value_passive: "value.lifetime_value_passive_reported",
  lifetime_value_detractor: "value.lifetime_value_detractor_reported",
  window_days: "value.window_days",
  discount_rate: "value.discount_rate",
};
const revenueFigures = {
  customers: "value_revenue.customer_count",
  active_customers: "value_revenue.active_customers",
  asked_customers: "value_revenue.asked_customers",
  detractor_customers: "value_revenue.detractor_customers",
  active_revenue: "value_revenue.active_revenue_reported",
  revenue_at_risk: "value_revenue.revenue_at_risk_reported",
  revenue_at_risk_passives: "value_revenue.revenue_at_risk_passives_reported",
  revenue_at_risk_share: "value_revenue.revenue_at_risk_share_reported",
  start_customers: "value_revenue.start_customers",
  net_revenue_retention: "value_revenue.net_revenue_retention_reported",
  earned_new_customers: "value_revenue.earned_new_customers_reported",
  earned_growth_rate: "value_revenue.earned_growth_rate_reported",
};

const SOURCE_QUERIES_VALUE: SourceQuery[] = [
  {
    name: "value_churn",
    description: "Churn within the window after a relationship answer by NPS category (Wilson intervals), the detractor / promoter ratio (Katz interval) and lifetime value by category, in total, per segment and per business unit.",
    measures: churnFigures,
    // The same on every row: grouping by them changes nothing, and they come through as they are.
    dimensions: { ledger_end: "value.ledger_end", currency: "value.currency" },
    scopes: [
      { scope: "total", label: "all" },
      { scope: "segment", dimension: "value.segment" },
      { scope: "business_unit", dimension: "value.business_unit" },
    ],
    orderBy: ["scope", "scope_value"],
  },
  {
    name: "value_revenue",
    description: "Revenue at risk (current customers whose latest relationship answer is a detractor's), net revenue retention and earned growth, in total, per segment and per business unit.",
    measures: revenueFigures,
    scopes: [
      { scope: "total", label: "all" },
      { scope: "segment", dimension: "value_revenue.segment" },
      { scope: "business_unit", dimension: "value_revenue.business_unit" },
    ],
    orderBy: ["scope", "scope_value"],
  },
  {
    name: "value_trend",
    description: "Revenue at risk at each export of the customer ledger.",
    measures: { customers: "value_trend.customer_count", annual_revenue: "value_trend.annual_revenue_reported", revenue_at_risk: "value_trend.revenue_at_risk_reported", revenue_at_risk_share: "value_trend.revenue_at_risk_share_reported" },
    time: { column: "as_of", dimension: "value_trend.as_of", granularity: "day" },
    orderBy: ["as_of"],
  },
];

/** The survey pressure page (pages/survey-pressure.md): the `invitations` view. Rates are their
 * `_reported` twins (null below the minimum sample); counts may be shown. */
const invitationFigures = {
  invitations: "invitations.invitation_count",
  answered: "invitations.answered",
  response_rate: "invitations.response_rate_reported",
  response_rate_low: "invitations.response_rate_low_reported",
  response_rate_high: "invitations.response_rate_high_reported",
  rule_breaking: "invitations.rule_breaking",
  rule_breaking_share: "invitations.rule_breaking_share_reported",
  straight_lined_share: "invitations.straight_lined_share_reported",
  empty_reason_share: "invitations.empty_reason_share_reported",
};

const SOURCE_QUERIES_INVITATIONS: SourceQuery[] = [
  {
    name: "invitation_summary",
    description: "Invitations, response rate, rule breaks, fatigue signals and the NPS of often against rarely asked customers, in total, per survey type and per business unit.",
    measures: {
      ...invitationFigures,
      often_answered: "invitations.often_answered",
      rarely_answered: "invitations.rarely_answered",
      nps_often: "invitations.nps_often_reported",
      nps_rarely: "invitations.nps_rarely_reported",
      nps_often_difference: "invitations.nps_often_difference_reported",
      nps_often_difference_low: "invitations.nps_often_difference_low_reported",
      nps_often_difference_high: "invitations.nps_often_difference_high_reported",
      nps_often_significant: "invitations.nps_often_significant_reported",
    },
    scopes: [
      { scope: "total", label: "all" },
      { scope: "survey_type", dimension: "invitations.survey_type" },
      { scope: "business_unit", dimension: "invitations.business_unit" },
    ],
    orderBy: ["scope", "scope_value"],
  },
  {
    name: "invitation_months",
    description: "Invitations, response rate and rule breaks per month sent.",
    measures: invitationFigures,
    time: { column: "period", dimension: "invitations.sent_at", granularity: "month" },
    orderBy: ["period"],
  },
  {
    name: "invitation_ranks",
    description: "Response rate and fatigue signals by the invitation's rank among the customer's invitations of the last 365 days (1, 2, 3, 4+).",
    measures: invitationFigures,
    dimensions: { rank_bucket: "invitations.rank_bucket" },
    orderBy: ["rank_bucket"],
  },
  {
    name: "invitation_gaps",
    description: "Response rate by the days since the customer's previous invitation.",
    measures: invitationFigures,
    dimensions: { gap_bucket: "invitations.gap_bucket" },
    orderBy: ["gap_bucket"],
  },
  {
    name: "invitation_rules",
    description: "Invitations that broke a contact rule, per rule and month sent.",
    measures: { invitations: "invitations.invitation_count" },
    dimensions: { broken_rule: "invitations.broken_rule" },
    time: { column: "period", dimension: "invitations.sent_at", granularity: "month" },
    filters: [{ member: "invitations.broken_rule", operator: "set" }],
    orderBy: ["period", "broken_rule"],
  },
];

export const SOURCE_QUERIES: readonly SourceQuery[] = [...SOURCE_QUERIES_BASE, ...SOURCE_QUERIES_14, ...SOURCE_QUERIES_FOLLOW_UP, ...SOURCE_QUERIES_VALUE, ...SOURCE_QUERIES_INVITATIONS];

/** The Cube queries of one source, one per scope (a single one without scopes). */
export function cubeQueries(source: SourceQuery): { scope: Scope | undefined; query: CubeQuery }[] {
  const scopes: (Scope | undefined)[] = source.scopes ?? [undefined];
  return scopes.map((scope) => {
    const dimensions = [...Object.values(source.dimensions ?? {})];
    if (scope?.dimension) dimensions.push(scope.dimension);
    if (scope?.family) dimensions.push(scope.family);
    const query: CubeQuery = { measures: Object.values(source.measures), dimensions };
    if (source.time) query.timeDimensions = [{ dimension: source.time.dimension, granularity: source.time.granularity }];
    const filters = [...(source.filters ?? []), ...(scope?.filters ?? [])];
    if (scope?.dimension) filters.push({ member: scope.dimension, operator: "set" });
    if (filters.length) query.filters = filters;
    if (source.ungrouped) query.ungrouped = true;
    // Cube's default row limit is 10 000; a source must never be cut off silently.
    query.limit = source.limit ?? 50_000;
    return { scope, query };
  });
}
