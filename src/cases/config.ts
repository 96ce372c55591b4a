/** Follow-up settings of a project: the `follow_up` section of promotor.yaml (docs/follow-up.md).
 *
 *   follow_up:
 *     sla_hours: 48                     # default time to the first action, per rule overridable
 *     business_hours: false             # true: Saturdays and Sundays do not count toward the SLA
 *     statuses: [waiting_for_customer]  # besides open, in_progress, closed (all still open)
 *     rules:                            # first matching rule wins; conditions of one rule all hold
 *       - name: cancellation_risk
 *         when: { keywords: [opzeggen, cancel] }
 *         priority: urgent
 *         sla_hours: 24
 *       - name: detractor
 *         when: { category: detractor }
 *
 * Without the section, every detractor answer (0–6) of a known customer opens a case (rule
 * `detractor`, priority high, 48 hours). The rules reach dbt as JSON in PROMOTOR_CASE_RULES
 * (transforms/macros/case_rules.sql turns them into SQL). */
import { PromotorError } from "../lib/errors.ts";
import { readSettingsFile } from "../lib/settings-file.ts";
import { projectRoot } from "../lib/paths.ts";

export const BASE_STATUSES = ["open", "in_progress", "closed"] as const;
export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface RuleCondition {
  category?: "detractor" | "passive" | "promoter";
  keywords?: string[];
  themes?: string[];
  touchpoints?: string[];
  segments?: string[];
  survey_types?: string[];
  ces_max?: number;
  csat_max?: number;
  score_max?: number;
}

export interface CaseRule {
  name: string;
  when: RuleCondition;
  priority: Priority;
  sla_hours: number;
}

export interface FollowUpSettings {
  slaHours: number;
  businessHours: boolean;
  /** Every status a case can have: the base three and the configured extra ones. */
  statuses: string[];
  rules: CaseRule[];
}

export const DEFAULT_SLA_HOURS = 48;
export const DEFAULT_RULE: CaseRule = { name: "detractor", when: { category: "detractor" }, priority: "high", sla_hours: DEFAULT_SLA_HOURS };

const CONDITION_KEYS: Record<keyof RuleCondition, "category" | "list" | "number"> = {
  category: "category",
  keywords: "list",
  themes: "list",
  touchpoints: "list",
  segments: "list",
  survey_types: "list",
  ces_max: "number",
  csat_max: "number",
  score_max: "number",
};
const SCALES: Record<string, [number, number]> = { ces_max: [1, 7], csat_max: [1, 5], score_max: [0, 10] };
const SECTION_KEYS = ["sla_hours", "business_hours", "statuses", "rules"];
const RULE_KEYS = ["name", "when", "priority", "sla_hours"];
const CODE = /^[a-z][a-z0-9_]*$/;

