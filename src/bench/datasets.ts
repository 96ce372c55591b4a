/** Benchmark input: synthetic exports made once by `promotor generate` with a fixed seed and
 * cached under .promotor/bench/data/ (git-ignored), so repeated runs measure the pipeline only. */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PromotorError } from "../lib/errors.ts";
import { runMeasured } from "./process-tree.ts";

export type BenchFormat = "csv" | "parquet";

export interface DatasetSpec {
  responses: number;
  format: BenchFormat;
  seed: number;
  /** Distinct customers the answers come from (promotor generate --customers): issue 23 links
   * ten million answers to one million customers, so the bench keeps ten answers per customer. */
  customers: number;
  /** Period of answered_at; the increment uses a later one, as a new export would. */
  start?: string;
  end?: string;
}

export interface Dataset {
  spec: DatasetSpec;
  dir: string;
  files: string[];
  bytes: number;
  /** Seconds it took to generate now, or null when it came from the cache. */
  generatedMs: number | null;
}

/** The seed of the main data sets, and of the "100 thousand new responses" increment. */
export const BENCH_SEED = 42;
export const INCREMENT_SEED = 4711;

const MARKER = "dataset.json";

function dataFiles(dir: string, format: BenchFormat): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(`.${format}`) && !f.startsWith("."))
    .sort()
    .map((f) => join(dir, f));
}

/** Default home of data sets and warehouses (git-ignored). */
export const benchHome = (root: string): string => join(root, ".promotor", "bench");

export function datasetDir(home: string, spec: DatasetSpec, label = "responses"): string {
  return join(home, "data", `${label}-${spec.format}-${spec.responses}-seed${spec.seed}-c${spec.customers}`);
}

const specKey = (s: DatasetSpec): string => [s.responses, s.format, s.seed, s.customers, s.start ?? "", s.end ?? ""].join("|");

/** Answers per customer in the bench's data sets (issue 23: 10 million answers, 1 million customers). */
export const ANSWERS_PER_CUSTOMER = 10;
export const benchCustomers = (responses: number): number => Math.max(1, Math.round(responses / ANSWERS_PER_CUSTOMER));

function markerKey(file: string): string | null {
  try {
    return specKey(JSON.parse(readFileSync(file, "utf8")) as DatasetSpec);
  } catch {
    return null;
  }
}

/** Returns the cached data set, generating it first when missing or made with other arguments. */
export async function ensureDataset(root: string, spec: DatasetSpec, options: { dir?: string; label?: string; log?: (line: string) => void } = {}): Promise<Dataset> {
  const dir = datasetDir(options.dir ?? benchHome(root), spec, options.label);
  const markerFile = join(dir, MARKER);
  const wanted = specKey(spec);
  if (existsSync(markerFile) && markerKey(markerFile) === wanted) {
    const files = dataFiles(dir, spec.format);
    if (files.length > 0) return { spec, dir, files, bytes: files.reduce((a, f) => a + statSync(f).size, 0), generatedMs: null };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  options.log?.(`generating ${spec.responses.toLocaleString("en-US")} responses of ${spec.customers.toLocaleString("en-US")} customers (${spec.format}, seed ${spec.seed}) into ${dir} …`);
  const args = [join(root, "bin", "promotor.mjs"), "generate", "--responses", String(spec.responses), "--out", dir, "--seed", String(spec.seed), "--customers", String(spec.customers), "--format", spec.format, "--quiet"];
  if (spec.start) args.push("--start", spec.start);
  if (spec.end) args.push("--end", spec.end);
  const run = await runMeasured(process.execPath, args, { cwd: root });
  if (run.exitCode !== 0) {
    throw new PromotorError(`generating the benchmark data set failed:\n${run.output.slice(-2000)}`, { hint: "check free disk space (df -h) and that `promotor generate` works" });
  }
  writeFileSync(markerFile, JSON.stringify(spec) + "\n");
  const files = dataFiles(dir, spec.format);
  return { spec, dir, files, bytes: files.reduce((a, f) => a + statSync(f).size, 0), generatedMs: run.elapsedMs };
}
