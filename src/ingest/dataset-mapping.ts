/** How an export of a dataset (customers, …) becomes its canonical layout: a YAML file like the
 * survey mappings (docs/ingest.md, "Other datasets"), or the identity mapping for an export that
 * already uses the canonical names.
 *
 *   name: hubspot-companies
 *   dataset: customers
 *   columns: { customer_id: Record ID, annual_revenue: Annual Revenue }
 *   date_format: [D-M-YYYY, YYYY-MM-DD]   # names (DATE_FORMATS) or strptime formats
 *   decimal: comma                         # amounts as 1.234,56 (default: point, 1,234.56)
 *   currency: EUR                          # amounts may carry € or EUR; another currency is refused
 *   null_values: [n/a, "-"]
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PromotorError } from "../lib/errors.ts";
import { projectRoot } from "../lib/paths.ts";
import type { DatasetSpec } from "./dataset-spec.ts";
import { parseEncoding, type Encoding } from "./encoding.ts";
import { normalizeHeader } from "./mapping.ts";

export interface DatasetMapping {
  name: string;
  source: string;
  dataset: string;
  columns: Record<string, string>;
  constants: Record<string, string>;
  /** strptime formats tried before ISO 8601 (YYYY-MM-DD, with or without a time). */
  dateFormats: string[];
  excelSerial: boolean;
  decimal: "comma" | "point";
  currency: Currency;
  nullValues: string[];
  sheet: string | undefined;
  encoding: Encoding | undefined;
}

export interface Currency {
  code: string;
  /** Symbols written before or after an amount, besides the code. */
  symbols: string[];
}

export const CURRENCIES: Record<string, Currency> = {
  EUR: { code: "EUR", symbols: ["€"] },
  USD: { code: "USD", symbols: ["$", "US$"] },
  GBP: { code: "GBP", symbols: ["£"] },
  CHF: { code: "CHF", symbols: ["Fr."] },
  SEK: { code: "SEK", symbols: ["kr"] },
  DKK: { code: "DKK", symbols: ["kr."] },
  NOK: { code: "NOK", symbols: ["kr"] },
};

export const DATE_FORMATS: Record<string, string[]> = {
  "YYYY-MM-DD": ["%Y-%m-%d"],
  "D-M-YYYY": ["%d-%m-%Y"],
  "D/M/YYYY": ["%d/%m/%Y"],
  "M/D/YYYY": ["%m/%d/%Y"],
  "D.M.YYYY": ["%d.%m.%Y"],
  "YYYY-MM-DD HH:MM": ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
  "D-M-YYYY HH:MM": ["%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S"],
  "M/D/YYYY H:MM": ["%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p"],
};

/** Preset mappings per dataset, and the columns that identify each one's export. */
export const DATASET_PRESETS: Record<string, { file: string; dataset: string; signature: string[] }> = {
  "hubspot-companies": { file: join(projectRoot, "mappings", "customers", "hubspot-companies.yaml"), dataset: "customers", signature: ["record id", "became a customer date"] },
  "salesforce-accounts": { file: join(projectRoot, "mappings", "customers", "salesforce-accounts.yaml"), dataset: "customers", signature: ["account id", "account name"] },
  "qualtrics-distribution": { file: join(projectRoot, "mappings", "invitations", "qualtrics-distribution.yaml"), dataset: "invitations", signature: ["external data reference", "response id"] },
};

export function identityMapping(spec: DatasetSpec): DatasetMapping {
  return {
    name: "canonical",
    source: "(built in)",
    dataset: spec.name,
    columns: Object.fromEntries(spec.columns.map((c) => [c.name, c.name])),
    constants: {},
    dateFormats: [],
    excelSerial: false,
    decimal: "point",
    currency: CURRENCIES["EUR"]!,
    nullValues: [],
    sheet: undefined,
    encoding: undefined,
  };
}

/** The preset whose signature columns the header has, for this dataset; else the identity mapping. */
export function datasetPresetFor(spec: DatasetSpec, header: readonly string[]): DatasetMapping {
  const have = new Set(header.map(normalizeHeader));
  if (have.has(spec.key)) return identityMapping(spec);
  const found = Object.entries(DATASET_PRESETS).find(([, p]) => p.dataset === spec.name && p.signature.every((c) => have.has(c)));
  return found ? loadDatasetMapping(spec, found[0]) : identityMapping(spec);
}

