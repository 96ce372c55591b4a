/** Contact rules: who may be asked (docs/survey-pressure.md). The `contact_rules` section of
 * promotor.yaml, validated; defaults without it:
 *
 *   contact_rules:
 *     min_days_between: 30          # between any two invitations to a customer
 *     response_window_days: 14      # an answer this long after an invitation answers it
 *     survey_types:
 *       relationship: { max_per_365_days: 2 }
 *     touchpoints:                  # touchpoint surveys, per touchpoint
 *       app: { min_days_between: 7 }
 *     quiet_after_touchpoints: { complaint: 14 }   # no invitation within 14 days after a complaint answer
 *     hold_while_case_open: true    # no invitation while a follow-up case of the customer is open
 *
 * An invitation's gap is its touchpoint's min_days_between, else its survey type's, else the
 * global one, measured from the customer's previous invitation of any survey; its cap counts the
 * invitations of its kind (survey type; with a touchpoint cap, that touchpoint) in the 365 days
 * up to it. The same rules run in the warehouse (dbt: PROMOTOR_CONTACT_RULES,
 * transforms/macros/contact_rules.sql) and in `promotor contacts eligible`. */
import { PromotorError } from "../lib/errors.ts";
import { projectRoot } from "../lib/paths.ts";
import { readSettingsFile, SETTINGS_FILE } from "../lib/settings-file.ts";

export interface KindRule {
  min_days_between?: number;
  max_per_365_days?: number;
}

export interface ContactRules {
  min_days_between: number;
  response_window_days: number;
  survey_types: { relationship?: KindRule; touchpoint?: KindRule };
  touchpoints: Record<string, KindRule>;
  quiet_after_touchpoints: Record<string, number>;
  hold_while_case_open: boolean;
}

export const DEFAULT_CONTACT_RULES: ContactRules = {
  min_days_between: 30,
  response_window_days: 14,
  survey_types: { relationship: { max_per_365_days: 2 } },
  touchpoints: {},
  quiet_after_touchpoints: { complaint: 14 },
  hold_while_case_open: true,
};

function fail(key: string, message: string, fix: string): never {
  throw new PromotorError(`contact_rules${key ? `.${key}` : ""}: ${message}`, { file: SETTINGS_FILE, hint: fix, exitCode: 2 });
}

const days = (value: unknown, key: string, min: number): number => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > 3650) fail(key, `${JSON.stringify(value)} is not a whole number of days from ${min} to 3650`, `e.g. ${key.split(".").at(-1)}: 30`);
  return value;
};

function kindRule(value: unknown, key: string): KindRule {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(key, "must be a map", `e.g. ${key}: { min_days_between: 30, max_per_365_days: 2 }`);
  const out: KindRule = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === "min_days_between") out.min_days_between = days(v, `${key}.${k}`, 0);
    else if (k === "max_per_365_days") {
      if (v === 0) fail(`${key}.${k}`, "0 lets no customer ever be invited", "remove the survey type or touchpoint from the programme instead, or allow at least 1");
      out.max_per_365_days = days(v, `${key}.${k}`, 1);
    } else fail(`${key}.${k}`, "is not a rule", "a survey type or touchpoint takes min_days_between and max_per_365_days");
  }
  return out;
}

/** A gap and a cap that cannot both hold: n invitations in 365 days need (n − 1) gaps. */
function checkConsistent(rule: KindRule, gap: number, key: string): void {
  const cap = rule.max_per_365_days;
  const g = rule.min_days_between ?? gap;
  if (cap !== undefined && cap > 1 && (cap - 1) * g >= 365) {
    fail(key, `max_per_365_days ${cap} and min_days_between ${g} contradict each other: ${cap} invitations in 365 days need gaps of less than ${Math.ceil(365 / (cap - 1))} days`, `lower max_per_365_days to ${Math.max(1, Math.floor(364 / g) + 1)} or min_days_between below ${Math.ceil(365 / (cap - 1))}`);
  }
}

