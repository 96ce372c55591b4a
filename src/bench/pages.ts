/** The dashboards' build time: Evidence's sources step and build:strict of every page on the
 * sample data, one language, as `promotor pages build` runs them (issue 10: under 60 s on this
 * 2-core machine). Needs DuckDB-WASM's parquet extension; without it the figure is "skipped",
 * with the reason. The release goes to the bench folder, not to releases/. */
import { Writable } from "node:stream";
import { join } from "node:path";
import { buildPages, type StepTiming } from "../pages/build.ts";
import { explainMissingExtension } from "../pages/extension.ts";
import { pagesProject } from "../pages/project.ts";
import { fullLoad } from "./pipeline.ts";

export interface PagesBuildFigures {
  lang: string;
  pages: number;
  /** Evidence sources + build:strict. */
  evidenceMs: number;
  /** Everything `promotor pages build` did, check and release included. */
  totalMs: number;
  steps: StepTiming[];
  /** The board pack of the release (issue 22: under 30 s), or why it was not made. */
  boardPack: { ms: number; pages: number } | { skipped: string };
}

export type PagesBench = PagesBuildFigures | { skipped: string };

/** Ingests the sample into the bench folder and times a full dashboard build on it. */
export async function measurePagesBuild(root: string, dir: string, log: (line: string) => void): Promise<PagesBench> {
  const warehouse = join(dir, "warehouses", "sample-pages.duckdb");
  await fullLoad(root, warehouse, [join(root, "seeds", "sample")], () => {});
  // Its own build copy and releases: a bench never touches the project's releases/ or a build
  // someone runs at the same time.
  const project = { ...pagesProject(root), releasesDir: join(dir, "releases"), stateDir: join(dir, "pages", ".promotor") };
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const started = performance.now();
  const result = await buildPages(project, { warehouse, force: true, out: sink, lang: "nl" });
  const totalMs = performance.now() - started;
  if (result.status === "failed-check") throw new Error(`pages check failed: ${result.check.problems.map((p) => `${p.file}:${p.line ?? ""} ${p.message}`).join("; ")}`);
  if (result.status === "skipped") return { skipped: explainMissingExtension(result.extension).split("\n")[1]!.trim() };
  const evidenceMs = result.timings.filter((t) => t.step.startsWith("evidence")).reduce((a, t) => a + t.elapsedMs, 0);
  log(`  dashboards: Evidence sources + build:strict ${(evidenceMs / 1000).toFixed(1)} s (${result.check.pages.length} pages)`);
  const pack = result.boardPack;
  const boardPack = "skipped" in pack ? { skipped: pack.skipped.split("\n")[0]! } : { ms: pack.elapsedMs, pages: pack.pages };
  log("skipped" in boardPack ? `  board pack skipped: ${boardPack.skipped}` : `  board pack: ${(boardPack.ms / 1000).toFixed(1)} s (${boardPack.pages} PDF pages)`);
  return { lang: "nl", pages: result.check.pages.length, evidenceMs, totalMs, steps: result.timings, boardPack };
}
