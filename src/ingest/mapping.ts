import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PromotorError } from "../lib/errors.ts";
import { projectRoot } from "../lib/paths.ts";
import { CANONICAL_NAMES } from "../survey/canonical.ts";

/** How an export's columns become the canonical layout. Loaded from a YAML file. */
export interface Mapping {
  name: string;
  /** File the mapping came from (for messages). */
  source: string;
  /** Rows after the column header that are not data (Qualtrics: question text + ImportId). */
  extraHeaderRows: number;
  /** canonical column -> export column */
  columns: Record<string, string>;
  /** canonical column -> fixed value for every row (e.g. survey_type: touchpoint) */
  constants: Record<string, string>;
  /** Time zone of timestamps that carry no offset. */
  timezone: string;
  /** strptime format for answered_at when it is not ISO 8601. */
  timestampFormat: string | undefined;
  /** Qualtrics `<Q>_NPS_GROUP` column to check against recommend_score. */
  npsGroupColumn: string | undefined;
}

export const PRESETS: Record<string, string> = {
  qualtrics: join(projectRoot, "mappings", "qualtrics.yaml"),
  canonical: join(projectRoot, "mappings", "canonical.yaml"),
};

/** The identity mapping: an export that already uses the canonical column names. */
export function canonicalMapping(): Mapping {
  return {
    name: "canonical",
    source: "(built in)",
    extraHeaderRows: 0,
    columns: Object.fromEntries(CANONICAL_NAMES.map((n) => [n, n])),
    constants: {},
    timezone: "UTC",
    timestampFormat: undefined,
    npsGroupColumn: undefined,
  };
}

const asRecord = (value: unknown, key: string, file: string): Record<string, string> => {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new PromotorError(`"${key}" must be a map of canonical column -> value`, { file, hint: `write e.g.\n${key}:\n  response_id: ResponseId` });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!CANONICAL_NAMES.includes(k)) {
      throw new PromotorError(`"${key}.${k}" is not a canonical column`, { file, hint: `canonical columns: ${CANONICAL_NAMES.join(", ")}` });
    }
    out[k] = String(v);
  }
  return out;
};

/** Loads a mapping by preset name (`qualtrics`) or YAML path. */
export function loadMapping(nameOrPath: string): Mapping {
  const file = PRESETS[nameOrPath] ?? nameOrPath;
  if (!existsSync(file)) {
    throw new PromotorError(`mapping file not found`, { file, hint: `pass a YAML file or a preset: ${Object.keys(PRESETS).join(", ")}` });
  }
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new PromotorError(`mapping is not valid YAML: ${(error as Error).message}`, { file, hint: "see mappings/qualtrics.yaml for the format" });
  }
  if (typeof doc !== "object" || doc === null) throw new PromotorError("mapping is empty", { file, hint: "see mappings/qualtrics.yaml for the format" });
  const d = doc as Record<string, unknown>;
  const columns = asRecord(d["columns"], "columns", file);
  const constants = asRecord(d["constants"], "constants", file);
  for (const required of ["response_id", "answered_at", "recommend_score"]) {
    if (!(required in columns) && !(required in constants)) {
      throw new PromotorError(`mapping has no source column for required "${required}"`, { file, hint: `add "columns: { ${required}: <export column> }"` });
    }
  }
  return {
    name: typeof d["name"] === "string" ? d["name"] : file,
    source: file,
    extraHeaderRows: typeof d["extra_header_rows"] === "number" ? d["extra_header_rows"] : 0,
    columns,
    constants,
    timezone: typeof d["timezone"] === "string" ? d["timezone"] : "UTC",
    timestampFormat: typeof d["timestamp_format"] === "string" ? d["timestamp_format"] : undefined,
    npsGroupColumn: typeof d["nps_group_column"] === "string" ? d["nps_group_column"] : undefined,
  };
}
