import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Project root: two levels above src/lib. */
export const projectRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const DEFAULT_WAREHOUSE = join("warehouse", "promotor.duckdb");

/** --warehouse wins over PROMOTOR_WAREHOUSE, which wins over the default. */
export function resolveWarehouse(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const chosen = flag ?? env["PROMOTOR_WAREHOUSE"] ?? join(projectRoot, DEFAULT_WAREHOUSE);
  return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
}

export const venvBin = (tool: string): string => join(projectRoot, ".venv", "bin", tool);
export const transformsDir: string = join(projectRoot, "transforms");