function fail(file: string, message: string, hint: string): never {
  throw new PromotorError(message, { file, hint, exitCode: 2 });
}

/** Loads a dataset mapping by preset name or YAML path, checked against the dataset's columns. */
export function loadDatasetMapping(spec: DatasetSpec, nameOrPath: string): DatasetMapping {
  const preset = DATASET_PRESETS[nameOrPath];
  const file = preset?.file ?? nameOrPath;
  const presets = Object.entries(DATASET_PRESETS).filter(([, p]) => p.dataset === spec.name).map(([n]) => n);
  if (!existsSync(file)) fail(file, "mapping file not found", `pass a YAML file or a preset for ${spec.name}: ${presets.join(", ") || "(none)"}`);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (error) {
    fail(file, `mapping is not valid YAML: ${(error as Error).message.split("\n")[0]}`, "see mappings/customers/hubspot-companies.yaml for the format");
  }
  if (typeof doc !== "object" || doc === null) fail(file, "mapping is empty", "see mappings/customers/hubspot-companies.yaml for the format");
  const d = doc as Record<string, unknown>;
  const dataset = typeof d["dataset"] === "string" ? d["dataset"] : spec.name;
  if (dataset !== spec.name) fail(file, `the mapping is for the dataset "${dataset}", not "${spec.name}"`, `ingest it with --dataset ${dataset}, or pass a mapping for ${spec.name}`);
  const names = spec.columns.map((c) => c.name);
  const record = (key: string): Record<string, string> => {
    const value = d[key];
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value)) fail(file, `"${key}" must be a map of canonical column -> value`, `write e.g.\n${key}:\n  ${spec.key}: Record ID`);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (!names.includes(k)) fail(file, `"${key}.${k}" is not a column of ${spec.name}`, `${spec.name} columns: ${names.join(", ")}`);
      out[k] = String(v);
    }
    return out;
  };
  const columns = record("columns");
  const constants = record("constants");
  if (!(spec.key in columns) && !(spec.key in constants) && !spec.generatedKeyPrefix) fail(file, `mapping has no source column for the key "${spec.key}"`, `add "columns: { ${spec.key}: <export column> }"`);
  const dateFormats: string[] = [];
  let excelSerial = false;
  for (const f of [d["date_format"] ?? []].flat().map((x) => String(x).trim())) {
    if (/^excel( serial)?$/i.test(f)) excelSerial = true;
    else if (DATE_FORMATS[f.toUpperCase()]) dateFormats.push(...DATE_FORMATS[f.toUpperCase()]!);
    else if (f.includes("%")) dateFormats.push(f);
    else fail(file, `date_format "${f}" is not a known layout`, `use one of ${[...Object.keys(DATE_FORMATS), "excel"].join(", ")}, or a strptime format such as "%d-%m-%Y"`);
  }
  const decimal = d["decimal"] ?? "point";
  if (decimal !== "comma" && decimal !== "point") fail(file, `decimal "${String(decimal)}" is neither comma nor point`, "write decimal: comma (1.234,56) or decimal: point (1,234.56)");
  const code = String(d["currency"] ?? "EUR").toUpperCase();
  const currency = CURRENCIES[code];
  if (!currency) fail(file, `currency "${code}" is not known`, `use one of ${Object.keys(CURRENCIES).join(", ")}`);
  return {
    name: typeof d["name"] === "string" ? d["name"] : file,
    source: file,
    dataset,
    columns,
    constants,
    dateFormats,
    excelSerial,
    decimal,
    currency,
    nullValues: Array.isArray(d["null_values"]) ? d["null_values"].map((v) => String(v).toLowerCase()) : [],
    sheet: typeof d["sheet"] === "string" ? d["sheet"] : undefined,
    encoding: typeof d["encoding"] === "string" ? parseEncoding(d["encoding"], `${file}: encoding`) : undefined,
  };
}
