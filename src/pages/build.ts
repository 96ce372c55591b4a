/** `promotor pages build`: check, stamp, then Evidence's sources and build:strict (each with a
 * timeout) in the build copy of one language, then the release folder. The parquet extension
 * comes from the project's local copy, served on loopback; where there is none and none can be
 * fetched, the Evidence steps are skipped up front (they would hang) and the result says so. */
import { spawn } from "node:child_process";
import { dieWithParentEnv } from "../lib/child.ts";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import type { Writable } from "node:stream";
import { errorMessage, PromotorError } from "../lib/errors.ts";
import { boardPackOfRelease, type BoardPackResult } from "./board-pack.ts";
import { formatDuration } from "../lib/format.ts";
import { checkPages, type CheckResult } from "./check.ts";
import { repairEmptyResults } from "./empty-sources.ts";
import { ensureExtensions, explainMissingExtension, serveExtensions, type ExtensionStatus } from "./extension.ts";
import { DEFAULT_LANGUAGE, type Language } from "./localize.ts";
import type { PagesProject } from "./project.ts";
import { readDashboardSettings } from "./settings.ts";
import { stageProject, type StagedProject } from "./stage.ts";
import { writeCurrentStamp } from "./stamp.ts";
import { releasePath, writeRelease, type BuildStamp, type ReleaseEntry } from "./versioning.ts";

export interface BuildOptions {
  warehouse: string;
  /** Give up on an Evidence step after this long (default 15 min). */
  stepTimeoutMs?: number;
  force?: boolean;
  out: Writable;
  /** Language of every page of this build (default: promotor.yaml, else nl). */
  lang?: Language;
  /** Where releases/ is served on the web server ("" = its root). */
  basePathPrefix?: string;
}

export type BuildResult =
  | { status: "failed-check"; check: CheckResult }
  | { status: "skipped"; reason: string; extension: ExtensionStatus; stamp: BuildStamp; check: CheckResult }
  | { status: "built"; release: ReleaseEntry; stamp: BuildStamp; check: CheckResult; timings: StepTiming[]; boardPack: BoardPackResult | { skipped: string } };

/** Wall time of each step of a build, for `promotor bench`. */
export interface StepTiming {
  step: string;
  elapsedMs: number;
}