export function parseContactRules(section: unknown): ContactRules {
  if (section === undefined || section === null) return structuredClone(DEFAULT_CONTACT_RULES);
  if (typeof section !== "object" || Array.isArray(section)) fail("", "must be a map", "write e.g.\ncontact_rules:\n  min_days_between: 30");
  const s = section as Record<string, unknown>;
  const known = ["min_days_between", "response_window_days", "survey_types", "touchpoints", "quiet_after_touchpoints", "hold_while_case_open"];
  for (const k of Object.keys(s)) if (!known.includes(k)) fail(k, "is not a setting", `the contact rules are ${known.join(", ")}`);
  const rules: ContactRules = structuredClone(DEFAULT_CONTACT_RULES);
  if (s["min_days_between"] !== undefined) rules.min_days_between = days(s["min_days_between"], "min_days_between", 0);
  if (s["response_window_days"] !== undefined) rules.response_window_days = days(s["response_window_days"], "response_window_days", 1);
  if (s["survey_types"] !== undefined) {
    const t = s["survey_types"];
    if (typeof t !== "object" || t === null || Array.isArray(t)) fail("survey_types", "must be a map of survey type -> rules", "e.g. survey_types: { relationship: { max_per_365_days: 2 } }");
    rules.survey_types = {};
    for (const [k, v] of Object.entries(t as Record<string, unknown>)) {
      if (k !== "relationship" && k !== "touchpoint") fail(`survey_types.${k}`, "is not a survey type", "relationship or touchpoint");
      rules.survey_types[k] = kindRule(v, `survey_types.${k}`);
    }
  }
  if (s["touchpoints"] !== undefined) {
    const t = s["touchpoints"];
    if (typeof t !== "object" || t === null || Array.isArray(t)) fail("touchpoints", "must be a map of touchpoint -> rules", "e.g. touchpoints: { app: { min_days_between: 7 } }");
    rules.touchpoints = {};
    for (const [k, v] of Object.entries(t as Record<string, unknown>)) {
      if (k === "relationship") fail(`touchpoints.${k}`, "relationship surveys have no touchpoint", "put relationship rules under survey_types.relationship");
      rules.touchpoints[k.toLowerCase()] = kindRule(v, `touchpoints.${k}`);
    }
  }
  if (s["quiet_after_touchpoints"] !== undefined) {
    const q = s["quiet_after_touchpoints"];
    if (typeof q !== "object" || q === null || Array.isArray(q)) fail("quiet_after_touchpoints", "must be a map of touchpoint -> days", "e.g. quiet_after_touchpoints: { complaint: 14 }");
    rules.quiet_after_touchpoints = {};
    for (const [k, v] of Object.entries(q as Record<string, unknown>)) rules.quiet_after_touchpoints[k.toLowerCase()] = days(v, `quiet_after_touchpoints.${k}`, 1);
  }
  if (s["hold_while_case_open"] !== undefined) {
    if (typeof s["hold_while_case_open"] !== "boolean") fail("hold_while_case_open", "must be true or false", "hold_while_case_open: true");
    rules.hold_while_case_open = s["hold_while_case_open"];
  }
  for (const [k, r] of Object.entries(rules.survey_types)) checkConsistent(r, rules.min_days_between, `survey_types.${k}`);
  for (const [k, r] of Object.entries(rules.touchpoints)) checkConsistent(r, rules.survey_types.touchpoint?.min_days_between ?? rules.min_days_between, `touchpoints.${k}`);
  return rules;
}

export function readContactRules(root: string = projectRoot): ContactRules {
  return parseContactRules(readSettingsFile(root)["contact_rules"]);
}

/** What dbt reads (transforms/macros/contact_rules.sql). */
export function contactRulesEnv(rules: ContactRules): Record<string, string> {
  return { PROMOTOR_CONTACT_RULES: JSON.stringify(rules) };
}

/** SQL: the gap (days) that applies to an invitation of survey type `t` at touchpoint `p`. */
export function gapSql(rules: ContactRules, t: string, p: string): string {
  const cases: string[] = [];
  for (const [tp, r] of Object.entries(rules.touchpoints)) if (r.min_days_between !== undefined) cases.push(`WHEN ${t} = 'touchpoint' AND ${p} = '${tp.replaceAll("'", "''")}' THEN ${r.min_days_between}`);
  for (const [st, r] of Object.entries(rules.survey_types)) if (r.min_days_between !== undefined) cases.push(`WHEN ${t} = '${st}' THEN ${r.min_days_between}`);
  return cases.length ? `(CASE ${cases.join(" ")} ELSE ${rules.min_days_between} END)` : String(rules.min_days_between);
}

/** The caps: one per survey type and per touchpoint that has one. */
export function capsOf(rules: ContactRules): { surveyType: string; touchpoint: string | null; max: number; name: string }[] {
  const caps: { surveyType: string; touchpoint: string | null; max: number; name: string }[] = [];
  for (const [st, r] of Object.entries(rules.survey_types)) if (r.max_per_365_days !== undefined) caps.push({ surveyType: st, touchpoint: null, max: r.max_per_365_days, name: `max_per_365_days (${st})` });
  for (const [tp, r] of Object.entries(rules.touchpoints)) if (r.max_per_365_days !== undefined) caps.push({ surveyType: "touchpoint", touchpoint: tp, max: r.max_per_365_days, name: `max_per_365_days (${tp})` });
  return caps;
}
