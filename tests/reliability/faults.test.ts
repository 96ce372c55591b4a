/** Faults as they happen to a warehouse (issue 27): a build killed with SIGKILL or stopped with
 * SIGTERM leaves no process behind, the next build succeeds and says what happened, and the
 * attempt is recorded; a warehouse locked by another process gives one line with the holder and
 * the fix. The kill runs on a generated warehouse big enough that a model runs quietly for a
 * while, through the real CLI as a separate process. */
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { openWarehouse, queryRows } from "../../src/lib/duckdb.ts";
import { capture } from "../helpers/capture.ts";
import { tempDir } from "../helpers/warehouse.ts";

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "bin", "promotor.mjs");

/** Every descendant of a process, from /proc (Linux). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Running (not dead, not a zombie waiting for its reaper). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `promotor build --verbose` as its own process, killed with `signal` once dbt starts `node`. */
async function buildKilledAt(warehouse: string, node: string, signal: NodeJS.Signals, extra: string[] = []): Promise<{ code: number | null; signal: string | null; children: number[]; err: string }> {
  const child = spawn(process.execPath, [cli, "--warehouse", warehouse, "build", "--verbose", ...extra], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on("exit", (code, sig) => r({ code, signal: sig })));
  await until(`dbt starts ${node}`, () => new RegExp(`START .*${node}`).test(out), 60_000);
  const children = descendants(child.pid!);
  expect(children.length).toBeGreaterThan(0); // dbt's Python process
  child.kill(signal);
  const ended = await exited;
  return { ...ended, children, err: out };
}

async function attempts(warehouse: string): Promise<Record<string, unknown>[]> {
  const db = await openWarehouse(warehouse, { readOnly: true });
  try {
    return await queryRows(db.connection, "SELECT attempt_id, status, reason FROM raw.build_attempts ORDER BY attempt_id");
  } finally {
    db.close();
  }
}

describe("a build that is killed or stopped", () => {
  const dir = tempDir("promotor-faults-");
  const warehouse = join(dir, "promotor.duckdb");

  beforeAll(async () => {
    // 600,000 answers: dim_customers then runs quietly for about a second, long enough that a
    // dbt child left behind would still be alive when the test looks.
    expect(await main(["generate", "--responses", "600000", "--out", join(dir, "exports"), "--seed", "27", "--quiet"], capture().io)).toBe(0);
    expect(await main(["--warehouse", warehouse, "ingest", join(dir, "exports")], capture().io)).toBe(0);
  }, 180_000);

  it("SIGKILL: no child outlives the build, the next build succeeds and records the interrupted attempt", async () => {
    const killed = await buildKilledAt(warehouse, "marts.dim_customers", "SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    await new Promise((r) => setTimeout(r, 1_000));
    expect(killed.children.filter(running), "processes left running 1 s after the kill").toEqual([]);

    const next = capture();
    expect(await main(["--warehouse", warehouse, "build"], next.io)).toBe(0);
    expect(next.err()).toMatch(/note: the build started .* was interrupted: the build process ended before it finished/);
    const rows = await attempts(warehouse);
    expect(rows.map((r) => r["status"])).toEqual(["interrupted", "succeeded"]);

    const status = capture();
    expect(await main(["--warehouse", warehouse, "status"], status.io)).toBe(0);
    expect(status.out()).toMatch(/2\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+succeeded\s+build/);
    expect(status.out()).toMatch(/1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+–\s+interrupted\s+build --verbose\s+the build process ended before it finished/);
  }, 240_000);

  it("SIGTERM: dbt is stopped, the attempt is recorded as interrupted, exit 143", async () => {
    // --full-refresh: every model runs again, so dbt is surely mid-build when the signal comes.
    const stopped = await buildKilledAt(warehouse, "marts.dim_customers", "SIGTERM", ["--full-refresh"]);
    expect(stopped.code).toBe(143);
    expect(stopped.err).toMatch(/build interrupted by SIGTERM/);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(stopped.children.filter(running)).toEqual([]);
    const rows = await attempts(warehouse);
    expect(rows.at(-1)).toMatchObject({ status: "interrupted", reason: "stopped by SIGTERM" });
    const next = capture();
    expect(await main(["--warehouse", warehouse, "build"], next.io)).toBe(0);
    expect((await attempts(warehouse)).at(-1)).toMatchObject({ status: "succeeded" });
  }, 240_000);

  it("a warehouse locked by another process: one line naming the holder and the fix, exit 2", async () => {
    const holder = await openWarehouse(warehouse);
    try {
      const child = spawn(process.execPath, [cli, "--warehouse", warehouse, "build"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
      const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
      expect(code).toBe(2);
      expect(err).toMatch(new RegExp(`is in use by process ${process.pid} \\(.*\\): a build, an ingest or a query holds its lock`));
      expect(err).toMatch(/fix: wait until it has finished .* kill \d+/);
      expect(err).not.toMatch(/CSV/);
    } finally {
      holder.close();
    }
  }, 60_000);
});
