/** What loyalty is worth (docs/value.md, docs/statistics.md "Churn and value"): churn after a
 * relationship answer by NPS category with Wilson intervals, the detractor / promoter churn
 * ratio with its Katz interval, observed lifetime value by category, revenue at risk, net
 * revenue retention and Reichheld's earned growth rate. Defined once here; Cube gets them
 * through the generated module, code and tests through these functions.
 *
 * Every figure of a group has a `_reported` twin that is null below the minimum sample: churn
 * figures by the observed answers of the group (a category's own figures by that category's,
 * the ratio by the smaller of detractors and promoters), revenue figures by the customers. */
import { Z_95 } from "./nps.ts";
import { col, percent, ratio, ref, when, whenSampleAtLeast } from "./sql.ts";
import { DEFAULT_MINIMUM_SAMPLE, type MeasureDefinition, type MeasureSet } from "./types.ts";

export const VALUE_CATEGORIES = ["promoter", "passive", "detractor"] as const;
export type ValueCategory = (typeof VALUE_CATEGORIES)[number];

/** Wilson score bound of the proportion x / n, in percent; NULL without n. */
export function wilsonBoundSql(x: string, n: string, side: -1 | 1, z = Z_95): string {
  const p = ratio(x, n);
  // Literals with an exponent are DOUBLE on both engines; Trino keeps 3.841600 a DECIMAL and
  // divides decimals at their scale (3.841600 / 1000 would lose digits).
  const z2 = `${(z * z).toFixed(6)}E0`;
  const m = `NULLIF(${n}, 0)`;
  return `100.0 * (${p} + ${z2} / (2.0 * ${m}) ${side < 0 ? "-" : "+"} ${z} * SQRT(${p} * (1 - ${p}) / ${m} + ${z2} / (4.0 * ${m} * ${m}))) / (1 + ${z2} / ${m})`;
}

/** Risk ratio (a / n1) / (c / n2) with Katz's log interval: exp(ln RR ± z √(1/a − 1/n1 + 1/c − 1/n2)).
 * NULL when either group has no event (the ratio or its interval is then undefined). */
export function riskRatioSql(a: string, n1: string, c: string, n2: string): string {
  return `CASE WHEN ${a} > 0 AND ${c} > 0 THEN (${ratio(a, n1)}) / NULLIF(${ratio(c, n2)}, 0) END`;
}
export function riskRatioBoundSql(a: string, n1: string, c: string, n2: string, side: -1 | 1, z = Z_95): string {
  const se = `SQRT(1.0E0 / NULLIF(${a}, 0) - 1.0E0 / NULLIF(${n1}, 0) + 1.0E0 / NULLIF(${c}, 0) - 1.0E0 / NULLIF(${n2}, 0))`;
  return `CASE WHEN ${a} > 0 AND ${c} > 0 THEN EXP(LN((${ratio(a, n1)}) / NULLIF(${ratio(c, n2)}, 0)) ${side < 0 ? "-" : "+"} ${z} * ${se}) END`;
}

/** Annual churn from churn within a window of `days`: 1 − (1 − p)^(365 / days). */
export const annualChurnSql = (windowChurn: string, days: string): string => `(1 - POWER(1 - (${windowChurn}), 365.0E0 / NULLIF(${days}, 0)))`;

/** Observed lifetime value: average annual revenue × (1 + d) / (1 + d − r), r = 1 − annual churn,
 * d the discount rate: the present value of a revenue kept each year with probability r
 * (revenue, not margin; constant revenue and churn; docs/statistics.md). */
export const lifetimeValueSql = (averageRevenue: string, annualChurn: string, discount: string): string =>
  `${averageRevenue} * (1 + ${discount}) / NULLIF(${discount} + ${annualChurn}, 0)`;

/** An observed answer: its churn window is over at the ledger's end and the customer was one then. */
const OBSERVED = [`${col("is_complete")}`, `${col("was_customer")}`];

/** Settings, not figures of a group: no minimum-sample twin. */
const SETTINGS = new Set(["window_days", "discount_rate"]);

/** `_reported` twins of a set's public figures: null below the minimum of `count` (sampleOf
 * names it per figure, with what it counts for the description); `skip` figures get none. */
