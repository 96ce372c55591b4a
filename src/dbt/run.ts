import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { PromotorError } from "../lib/errors.ts";
import { cacheRoot, DEFAULT_WAREHOUSE, projectRoot, transformsDir, venvBin } from "../lib/paths.ts";

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
  /** A failed test's SQL as dbt ran it (its rows are the failures). */
  compiledCode?: string | null;
}

export interface DbtRunResult {
  exitCode: number;
  elapsedMs: number;
  nodes: DbtNodeResult[];
  /** dbt's own console output (for failures). */
  output: string;
}

export interface DbtOptions {
  warehouse: string;
  onLine?: (line: string) => void;
  vars?: Record<string, unknown>;
  env?: Record<string, string>;
  /** default transforms/ */
  projectDir?: string;
}

/** Calls onLine with each line of the stream, the last one at its end even without a newline.
 * Each pipe gets its own buffer and decoder: a chunk of stderr arriving in the middle of a
 * stdout line must not splice the two, and a chunk may end inside a UTF-8 character. */
export function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  const emit = (text: string): void => {
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const l of lines) onLine(l);
  };
  stream.on("data", (chunk: Buffer) => emit(decoder.write(chunk)));
  stream.on("end", () => {
    emit(decoder.end());
    if (pending) onLine(pending);
    pending = "";
  });
}

/** A dbt process started ahead of its command (src/dbt/dbt_driver.py): Python imports dbt while
 * the caller does its own preparation, then `run` hands it the command. `cancel` ends it
 * without running anything. */
export interface PendingDbt {
  run(args: string[], options?: Pick<DbtOptions, "onLine" | "vars" | "env">): Promise<DbtRunResult>;
  cancel(): void;
  /** Sends the running dbt a signal (promotor build relays SIGINT/SIGTERM). */
  kill(signal: NodeJS.Signals): void;
  /** The process's exit code (after `run` or `cancel`). */
  readonly exited: Promise<number>;
}

const DRIVER = join(projectRoot, "src", "dbt", "dbt_driver.py");

/** Starts dbt's Python process for the warehouse; see PendingDbt. */
export function startDbt(options: DbtOptions): PendingDbt {
  const dbt = venvBin("dbt");
  const python = venvBin("python");
  if (!existsSync(dbt) || !existsSync(python)) {
    throw new PromotorError(`dbt is not installed at ${dbt}`, { hint: 'run "npm install" (it creates .venv with dbt-duckdb from requirements.txt)' });
  }
  const started = performance.now();
  const projectDir = options.projectDir ?? transformsDir;
  const child = spawn(python, [DRIVER], {
    cwd: projectDir,
    env: {
      // dbt's JSON schemas of its own config classes, kept per installed versions (dbt_driver.py).
      PROMOTOR_DBT_SCHEMA_CACHE: join(cacheRoot(), "dbt"),
      ...process.env,
      ...options.env,
      PROMOTOR_WAREHOUSE: options.warehouse,
      // The driver ends itself when this process dies (dbt_driver.py, die_with_parent).
      PROMOTOR_PARENT_PID: String(process.pid),
      DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
      DO_NOT_TRACK: "1",
      NO_COLOR: "1",
      // The driver ends with os._exit; multiprocessing's resource tracker would then warn about
      // dbt's semaphores, which the exit releases anyway.
      PYTHONWARNINGS: "ignore::UserWarning:multiprocessing.resource_tracker",
    },
    stdio: ["pipe", "pipe", "pipe", "pipe"],
  });
  let output = "";
  let onLine = options.onLine;
  const line = (text: string): void => {
    output += `${text}\n`;
    onLine?.(text);
  };
  // The command is written after Python has started; if it has died by then (a broken venv),
  // the write fails with EPIPE, and the exit code and output say why.
  child.stdin?.on("error", () => undefined);
  if (child.stdout) splitLines(child.stdout, line);
  if (child.stderr) splitLines(child.stderr, line);
  let report = "";
  const results = child.stdio[3] as NodeJS.ReadableStream;
  // Decoding chunk by chunk is safe here: the driver writes json.dumps' ASCII-only JSON.
  results.on("data", (chunk: Buffer) => (report += chunk.toString("utf8")));
  const exited: Promise<number> = new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
  // Not awaited when cancelled: keep an early exit (a broken venv) from being an unhandled rejection.
  exited.catch(() => undefined);
  let used = false;
  return {
    async run(args, runOptions = {}) {
      if (used) throw new Error("a started dbt runs one command");
      used = true;
      if (runOptions.onLine) onLine = runOptions.onLine;
      const { targetPath, logPath } = dbtWorkDirs(options.warehouse);
      // No JSON artifacts (manifest.json twice, run_results.json, graph.gpickle, ~0.3 s): the
      // results come back on fd 3. Partial parsing (target/partial_parse.msgpack) is kept.
      const fullArgs = ["--no-use-colors", "--no-write-json", ...args, "--project-dir", projectDir, "--profiles-dir", projectDir, "--target-path", targetPath, "--log-path", logPath];
      const vars = runOptions.vars ?? options.vars;
      if (vars) fullArgs.push("--vars", JSON.stringify(vars));
      child.stdin?.end(JSON.stringify({ args: fullArgs, env: { ...options.env, ...runOptions.env } }) + "\n");
      const exitCode = await exited;
      let nodes: DbtNodeResult[] = [];
      let code = exitCode;
      const reported = report.trim();
      if (reported) {
        const parsed = JSON.parse(reported) as { exitCode: number; nodes: Omit<DbtNodeResult, "resourceType">[] };
        // Hooks (on-run-start, transforms/dbt_project.yml) are not nodes of the graph; a failing
        // one fails the run, which the exit code and output carry.
        nodes = parsed.nodes.filter((n) => !n.uniqueId.startsWith("operation.")).map((n) => ({ ...n, resourceType: n.uniqueId.split(".")[0] ?? "" }));
        code = exitCode === 0 ? parsed.exitCode : exitCode;
      } else if (code === 0) {
        code = 2; // dbt never reported: treat as dbt's own failure
      }
      return { exitCode: code, elapsedMs: performance.now() - started, nodes, output };
    },
    cancel() {
      if (used) return;
      used = true;
      child.stdin?.end();
    },
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    exited,
  };
}

/** Runs a dbt command in transforms/ with the project's venv, pointed at the warehouse file. */
export async function runDbt(args: string[], options: DbtOptions): Promise<DbtRunResult> {
  return startDbt(options).run(args);
}
