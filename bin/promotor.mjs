#!/usr/bin/env node
// Entry point of the `promotor` CLI. The project pins its own Node.js (devDependency "node"),
// because Cube 1.7 needs Node >= 22 and the machine's may be older: re-exec with it if so.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  const pinned = join(root, "node_modules", "node", "bin", "node");
  if (!existsSync(pinned)) {
    console.error(
      `promotor: Node.js ${process.versions.node} is too old (needs >= 22) and the pinned runtime ` +
        `is missing at ${pinned}.\n  Fix: run "npm install" in ${root}.`,
    );
    process.exit(1);
  }
  const result = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(result.status ?? 1);
}

const { register } = await import("tsx/esm/api");
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
