/** bin/promotor.mjs re-executes itself with the pinned Node.js when the machine's is older than
 * 22. Stopping the launcher must stop that child: a test kills the launcher and checks that the
 * child is gone and its port free (issue #11 defect 5). The child holds a port through a module
 * preloaded with NODE_OPTIONS, which only the pinned Node (>= 22) acts on. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./helpers.ts";

const root = join(import.meta.dirname, "..", "..");
const launcher = join(root, "bin", "promotor.mjs");

/** The machine's own Node.js (outside node_modules/.bin), when it is older than 22. */
function machineNode(): { path: string; version: string } | undefined {
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node"]) {
    const r = spawnSync(candidate, ["-p", "process.versions.node"], { encoding: "utf8", timeout: 5_000 });
    if (r.status === 0) return { path: candidate, version: r.stdout.trim() };
  }
  return undefined;
}
const machine = machineNode();
const old = machine !== undefined && Number(machine.version.split(".")[0]) < 22;
const skipReason = machine ? `the machine's Node.js ${machine.version} is >= 22, so bin/promotor.mjs runs in-process and has no child` : "no machine Node.js found at /usr/bin/node or /usr/local/bin/node";
if (!old) console.warn(`launcher signal test skipped: ${skipReason}`);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.setTimeout(2_000, () => (s.destroy(), resolve(false)));
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
async function until(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!old)("bin/promotor.mjs on an older Node.js", () => {
  const dir = mkdtempSync(join(tmpdir(), "promotor-launcher-"));
  const preload = join(dir, "hold-port.mjs");
  writeFileSync(
    preload,
    `import { createServer } from "node:net";
     if (Number(process.versions.node.split(".")[0]) >= 22 && process.env.HOLD_PORT) {
       createServer().listen(Number(process.env.HOLD_PORT), "127.0.0.1", () => console.log("HOLDING " + process.pid));
     }`,
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`relays ${signal} to the pinned child and exits with it: child gone, port free`, async () => {
      const port = await freePort();
      const child = spawn(machine!.path, [launcher, "--help"], {
        cwd: root,
        env: { ...process.env, NODE_OPTIONS: `${process.env["NODE_OPTIONS"] ?? ""} --import ${preload}`.trim(), HOLD_PORT: String(port) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on("exit", (code, sig) => r({ code, signal: sig })));
      try {
        await until("the pinned child holds the port", () => /HOLDING (\d+)/.test(out), 15_000);
        const pinnedPid = Number(/HOLDING (\d+)/.exec(out)![1]);
        expect(pinnedPid).not.toBe(child.pid);
        expect(await accepts(port)).toBe(true);
        child.kill(signal);
        const result = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 10_000))]);
        expect(result).not.toBe("hung");
        expect(result).toEqual({ code: null, signal });
        await until("the pinned child is gone", () => !alive(pinnedPid), 5_000);
        expect(await accepts(port)).toBe(false);
      } finally {
        child.kill("SIGKILL");
        const pinned = /HOLDING (\d+)/.exec(out);
        if (pinned && alive(Number(pinned[1]))) process.kill(Number(pinned[1]), "SIGKILL");
      }
    });
  }
});
