import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Project root: the nearest folder above this module with a package.json (src/lib/ when run
 * as TypeScript, dist/node/src/lib/ when run compiled; bin/dist.mjs). */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return resolve(from, "..", "..");
  }
}
export const projectRoot: string = findRoot(dirname(fileURLToPath(import.meta.url)));

/** Promotor's caches: PROMOTOR_CACHE_DIR, default <project>/.promotor/cache (git-ignored). */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env["PROMOTOR_CACHE_DIR"] || join(projectRoot, ".promotor", "cache");
}

export const DEFAULT_WAREHOUSE = join("warehouse", "promotor.duckdb");

/** --warehouse wins over PROMOTOR_WAREHOUSE, which wins over the default. */
export function resolveWarehouse(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const chosen = flag ?? env["PROMOTOR_WAREHOUSE"] ?? join(projectRoot, DEFAULT_WAREHOUSE);
  return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
}

export const venvBin = (tool: string): string => join(projectRoot, ".venv", "bin", tool);
export const transformsDir: string = join(projectRoot, "transforms");