/** Runs a command with a hard timeout (the whole process group is killed), streaming its output. */
export function runStep(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; out: Writable }): Promise<number> {
  return new Promise((resolve, reject) => {
    // Its own process group (killed whole on a timeout); the watcher ends it if promotor dies.
    const child = spawn(command, args, { cwd: options.cwd, env: dieWithParentEnv(options.env), stdio: ["ignore", "pipe", "pipe"], detached: true });
    child.stdout.on("data", (d: Buffer) => options.out.write(d));
    child.stderr.on("data", (d: Buffer) => options.out.write(d));
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
      reject(new PromotorError(`${command} ${args.join(" ")} did not finish within ${formatDuration(options.timeoutMs)} and was stopped`, {
        hint: "a step that waits on the network (the DuckDB-WASM extension) hangs; see docs/dashboards.md",
      }));
    }, options.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

/** Environment for Evidence: the source's warehouse path (relative to sources/promotor, as the
 * DuckDB connector joins it with the source directory). */
export function evidenceEnv(project: PagesProject | StagedProject, warehouse: string, base: NodeJS.ProcessEnv = process.env, extensionRepository?: string): NodeJS.ProcessEnv {
  return {
    ...base,
    // Read by our patch of @evidence-dev/component-utilities and core-components (patches/):
    // numbers, dates and Evidence's own control texts in the build's language.
    ...("lang" in project ? { VITE_PROMOTOR_LANG: project.lang } : {}),
    [`EVIDENCE_SOURCE__${project.sourceName}__filename`]: relative(project.sourceDir, warehouse),
    EVIDENCE_DISABLE_TELEMETRY: "true",
    // An inherited NODE_ENV (development, test) makes Vite build in dev mode: the header then links
    // Evidence's explore pages, whose prerender fails build:strict.
    NODE_ENV: "production",
    // Read by our patch of @evidence-dev/universal-sql (patches/): Node loads extensions from the
    // loopback copy, browsers from the release's own duckdb-extensions/ folder.
    ...(extensionRepository ? { PROMOTOR_DUCKDB_EXTENSION_REPOSITORY: extensionRepository, VITE_PROMOTOR_DUCKDB_EXTENSIONS: "bundled" } : {}),
  };
}

/** Runs one Evidence command in a build copy; fails on a non-zero exit. After the sources step,
 * results without rows are written as empty tables (src/pages/empty-sources.ts). */
export async function runEvidence(staged: PagesProject, args: string[], options: { env: NodeJS.ProcessEnv; timeoutMs: number; out: Writable }): Promise<void> {
  const evidence = join(staged.root, "node_modules", "@evidence-dev", "evidence", "cli.js");
  const code = await runStep(process.execPath, [evidence, ...args], { cwd: staged.root, env: options.env, timeoutMs: options.timeoutMs, out: options.out });
  if (code !== 0) throw new PromotorError(`evidence ${args.join(" ")} failed (exit ${code})`, { hint: "see its output above" });
  if (args[0] === "sources") {
    const repaired = await repairEmptyResults(join(staged.root, ".evidence", "template", "static", "data"));
    if (repaired.length) options.out.write(`${repaired.length} source(s) without rows written as empty tables (Evidence writes no file for them)\n`);
  }
}

export async function buildPages(project: PagesProject, options: BuildOptions): Promise<BuildResult> {
  const out = options.out;
  const timings: StepTiming[] = [];
  let mark = performance.now();
  const lap = (step: string): void => {
    const now = performance.now();
    timings.push({ step, elapsedMs: now - mark });
    mark = now;
  };
  const settings = readDashboardSettings(project.root);
  const lang = options.lang ?? settings.language ?? DEFAULT_LANGUAGE;
  await writeCurrentStamp(project, options.warehouse);
  const check = await checkPages(project, options.warehouse, { languages: [lang] });
  if (check.problems.length) return { status: "failed-check", check };
  const stamp = await writeCurrentStamp(project, options.warehouse);
  out.write(`pages check: ${check.pages.length} pages, ${check.sources.length} sources, no problems\n`);
  lap("pages check");

  const extensions = await ensureExtensions(project.root);
  if (!extensions.ok) {
    return { status: "skipped", reason: explainMissingExtension(extensions.status), extension: extensions.status, stamp, check };
  }
  const evidence = join(project.root, "node_modules", "@evidence-dev", "evidence", "cli.js");
  if (!existsSync(evidence)) throw new PromotorError("Evidence is not installed", { hint: "npm install" });
  const path = releasePath(stamp.dashboard_version, lang);
  const staged = stageProject(project, {
    lang,
    organisation: settings.organisation,
    basePath: `${(options.basePathPrefix ?? settings.basePath ?? "").replace(/\/+$/, "")}/${path.replace(/\/$/, "")}`,
    extensionsDir: extensions.dir,
    omit: check.pages.filter((p) => p.instances === 0).map((p) => p.file),
  });
  out.write(`dashboards in ${lang === "nl" ? "Dutch" : "English"} for ${settings.organisation.name}, served under ${staged.basePath}/\n`);
  const served = await serveExtensions(extensions.dir);
  lap("extension and build copy");
  try {
    const env = evidenceEnv(staged, options.warehouse, process.env, served.url);
    const timeoutMs = options.stepTimeoutMs ?? 15 * 60_000;
    for (const args of [["sources", "--strict"], ["build:strict"]]) {
      out.write(`evidence ${args.join(" ")}\n`);
      await runEvidence(staged, args, { env, timeoutMs, out });
      lap(`evidence ${args[0]}`);
    }
  } finally {
    await served.close();
  }
  const release = writeRelease(project, join(staged.root, "build"), stamp, { force: options.force, lang });
  lap("release");
  // The board pack beside the pages; the release stands without it (no Chromium here, say).
  let boardPack: BoardPackResult | { skipped: string };
  try {
    boardPack = await boardPackOfRelease({ releasesDir: project.releasesDir, release: release.path, root: project.root, warehouse: options.warehouse });
    lap("board pack");
  } catch (error) {
    boardPack = { skipped: errorMessage(error) };
  }
  return { status: "built", release, stamp, check, timings, boardPack };
}
