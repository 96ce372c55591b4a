/** Detects Cube's native module (@cubejs-backend/native, Rust) and picks the SQL planner.
 * Without it (this machine, DESIGN.md "This machine's limits") Cube's JavaScript compiler and
 * JavaScript planner still produce real Cube SQL; with it, Cube's default (Tesseract) planner is used. */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export interface NativeStatus {
  available: boolean;
  /** Why not, for messages and skipped tests. */
  reason?: string;
}

let cached: NativeStatus | undefined;

export function cubeNativeStatus(): NativeStatus {
  if (cached) return cached;
  try {
    const native = require("@cubejs-backend/native") as { loadNative(): unknown };
    native.loadNative();
    cached = { available: true };
  } catch (error) {
    cached = {
      available: false,
      reason: `@cubejs-backend/native is not installed (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); its postinstall downloads it from GitHub releases, which this machine cannot reach`,
    };
  }
  return cached;
}

export const hasCubeNative = (): boolean => cubeNativeStatus().available;

/** The planner to use: Tesseract (Cube's default) only with the native module; an explicit
 * CUBEJS_TESSERACT_SQL_PLANNER=false is respected. */
export function chosenPlanner(env: NodeJS.ProcessEnv = process.env): "tesseract" | "javascript" {
  const value = (env["CUBEJS_TESSERACT_SQL_PLANNER"] ?? "true").toLowerCase();
  const requested = !(value === "false" || value === "0");
  return requested && hasCubeNative() ? "tesseract" : "javascript";
}

/** For the Cube server (which reads the environment): without the native module select Cube's
 * JavaScript planner. An explicit CUBEJS_TESSERACT_SQL_PLANNER setting is respected. */
export function configurePlanner(env: NodeJS.ProcessEnv = process.env): "tesseract" | "javascript" {
  if (env["CUBEJS_TESSERACT_SQL_PLANNER"] === undefined && !hasCubeNative()) env["CUBEJS_TESSERACT_SQL_PLANNER"] = "false";
  const value = (env["CUBEJS_TESSERACT_SQL_PLANNER"] ?? "true").toLowerCase();
  const planner = value === "false" || value === "0" ? "javascript" : "tesseract";
  // Also when the variable came from outside (a child of a process that set it): the warning
  // would otherwise land in `promotor query --format csv` output.
  if (planner === "javascript" && env === process.env) silenceLegacyPlannerWarning();
  return planner;
}

/** Cube prints "Tesseract planner is a default one …" to stdout the first time it reads the
 * setting, which would corrupt `promotor query --format json|csv`. Read it once with console
 * output swallowed; Cube then never repeats it. The choice is documented in docs/semantic.md. */
let silenced = false;
function silenceLegacyPlannerWarning(): void {
  if (silenced) return;
  silenced = true;
  const { getEnv } = require("@cubejs-backend/shared") as { getEnv(name: string): unknown };
  const saved = { log: console.log, warn: console.warn };
  console.log = () => undefined;
  console.warn = () => undefined;
  try {
    getEnv("nativeSqlPlanner");
  } finally {
    console.log = saved.log;
    console.warn = saved.warn;
  }
}
