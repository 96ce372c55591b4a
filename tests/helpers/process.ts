/** Child processes for tests, awaited: a synchronous one stops the vitest worker's event loop,
 * and beyond vitest's RPC timeout (60 s) the run fails although every test passed
 * (tests/meta/sync-processes.test.ts). */
import { spawn } from "node:child_process";

export interface RunResult {
  /** Exit code; null when killed (timeout) or not started. */
  status: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run or finish: not found, or killed after the timeout. */
  error?: Error;
}

/** Runs `command args`, collects its output as text, and kills it after `timeout` ms. */
export function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let error: Error | undefined;
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      error = new Error(`${command} ${args.join(" ")}: killed after ${options.timeout} ms`);
      child.kill("SIGKILL");
    }, options.timeout);
    child.on("error", (e) => (error = e));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ status: error ? null : code, stdout, stderr, ...(error ? { error } : {}) });
    });
  });
}
