#!/usr/bin/env node
// `npm run build` and the postinstall step: compiles src/ to dist/node/ (bin/dist.mjs).
// `--full` recompiles every module; otherwise only what changed since the last build.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDist, DIST_DIR } from "../bin/dist.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const started = performance.now();
try {
  const r = await buildDist(root, { full: process.argv.includes("--full") });
  console.log(`promotor: compiled ${r.compiled} of ${r.total} modules to ${DIST_DIR}/ in ${Math.round(performance.now() - started)} ms`);
} catch (error) {
  console.error(`promotor: cannot compile src/ to ${DIST_DIR}/: ${error instanceof Error ? error.message : String(error)}\n  The CLI still works (it transpiles TypeScript at run time, slower). Fix: npm install`);
  process.exitCode = 1;
}
