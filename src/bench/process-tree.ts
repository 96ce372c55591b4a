/** Runs a child process and samples the resident memory of its whole process tree (Linux /proc),
 * because `promotor build` is node -> dbt (Python) -> DuckDB threads, and ingest may spawn too. */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface MeasuredRun {
  exitCode: number;
  elapsedMs: number;
  /** Highest sum of VmRSS over the process and all its descendants seen in one sample. */
  peakRssBytes: number;
  /** How many samples were taken (0 means the figure is not meaningful, e.g. not Linux). */
  samples: number;
  output: string;
}

/** pid -> parent pid for every process visible in /proc. */
function parentMap(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 2 (comm) may hold spaces and parentheses: the ppid is the 2nd field after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(rest[1]));
    } catch {
      // the process ended between readdir and read
    }
  }
  return parents;
}

function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Sum of VmRSS of `root` and every descendant, right now. */
export function treeRssBytes(root: number): number {
  const parents = parentMap();
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = 0;
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += rssBytes(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Sampling interval; 50 ms catches DuckDB's peaks without costing a core. */
  intervalMs?: number;
}

export async function runMeasured(command: string, args: readonly string[], options: RunOptions): Promise<MeasuredRun> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  let peak = 0;
  let samples = 0;
  const canSample = process.platform === "linux";
  const sample = (): void => {
    if (!canSample || child.pid === undefined) return;
    peak = Math.max(peak, treeRssBytes(child.pid));
    samples++;
  };
  const timer = setInterval(sample, options.intervalMs ?? 50);
  sample();
  const exitCode: number = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
  clearInterval(timer);
  return { exitCode, elapsedMs: performance.now() - started, peakRssBytes: peak, samples, output };
}
