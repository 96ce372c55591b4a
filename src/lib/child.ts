/** Runs a short-lived child process with a hard timeout and collects its output: for probes that
 * must never hang the command that asks (a native module that crashes on load, DuckDB-WASM
 * waiting on the network). */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { projectRoot } from "./paths.ts";

/** `--import` of src/lib/die-with-parent.mjs: a Node child (and its Node children) ends when its
 * parent dies, even by SIGKILL. */
export const DIE_WITH_PARENT_IMPORT = `--import=${pathToFileURL(join(projectRoot, "src", "lib", "die-with-parent.mjs")).href}`;

/** The environment for a Node child that must not outlive promotor: NODE_OPTIONS loads the
 * watcher into it and into every Node process it starts. */
export function dieWithParentEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const options = env["NODE_OPTIONS"] ?? "";
  return options.includes(DIE_WITH_PARENT_IMPORT) ? env : { ...env, NODE_OPTIONS: `${options} ${DIE_WITH_PARENT_IMPORT}`.trim() };
}

export interface ChildResult {
  code: number | null;
  out: string;
  err: string;
  timedOut: boolean;
}

export function runChild(command: string, args: readonly string[], options: { timeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd ?? process.cwd(), env: dieWithParentEnv(options.env ?? process.env), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ code: 1, out, err: err + String(e), timedOut });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, timedOut });
    });
  });
}
