/** The environment's faults said as their cause and fix (issue 27): DuckDB's and the file
 * system's own messages, as they come, turned into one line with exit 2; and a Node child that
 * promotor starts (Evidence's build, probes) ends when promotor dies, even by SIGKILL. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dieWithParentEnv } from "../../src/lib/child.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { environmentError } from "../../src/lib/warehouse-errors.ts";

describe("environment errors", () => {
  // Messages as DuckDB 1.5 and Node print them.
  const cases: [string, Error, RegExp, RegExp][] = [
    [
      "a lock held by another process",
      new Error('IO Error: Could not set lock on file "/data/promotor.duckdb": Conflicting lock is held in /usr/bin/node (PID 4242) by user anna. See also https://duckdb.org/docs/stable/connect/concurrency'),
      /\/data\/promotor\.duckdb is in use by process 4242 \(\/usr\/bin\/node\)/,
      /kill 4242/,
    ],
    ["a full disk", new Error('IO Error: Could not write file "/data/promotor.duckdb.wal": No space left on device'), /the disk holding \/data\/promotor\.duckdb is full/, /df -h/],
    ["a read-only file system", new Error('IO Error: Cannot open file "/mnt/ro/promotor.duckdb": Read-only file system'), /\/mnt\/ro\/promotor\.duckdb is on a read-only file system/, /--warehouse PATH/],
    ["no permission", Object.assign(new Error("EACCES: permission denied, open '/data/promotor.duckdb'"), { code: "EACCES" }), /no permission to open/, /chmod u\+w/],
  ];
  for (const [what, raw, message, fix] of cases) {
    it(`${what}: the cause and the fix, exit 2`, () => {
      const error = environmentError(raw);
      expect(error).toBeInstanceOf(PromotorError);
      expect(error!.message).toMatch(message);
      expect(error!.hint).toMatch(fix);
      expect(error!.exitCode).toBe(2);
    });
  }

  it("leaves other errors (and errors already meant for people) alone", () => {
    expect(environmentError(new Error("Binder Error: column x not found"))).toBeUndefined();
    expect(environmentError(new PromotorError("bad option"))).toBeUndefined();
  });
});

describe("a Node child started by promotor", () => {
  it("ends within a second when its parent is killed with SIGKILL", async () => {
    // A parent that starts a long-running Node child the way promotor does, prints its pid, and waits.
    const parent = spawn(
      process.execPath,
      ["-e", `const c = require("node:child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { env: ${JSON.stringify(dieWithParentEnv({ PATH: process.env["PATH"] ?? "" }))}, stdio: "ignore" }); console.log(c.pid); setInterval(() => {}, 1000);`],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const childPid = await new Promise<number>((resolve) => parent.stdout!.once("data", (d: Buffer) => resolve(Number(String(d).trim()))));
    const running = (pid: number): boolean => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
      } catch {
        return false;
      }
    };
    await new Promise((r) => setTimeout(r, 300)); // the watcher is loaded
    expect(running(childPid)).toBe(true);
    parent.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 1_000));
    expect(running(childPid)).toBe(false);
  }, 20_000);
});