function fail(key: string, message: string, fix: string): never {
  throw new PromotorError(`follow_up.${key}: ${message}`, { file: "promotor.yaml", hint: fix });
}

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${where}${where ? "." : ""}${key}`, "unknown key", `use one of ${allowed.join(", ")} (docs/follow-up.md)`);
  }
}

function hours(value: unknown, key: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > 24 * 365) fail(key, `must be a number of hours above 0 (found ${JSON.stringify(value)})`, "e.g. sla_hours: 48");
  return value;
}

function parseCondition(raw: unknown, where: string): RuleCondition {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) fail(where, "must be a map of conditions", `e.g. when: { category: detractor } or when: { keywords: [opzeggen, cancel] }`);
  const value = raw as Record<string, unknown>;
  unknownKeys(value, Object.keys(CONDITION_KEYS), where);
  if (Object.keys(value).length === 0) fail(where, "has no condition, so it would open a case for every answer", "add a condition such as category: detractor");
  const out: RuleCondition = {};
  for (const [key, kind] of Object.entries(CONDITION_KEYS) as [keyof RuleCondition, string][]) {
    const v = value[key];
    if (v === undefined) continue;
    if (kind === "category") {
      if (v !== "detractor" && v !== "passive" && v !== "promoter") fail(`${where}.${key}`, `must be detractor, passive or promoter (found ${JSON.stringify(v)})`, "e.g. category: detractor");
      out.category = v;
    } else if (kind === "list") {
      const list = typeof v === "string" ? [v] : v;
      if (!Array.isArray(list) || list.length === 0 || list.some((x) => typeof x !== "string" || x.trim() === "")) {
        fail(`${where}.${key}`, "must be a non-empty list of texts", `e.g. ${key}: [${key === "keywords" ? "opzeggen, cancel" : "complaint"}]`);
      }
      (out as Record<string, unknown>)[key] = (list as string[]).map((x) => (key === "keywords" ? x.trim().toLowerCase() : x.trim()));
    } else {
      const [min, max] = SCALES[key]!;
      if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) fail(`${where}.${key}`, `must be a whole number from ${min} to ${max} (found ${JSON.stringify(v)})`, `e.g. ${key}: ${min + 1}`);
      (out as Record<string, unknown>)[key] = v;
    }
  }
  return out;
}

/** Validates a parsed follow_up section; every mistake names its key and the fix. */
export function parseFollowUp(section: unknown): FollowUpSettings {
  if (section === undefined || section === null) return { slaHours: DEFAULT_SLA_HOURS, businessHours: false, statuses: [...BASE_STATUSES], rules: [DEFAULT_RULE] };
  if (typeof section !== "object" || Array.isArray(section)) fail("", "must be a map", "see docs/follow-up.md for an example");
  const doc = section as Record<string, unknown>;
  unknownKeys(doc, SECTION_KEYS, "");
  const slaHours = doc["sla_hours"] === undefined ? DEFAULT_SLA_HOURS : hours(doc["sla_hours"], "sla_hours");
  const businessHours = doc["business_hours"] ?? false;
  if (typeof businessHours !== "boolean") fail("business_hours", `must be true or false (found ${JSON.stringify(businessHours)})`, "business_hours: true skips Saturdays and Sundays");
  const extra = doc["statuses"] ?? [];
  if (!Array.isArray(extra) || extra.some((s) => typeof s !== "string" || !CODE.test(s))) {
    fail("statuses", "must be a list of status codes (lower case, digits, _)", "e.g. statuses: [waiting_for_customer, escalated]");
  }
  for (const s of extra as string[]) if ((BASE_STATUSES as readonly string[]).includes(s)) fail("statuses", `"${s}" is a built-in status`, "list only the extra statuses; open, in_progress and closed always exist");
  let rules: CaseRule[] = [{ ...DEFAULT_RULE, sla_hours: slaHours }];
  if (doc["rules"] !== undefined) {
    if (!Array.isArray(doc["rules"]) || doc["rules"].length === 0) fail("rules", "must be a non-empty list of rules", "e.g. rules: [{ name: detractor, when: { category: detractor } }]");
    const names = new Set<string>();
    rules = (doc["rules"] as unknown[]).map((raw, i) => {
      const where = `rules[${i}]`;
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) fail(where, "must be a map with name and when", "e.g. - name: detractor\n    when: { category: detractor }");
      const r = raw as Record<string, unknown>;
      unknownKeys(r, RULE_KEYS, where);
      const name = r["name"];
      if (typeof name !== "string" || !CODE.test(name)) fail(`${where}.name`, `must be a code (lower case, digits, _) (found ${JSON.stringify(name)})`, "e.g. name: cancellation_risk");
      if (names.has(name)) fail(`${where}.name`, `"${name}" is used by two rules`, "give every rule its own name");
      names.add(name);
      if (r["when"] === undefined) fail(`${where}.when`, "is missing", "e.g. when: { category: detractor }");
      const priority = r["priority"] ?? "normal";
      if (!(PRIORITIES as readonly unknown[]).includes(priority)) fail(`${where}.priority`, `must be one of ${PRIORITIES.join(", ")} (found ${JSON.stringify(priority)})`, "e.g. priority: high");
      return {
        name,
        when: parseCondition(r["when"], `${where}.when`),
        priority: priority as Priority,
        sla_hours: r["sla_hours"] === undefined ? slaHours : hours(r["sla_hours"], `${where}.sla_hours`),
      };
    });
  }
  return { slaHours, businessHours, statuses: [...BASE_STATUSES, ...(extra as string[])], rules };
}

/** The follow_up section of <root>/promotor.yaml (defaults without the file or the section). */
export function readFollowUp(root: string = projectRoot): FollowUpSettings {
  return parseFollowUp(readSettingsFile(root)["follow_up"]);
}

/** What dbt reads (env PROMOTOR_CASE_RULES, macros/case_rules.sql). */
export function caseRulesEnv(settings: FollowUpSettings): Record<string, string> {
  return {
    PROMOTOR_CASE_RULES: JSON.stringify(settings.rules),
    PROMOTOR_CASE_BUSINESS_HOURS: settings.businessHours ? "true" : "false",
    PROMOTOR_CASE_STATUSES: JSON.stringify(settings.statuses),
  };
}
