/** Value settings of a project: the `value` section of promotor.yaml (docs/value.md).
 *
 *   value:
 *     churn_window_days: 365        # leaving within this many days after an answer is churn
 *     discount_rate: 0.08           # yearly, for the lifetime value
 *     referral_values: [referral]   # acquired_via values (contained, case ignored) that are referrals
 *     currency: EUR                 # how amounts are shown on the pages
 *
 * They reach dbt as PROMOTOR_CHURN_WINDOW_DAYS, PROMOTOR_DISCOUNT_RATE, PROMOTOR_REFERRAL_VALUES
 * and PROMOTOR_CURRENCY (transforms/macros/customer_value.sql). */
import { PromotorError } from "../lib/errors.ts";
import { projectRoot } from "../lib/paths.ts";
import { readSettingsFile, SETTINGS_FILE } from "../lib/settings-file.ts";
import { CURRENCIES } from "../ingest/dataset-mapping.ts";

export interface ValueSettings {
  churnWindowDays: number;
  discountRate: number;
  referralValues: string[];
  currency: string;
}

export const DEFAULT_VALUE: ValueSettings = { churnWindowDays: 365, discountRate: 0.08, referralValues: ["referral"], currency: "EUR" };

const fail = (key: string, message: string, fix: string): never => {
  throw new PromotorError(`value.${key}: ${message}`, { file: SETTINGS_FILE, hint: fix, exitCode: 2 });
};

export function parseValue(section: unknown): ValueSettings {
  if (section === undefined || section === null) return { ...DEFAULT_VALUE };
  if (typeof section !== "object" || Array.isArray(section)) fail("", "must be a map", "write e.g.\nvalue:\n  churn_window_days: 365");
  const s = section as Record<string, unknown>;
  const known = ["churn_window_days", "discount_rate", "referral_values", "currency"];
  for (const k of Object.keys(s)) if (!known.includes(k)) fail(k, "is not a setting", `the value settings are ${known.join(", ")}`);
  const days = s["churn_window_days"] ?? DEFAULT_VALUE.churnWindowDays;
  if (typeof days !== "number" || !Number.isInteger(days) || days < 30 || days > 1830) fail("churn_window_days", `${JSON.stringify(days)} is not a whole number of days from 30 to 1830`, "e.g. churn_window_days: 365");
  const rate = s["discount_rate"] ?? DEFAULT_VALUE.discountRate;
  if (typeof rate !== "number" || !(rate > 0) || rate > 0.5) fail("discount_rate", `${JSON.stringify(rate)} is not a yearly rate above 0 and at most 0.5`, "e.g. discount_rate: 0.08 (8 % a year)");
  const referral = s["referral_values"] ?? DEFAULT_VALUE.referralValues;
  if (!Array.isArray(referral) || referral.length === 0 || referral.some((v) => typeof v !== "string" || v.trim() === "" || /['"\\]/.test(v))) {
    fail("referral_values", "must be a list of words without quotes", "e.g. referral_values: [referral, partner referral]");
  }
  const currency = String(s["currency"] ?? DEFAULT_VALUE.currency).toUpperCase();
  if (!CURRENCIES[currency]) fail("currency", `"${currency}" is not known`, `one of ${Object.keys(CURRENCIES).join(", ")}`);
  return { churnWindowDays: days as number, discountRate: rate as number, referralValues: (referral as string[]).map((v) => v.trim().toLowerCase()), currency };
}

export function readValue(root: string = projectRoot): ValueSettings {
  return parseValue(readSettingsFile(root)["value"]);
}

/** What dbt reads (macros/customer_value.sql). */
export function valueEnv(settings: ValueSettings): Record<string, string> {
  return {
    PROMOTOR_CHURN_WINDOW_DAYS: String(settings.churnWindowDays),
    PROMOTOR_DISCOUNT_RATE: String(settings.discountRate),
    PROMOTOR_REFERRAL_VALUES: JSON.stringify(settings.referralValues),
    PROMOTOR_CURRENCY: settings.currency,
  };
}
