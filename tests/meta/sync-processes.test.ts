/** No test blocks its vitest worker for long. A synchronous child process (spawnSync, execSync,
 * execFileSync) stops the worker's event loop; when it lasts longer than vitest's RPC timeout
 * (60 s), a task update the worker sent before it times out the moment the loop runs again, and
 * the run fails with `[vitest-worker]: Timeout calling "onTaskUpdate"` although every test
 * passed (seen with the 113 s `npm install` of tests/install). Long child processes are awaited
 * (runChild, src/lib/child.ts); a synchronous one must say a timeout of at most 30 s. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/lib/paths.ts";

const SYNC_CALL = /\b(spawnSync|execSync|execFileSync)\(/g;
const LIMIT_MS = 30_000;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : /\.(ts|mts|mjs)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The text of a call from its opening parenthesis to the matching closing one. */
function callText(source: string, open: number): string {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === "(") depth++;
    else if (source[i] === ")" && --depth === 0) return source.slice(open, i + 1);
  }
  return source.slice(open);
}

/** Synchronous child-process calls without a timeout of at most LIMIT_MS, as file:line. */
export function longSyncCalls(file: string, source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(SYNC_CALL)) {
    const start = m.index ?? 0;
    const lineStart = source.lastIndexOf("\n", start) + 1;
    // Inside a template string (a script for a child process to run), it does not run here.
    if ((source.slice(lineStart, start).match(/`/g) ?? []).length % 2 === 1) continue;
    const call = callText(source, start + m[0].length - 1);
    const timeout = /\btimeout:\s*([\d_]+)/.exec(call);
    const ms = timeout ? Number(timeout[1]!.replaceAll("_", "")) : Infinity;
    if (ms > LIMIT_MS) found.push(`${file}:${source.slice(0, start).split("\n").length} ${m[1]} (${timeout ? `timeout ${ms} ms` : "no timeout"})`);
  }
  return found;
}

describe("tests and their child processes", () => {
  it("finds a synchronous call without a short timeout, and accepts one with it", () => {
    expect(longSyncCalls("a.ts", `spawnSync("npm", ["install"], { cwd })`)).toEqual(["a.ts:1 spawnSync (no timeout)"]);
    expect(longSyncCalls("a.ts", `\nexecFileSync(p, ["-c", f(x)], { timeout: 400_000 })`)).toEqual(["a.ts:2 execFileSync (timeout 400000 ms)"]);
    expect(longSyncCalls("a.ts", `spawnSync("git", args(1), { timeout: 10_000 })`)).toEqual([]);
    expect(longSyncCalls("a.ts", "const s = `require('x').spawnSync(a, b)`;")).toEqual([]);
  });

  it("no test runs a synchronous child process for longer than 30 s", () => {
    const dir = join(projectRoot, "tests");
    const found = testFiles(dir).flatMap((f) => longSyncCalls(relative(projectRoot, f), readFileSync(f, "utf8")));
    expect(found, "await a long child process (runChild, src/lib/child.ts) or give the synchronous call { timeout: <= 30_000 }").toEqual([]);
  });
});