export function withReported(set: MeasureSet, minimum: number, sampleOf: (name: string) => { count: string; by: string }, skip: ReadonlySet<string> = SETTINGS): MeasureSet {
  const out: MeasureSet = { ...set };
  for (const [name, m] of Object.entries(set)) {
    if (m.public === false || skip.has(name)) continue;
    const { count, by } = sampleOf(name);
    out[`${name}_reported`] = {
      type: "number",
      sql: whenSampleAtLeast(ref(name), count, minimum),
      title: `${m.title ?? name} (n ≥ ${minimum})`,
      description: `${m.description.replace(/\.$/, "")}; shown only when the group has at least ${minimum} ${by} (minimum-sample rule), else null.`,
      ...(m.format ? { format: m.format } : {}),
      meta: { minimumSample: minimum, suppressedBy: by },
    };
  }
  return out;
}

/** Churn and lifetime value by category (cube customer_answers over marts.fct_customer_answers). */
export function churnMeasures(options: { minimumSample?: number } = {}): MeasureSet {
  const minimum = options.minimumSample ?? DEFAULT_MINIMUM_SAMPLE;
  const set: MeasureSet = {
    observed_answers: { type: "count", title: "Observed answers", description: "Relationship answers whose churn window is over at the ledger's latest export, of customers who were customers when they answered.", filters: OBSERVED },
    churned_answers: { type: "count", title: "Answers followed by churn", description: "Observed answers after which the customer left within the churn window.", filters: [...OBSERVED, col("churned_in_window")] },
    churn_rate: { type: "number", sql: percent(ref("churned_answers"), ref("observed_answers")), title: "Churn within the window (%)", description: "Share of observed answers after which the customer left within the churn window, in percent.", format: "percent" },
    churn_rate_low: { type: "number", sql: wilsonBoundSql(ref("churned_answers"), ref("observed_answers"), -1), title: "Churn, 95 % interval low (%)", description: "Lower bound of the Wilson 95 % interval of the churn rate, in percent." },
    churn_rate_high: { type: "number", sql: wilsonBoundSql(ref("churned_answers"), ref("observed_answers"), 1), title: "Churn, 95 % interval high (%)", description: "Upper bound of the Wilson 95 % interval of the churn rate, in percent." },
    revenue_answers: { type: "count", description: "Observed answers of customers with a known annual revenue (building block).", filters: [...OBSERVED, `${col("annual_revenue")} IS NOT NULL`], public: false },
    revenue_sum: { type: "sum", sql: col("annual_revenue"), description: "Annual revenue at the answer, summed over observed answers (building block).", filters: OBSERVED, public: false },
    // Settings the same on every row (a number over the rows, as oldest_open_hours in cases.ts).
    window_days: { type: "number", sql: `MAX(date_diff('day', ${col("answered_on")}, ${col("window_ends_on")}))`, title: "Churn window (days)", description: "Days after an answer within which leaving counts as churn (promotor.yaml value.churn_window_days)." },
    discount_rate: { type: "number", sql: `MAX(${col("discount_rate")})`, title: "Discount rate", description: "Yearly discount rate of the lifetime value (promotor.yaml value.discount_rate), as a fraction." },
  };
  for (const c of VALUE_CATEGORIES) {
    const is = `${col(`is_${c}`)} = 1`;
    const n = ref(`${c}_observed`);
    const x = ref(`${c}_churned`);
    const label = `${c[0]!.toUpperCase()}${c.slice(1)}s`;
    set[`${c}_observed`] = { type: "count", title: `${label}, observed`, description: `Observed answers of ${c}s.`, filters: [...OBSERVED, is] };
    set[`${c}_churned`] = { type: "count", title: `${label} who left`, description: `Observed answers of ${c}s after which the customer left within the window.`, filters: [...OBSERVED, is, col("churned_in_window")] };
    set[`churn_rate_${c}`] = { type: "number", sql: percent(x, n), title: `Churn after a ${c}'s answer (%)`, description: `Share of ${c}s' observed answers after which the customer left within the window, in percent.`, format: "percent" };
    set[`churn_rate_${c}_low`] = { type: "number", sql: wilsonBoundSql(x, n, -1), title: `Churn of ${c}s, 95 % low (%)`, description: `Lower bound of the Wilson 95 % interval of the ${c}s' churn rate, in percent.` };
    set[`churn_rate_${c}_high`] = { type: "number", sql: wilsonBoundSql(x, n, 1), title: `Churn of ${c}s, 95 % high (%)`, description: `Upper bound of the Wilson 95 % interval of the ${c}s' churn rate, in percent.` };
    set[`${c}_revenue_answers`] = { type: "count", description: `Observed answers of ${c}s with a known revenue (building block).`, filters: [...OBSERVED, is, `${col("annual_revenue")} IS NOT NULL`], public: false };
    set[`${c}_revenue_sum`] = { type: "sum", sql: col("annual_revenue"), description: `Annual revenue at the answer of ${c}s (building block).`, filters: [...OBSERVED, is], public: false };
    set[`average_revenue_${c}`] = { type: "number", sql: ratio(ref(`${c}_revenue_sum`), ref(`${c}_revenue_answers`)), title: `Average annual revenue of ${c}s`, description: `Average annual revenue at the answer of ${c}s (observed answers), in the ledger's currency.` };
    set[`lifetime_value_${c}`] = {
      type: "number",
      sql: when(`${n} > 0`, lifetimeValueSql(ref(`average_revenue_${c}`), annualChurnSql(ratio(x, n), ref("window_days")), ref("discount_rate"))),
      title: `Lifetime value of a ${c}`,
      description: `Observed lifetime value of a ${c}: average annual revenue × (1 + d) / (d + annual churn), with the annual churn from the ${c}s' churn within the window and d the discount rate (revenue, not margin; constant revenue and churn assumed), in the ledger's currency.`,
    };
  }
  set["churn_ratio"] = {
    type: "number",
    sql: riskRatioSql(ref("detractor_churned"), ref("detractor_observed"), ref("promoter_churned"), ref("promoter_observed")),
    title: "Detractor / promoter churn",
    description: "How many times as often customers left after a detractor's answer as after a promoter's (ratio of the churn rates); null when either group has no churn.",
  };
  set["churn_ratio_low"] = { type: "number", sql: riskRatioBoundSql(ref("detractor_churned"), ref("detractor_observed"), ref("promoter_churned"), ref("promoter_observed"), -1), title: "Detractor / promoter churn, 95 % low", description: "Lower bound of the Katz (log) 95 % interval of the churn ratio." };
  set["churn_ratio_high"] = { type: "number", sql: riskRatioBoundSql(ref("detractor_churned"), ref("detractor_observed"), ref("promoter_churned"), ref("promoter_observed"), 1), title: "Detractor / promoter churn, 95 % high", description: "Upper bound of the Katz (log) 95 % interval of the churn ratio." };
  const categoryOf = (name: string): ValueCategory | undefined => VALUE_CATEGORIES.find((c) => name.includes(c));
  return withReported(set, minimum, (name) => {
    if (name.startsWith("churn_ratio")) return { count: `LEAST(${ref("detractor_observed")}, ${ref("promoter_observed")})`, by: "observed answers of detractors and of promoters each" };
    const c = categoryOf(name);
    return c ? { count: ref(`${c}_observed`), by: `observed answers of ${c}s` } : { count: ref("observed_answers"), by: "observed answers" };
  });
}

