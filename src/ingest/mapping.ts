import { parseEncoding, type Encoding } from "./encoding.ts";
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
  /** The mapping's `timestamp_format` as written (for messages); undefined = ISO 8601. */
  timestampFormat: string | undefined;
  /** DuckDB strptime formats tried in order (from `timestamp_format`, named or strptime). */
  strptimeFormats: string[];
  /** `timestamp_format` includes `excel`: a number is an Excel serial date (days since 1899-12-30). */
  excelSerial: boolean;
  /** Quarantine rows whose touchpoint is not in the journey map (default: load and report them). */
  strictTouchpoints: boolean;
  /** Worksheet of an .xlsx export (default: the first). */
  sheet: string | undefined;
  /** Character encoding of a CSV export (`encoding:`); undefined = decided from the file. */
  encoding: Encoding | undefined;
  /** Values that mean "no answer" in this tool's exports (e.g. Microsoft Forms' "anonymous"), case ignored. */
  nullValues: string[];
  /** Qualtrics `<Q>_NPS_GROUP` column to check against recommend_score. */
  npsGroupColumn: string | undefined;
}

export const PRESETS: Record<string, string> = {
  qualtrics: join(projectRoot, "mappings", "qualtrics.yaml"),
  "google-forms": join(projectRoot, "mappings", "google-forms.yaml"),
  "microsoft-forms": join(projectRoot, "mappings", "microsoft-forms.yaml"),
  surveymonkey: join(projectRoot, "mappings", "surveymonkey.yaml"),
  typeform: join(projectRoot, "mappings", "typeform.yaml"),
  canonical: join(projectRoot, "mappings", "canonical.yaml"),
};

/** Timestamp layouts by the name people know them by -> DuckDB strptime formats. */
export const NAMED_TIMESTAMP_FORMATS: Record<string, string[]> = {
  "M/D/YYYY H:MM:SS": ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M"],
  "M/D/YYYY H:MM:SS AM/PM": ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p"],
  "M/D/YY H:MM:SS": ["%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M"],
  "D-M-YYYY HH:MM": ["%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S"],
  "D/M/YYYY HH:MM:SS": ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"],
  "YYYY-MM-DD HH:MM:SS": ["%Y-%m-%d %H:%M:%S"],
  // Google Forms' own CSV download: 2020/04/15 10:27:58 AM GMT-4 (the offset is read as written).
  "YYYY/MM/DD H:MM:SS AM/PM GMT+H": ["%Y/%m/%d %I:%M:%S %p %z"],
};

/** Resolves `timestamp_format` (one name/strptime format or a list of them; `excel` = serial dates). */
export function resolveTimestampFormats(value: unknown, file: string): { strptime: string[]; excel: boolean; label: string | undefined } {
  if (value === undefined || value === null) return { strptime: [], excel: false, label: undefined };
  const list = Array.isArray(value) ? value : [value];
  const strptime: string[] = [];
  let excel = false;
  for (const item of list) {
    const f = String(item).trim();
    if (/^excel( serial)?$/i.test(f)) excel = true;
    else if (NAMED_TIMESTAMP_FORMATS[f.toUpperCase()]) strptime.push(...NAMED_TIMESTAMP_FORMATS[f.toUpperCase()]!);
    else if (f.includes("%")) strptime.push(f);
    else {
      throw new PromotorError(`timestamp_format "${f}" is not a known layout`, {
        file,
        hint: `use one of ${[...Object.keys(NAMED_TIMESTAMP_FORMATS), "excel"].join(", ")}, a strptime format such as "%d-%m-%Y %H:%M", or a list of them`,
      });
    }
  }
  return { strptime, excel, label: list.map(String).join(" or ") };
}

/** Columns that identify a survey tool's export (its fixed columns, whatever the questions). */
const PRESET_SIGNATURES: [preset: string, columns: string[]][] = [
  ["surveymonkey", ["respondent id", "collector id"]],
  ["microsoft-forms", ["id", "start time", "completion time"]],
  ["typeform", ["#", "submit date (utc)"]],
  ["google-forms", ["timestamp"]],
];

/** The preset whose signature columns the header holds (first match), if any. */
export function detectPreset(header: readonly string[]): string | undefined {
  const have = new Set(header.map((h) => normalizeHeader(h)));
  if (have.has("response_id") || have.has("recommend_score")) return undefined; // canonical
  return PRESET_SIGNATURES.find(([, columns]) => columns.every((c) => have.has(c)))?.[0];
}

/** Header text as compared: case, surrounding and repeated white space ignored. */
export const normalizeHeader = (text: string): string => text.replace(/\s+/g, " ").trim().toLowerCase();

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
    strptimeFormats: [],
    excelSerial: false,
    npsGroupColumn: undefined,
    strictTouchpoints: false,
    sheet: undefined,
    encoding: undefined,
    nullValues: [],
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
  // No response_id: Promotor generates one per row (docs/ingest.md, "Exports without response ids").
  for (const required of ["answered_at", "recommend_score"]) {
    if (!(required in columns) && !(required in constants)) {
      throw new PromotorError(`mapping has no source column for required "${required}"`, { file, hint: `add "columns: { ${required}: <export column> }"` });
    }
  }
  const formats = resolveTimestampFormats(d["timestamp_format"], file);
  if (typeof d["timezone"] === "string" && !isTimeZone(d["timezone"])) {
    throw new PromotorError(`timezone "${d["timezone"]}" is not an IANA time zone`, { file, hint: 'write e.g. "timezone: Europe/Amsterdam" (or UTC)' });
  }
  return {
    name: typeof d["name"] === "string" ? d["name"] : file,
    source: file,
    extraHeaderRows: typeof d["extra_header_rows"] === "number" ? d["extra_header_rows"] : 0,
    columns,
    constants,
    timezone: typeof d["timezone"] === "string" ? d["timezone"] : "UTC",
    timestampFormat: formats.label,
    strptimeFormats: formats.strptime,
    excelSerial: formats.excel,
    npsGroupColumn: typeof d["nps_group_column"] === "string" ? d["nps_group_column"] : undefined,
    strictTouchpoints: d["strict_touchpoints"] === true,
    sheet: typeof d["sheet"] === "string" ? d["sheet"] : undefined,
    encoding: typeof d["encoding"] === "string" ? parseEncoding(d["encoding"], `${file}: encoding`) : undefined,
    nullValues: Array.isArray(d["null_values"]) ? d["null_values"].map((v) => String(v).toLowerCase()) : [],
  };
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
