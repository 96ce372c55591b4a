#!/usr/bin/env node
// Entry point of the `promotor` CLI. The project pins its own Node.js (devDependency "node"),
// because Cube 1.7 needs Node >= 22 and the machine's may be older: re-exec with it if so.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const major = Number(process.versions.node.split(".")[0]);
const args = process.argv.slice(2);

/** The compiled CLI (dist/node, built by `npm install`; bin/dist.mjs), rebuilt here for the
 * modules that changed since; undefined when it cannot be had (then tsx transpiles src/). */
async function compiledMain() {
  if (process.env.PROMOTOR_TSX === "1") return undefined;
  try {
    const { buildDist, compiledPath, staleSources } = await import("./dist.mjs");
    if (!staleSources(root).fresh) await buildDist(root);
    return compiledPath(root, "src/cli/main.ts");
  } catch {
    return undefined;
  }
}

async function run() {
  const compiled = await compiledMain();
  let main;
  if (compiled) {
    ({ main } = await import(pathToFileURL(compiled).href));
  } else {
    const { register } = await import("tsx/esm/api");
    register();
    ({ main } = await import("../src/cli/main.ts"));
  }
  process.exitCode = await main(args);
}

if (major < 22) {
  const pinned = join(root, "node_modules", "node", "bin", "node");
  if (!existsSync(pinned)) {
    console.error(
      `promotor: Node.js ${process.versions.node} is too old (needs >= 22) and the pinned runtime ` +
        `is missing at ${pinned}.\n  Fix: run "npm install" in ${root}.`,
    );
    process.exit(1);
  }
  // The child does the work; this process only relays signals and its exit. Stopping the
  // launcher (Ctrl+C, kill, a service manager) stops the child too: a server never outlives it.
  // A larger young generation: loading Cube's ~1,500 modules otherwise spends ~100 ms in
  // scavenges (docs/benchmarks.md "CLI start-up").
  // The child watches this launcher (src/lib/die-with-parent.mjs): killed with SIGKILL, which
  // cannot be relayed, the launcher still takes the child along.
  const watcher = pathToFileURL(join(root, "src", "lib", "die-with-parent.mjs")).href;
  const child = spawn(pinned, ["--max-semi-space-size=32", `--import=${watcher}`, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
  const relay = (signal) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    // A child that does not stop within 15 s is killed: nothing waits for ever.
    setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
  };
  for (const signal of SIGNALS) process.on(signal, relay);
  child.on("error", (error) => {
    console.error(`promotor: cannot run the pinned Node.js ${pinned}: ${error.message}\n  Fix: run "npm install" in ${root}.`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (signal) {
      // End the way the child ended, so callers see the same signal.
      for (const s of SIGNALS) process.removeAllListeners(s);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
} else {
  // V8's code cache on disk: Cube's modules load about twice as fast from the second run on.
  const { enableCompileCache } = await import("node:module");
  try {
    enableCompileCache?.(join(root, ".promotor", "cache", "v8"));
  } catch {
    // A read-only checkout: run without the cache.
  }
  await run();
}