/** Revenue at risk, net revenue retention and earned growth (cube customer_ledger over
 * marts.dim_customer_ledger, one row per customer as the latest export describes them). */
export function ledgerMeasures(options: { minimumSample?: number } = {}): MeasureSet {
  const minimum = options.minimumSample ?? DEFAULT_MINIMUM_SAMPLE;
  const active = col("is_active");
  const category = (c: string): string => `${col("latest_category")} = '${c}'`;
  const cohort = col("in_start_cohort");
  const set: Record<string, MeasureDefinition> = {
    // Not "customers": a member may not share the name of a cube (customers) it would reference.
    customer_count: { type: "count", title: "Customers", description: "Customers in the ledger (latest export), current and former." },
    active_customers: { type: "count", title: "Current customers", description: "Customers who had not left at the ledger's latest export.", filters: [active] },
    active_revenue: { type: "sum", sql: col("annual_revenue"), title: "Annual revenue", description: "Annual revenue of the current customers, in the ledger's currency.", filters: [active] },
    revenue_at_risk: { type: "sum", sql: col("annual_revenue"), title: "Revenue at risk (detractors)", description: "Annual revenue of current customers whose latest relationship answer is a detractor's, in the ledger's currency.", filters: [active, category("detractor")] },
    revenue_at_risk_passives: { type: "sum", sql: col("annual_revenue"), title: "Revenue of passives", description: "Annual revenue of current customers whose latest relationship answer is a passive's, in the ledger's currency.", filters: [active, category("passive")] },
    revenue_of_promoters: { type: "sum", sql: col("annual_revenue"), title: "Revenue of promoters", description: "Annual revenue of current customers whose latest relationship answer is a promoter's, in the ledger's currency.", filters: [active, category("promoter")] },
    detractor_customers: { type: "count", title: "Current customers, detractors", description: "Current customers whose latest relationship answer is a detractor's.", filters: [active, category("detractor")] },
    asked_customers: { type: "count", title: "Current customers asked", description: "Current customers with at least one relationship answer.", filters: [active, `${col("latest_category")} IS NOT NULL`] },
    revenue_at_risk_share: { type: "number", sql: percent(ref("revenue_at_risk"), ref("active_revenue")), title: "Revenue at risk (%)", description: "Revenue at risk as a share of the current customers' annual revenue, in percent.", format: "percent" },
    start_customers: { type: "count", title: "Customers a year ago", description: "Customers at the start of the last year (the ledger's latest export − 365 days).", filters: [cohort] },
    start_revenue: { type: "sum", sql: col("revenue_at_year_start"), title: "Revenue a year ago", description: "Annual revenue a year before the latest export of the customers of then, in the ledger's currency.", filters: [cohort] },
    retained_revenue: { type: "sum", sql: col("revenue_now"), title: "Their revenue now", description: "Annual revenue now of the customers of a year ago (0 for those who left), in the ledger's currency.", filters: [cohort] },
    earned_new_revenue: { type: "sum", sql: col("annual_revenue"), title: "Revenue of referred new customers", description: "Annual revenue of customers who began in the last year through a referral (acquired_via; promotor.yaml value.referral_values), in the ledger's currency.", filters: [col("is_new_in_year"), col("is_referral"), active] },
    net_revenue_retention: { type: "number", sql: percent(ref("retained_revenue"), ref("start_revenue")), title: "Net revenue retention (%)", description: "Revenue now of the customers of a year ago as a share of their revenue then, in percent (above 100: they spend more than those who left took away).", format: "percent" },
    earned_new_customers: { type: "number", sql: percent(`coalesce(${ref("earned_new_revenue")}, 0)`, ref("start_revenue")), title: "Earned new customers (%)", description: "Revenue of customers referred in the last year as a share of the revenue a year ago, in percent (Reichheld's ENC).", format: "percent" },
    earned_growth_rate: { type: "number", sql: `${percent(ref("retained_revenue"), ref("start_revenue"))} + ${percent(`coalesce(${ref("earned_new_revenue")}, 0)`, ref("start_revenue"))}`, title: "Earned growth rate (%)", description: "Net revenue retention plus earned new customers, in percent (Reichheld 2021: growth from customers who stay, spend more and refer; 100 = flat).", format: "percent" },
  };
  const retention = new Set(["start_customers", "start_revenue", "retained_revenue", "earned_new_revenue", "net_revenue_retention", "earned_new_customers", "earned_growth_rate"]);
  return withReported(set, minimum, (name) =>
    retention.has(name) ? { count: ref("start_customers"), by: "customers a year ago" } : name === "customer_count" ? { count: ref("customer_count"), by: "customers" } : { count: ref("active_customers"), by: "current customers" },
  );
}

/** Revenue at risk over the ledger's exports (cube revenue_at_risk_history over marts.fct_revenue_at_risk). */
export function revenueHistoryMeasures(options: { minimumSample?: number } = {}): MeasureSet {
  const minimum = options.minimumSample ?? DEFAULT_MINIMUM_SAMPLE;
  const category = (c: string): string => `${col("latest_category")} = '${c}'`;
  const set: MeasureSet = {
    customer_count: { type: "sum", sql: col("customers"), title: "Customers", description: "Customers at the export's date." },
    annual_revenue: { type: "sum", sql: col("annual_revenue"), title: "Annual revenue", description: "Annual revenue of the customers at the export's date, in the ledger's currency." },
    revenue_at_risk: { type: "sum", sql: col("annual_revenue"), title: "Revenue at risk (detractors)", description: "Annual revenue of customers whose latest relationship answer before the date was a detractor's.", filters: [category("detractor")] },
    revenue_at_risk_share: { type: "number", sql: percent(ref("revenue_at_risk"), ref("annual_revenue")), title: "Revenue at risk (%)", description: "Revenue at risk as a share of the annual revenue at the date, in percent.", format: "percent" },
  };
  return withReported(set, minimum, () => ({ count: ref("customer_count"), by: "customers" }));
}
