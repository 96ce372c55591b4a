import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { PromotorError } from "../lib/errors.ts";
import { DEFAULT_WAREHOUSE, projectRoot, transformsDir, venvBin } from "../lib/paths.ts";

/** dbt's target/ and logs/ per warehouse, so that builds of different warehouses (tests,
 * benchmarks) can run side by side without sharing partial-parse state. */
export function dbtWorkDirs(warehouse: string): { targetPath: string; logPath: string } {
  if (warehouse === join(projectRoot, DEFAULT_WAREHOUSE)) return { targetPath: join(transformsDir, "target"), logPath: join(transformsDir, "logs") };
  const base = join(dirname(warehouse), `.${basename(warehouse)}.dbt`);
  return { targetPath: join(base, "target"), logPath: join(base, "logs") };
}

export interface DbtNodeResult {
  uniqueId: string;
  resourceType: string;
  status: string;
  executionTime: number;
  message: string | null;
}

export interface DbtRunResult {
  exitCode: number;
  elapsedMs: number;
  nodes: DbtNodeResult[];
  /** dbt's own console output (for failures). */
  output: string;
}

/** Runs a dbt command in transforms/ with the project's venv, pointed at the warehouse file. */
export async function runDbt(
  args: string[],
  options: { warehouse: string; onLine?: (line: string) => void; vars?: Record<string, unknown>; env?: Record<string, string>; /** default transforms/ */ projectDir?: string },
): Promise<DbtRunResult> {
  const dbt = venvBin("dbt");
  if (!existsSync(dbt)) {
    throw new PromotorError(`dbt is not installed at ${dbt}`, { hint: 'run "npm install" (it creates .venv with dbt-duckdb from requirements.txt)' });
  }
  const { targetPath, logPath } = dbtWorkDirs(options.warehouse);
  const fullArgs = ["--no-use-colors", ...args, "--project-dir", options.projectDir ?? transformsDir, "--profiles-dir", options.projectDir ?? transformsDir, "--target-path", targetPath, "--log-path", logPath];
  if (options.vars) fullArgs.push("--vars", JSON.stringify(options.vars));
  const started = performance.now();
  const child = spawn(dbt, fullArgs, {
    cwd: options.projectDir ?? transformsDir,
    env: { ...process.env, ...options.env, PROMOTOR_WAREHOUSE: options.warehouse, DBT_SEND_ANONYMOUS_USAGE_STATS: "false", DO_NOT_TRACK: "1", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // A stale run_results.json must not be mistaken for this run's.
  const previous = join(targetPath, "run_results.json");
  if (existsSync(previous)) rmSync(previous);
  let output = "";
  let pending = "";
  const onData = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    output += text;
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) options.onLine?.(line);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exitCode: number = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
  const resultsFile = join(targetPath, "run_results.json");
  let nodes: DbtNodeResult[] = [];
  if (existsSync(resultsFile)) {
    const parsed = JSON.parse(readFileSync(resultsFile, "utf8")) as { results: { unique_id: string; status: string; execution_time: number; message: string | null }[] };
    nodes = parsed.results.map((r) => ({
      uniqueId: r.unique_id,
      resourceType: r.unique_id.split(".")[0] ?? "",
      status: r.status,
      executionTime: r.execution_time,
      message: r.message,
    }));
  }
  return { exitCode, elapsedMs: performance.now() - started, nodes, output };
}
