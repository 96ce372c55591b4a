/** Where the Evidence project's parts live, and the fingerprints that tie a build to its model. */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

export interface PagesProject {
  root: string;
  pagesDir: string;
  /** sources/promotor: the DuckDB source (connection.yaml + one .sql per query). */
  sourceDir: string;
  /** The Evidence source name pages read from (promotor.<query>). */
  sourceName: string;
  changelog: string;
  releasesDir: string;
  /** Where build metadata (the stamp) is written for the build_stamp source to read. */
  stateDir: string;
}

export function pagesProject(root: string): PagesProject {
  return {
    root,
    pagesDir: join(root, "pages"),
    sourceDir: join(root, "sources", "promotor"),
    sourceName: "promotor",
    changelog: join(root, "docs", "dashboards-changelog.md"),
    releasesDir: join(root, "releases"),
    stateDir: join(root, ".promotor"),
  };
}

/** Files under dir (recursively), sorted, as paths relative to root with '/' separators. */
export function listFiles(root: string, dir: string, accept: (path: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const entry of readdirSync(d).sort()) {
      const full = join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (accept(full)) out.push(relative(root, full).split(sep).join("/"));
    }
  };
  walk(dir);
  return out;
}

function hashFiles(root: string, paths: string[]): string {
  const hash = createHash("sha256");
  for (const p of paths) {
    hash.update(p).update("\0").update(readFileSync(join(root, p))).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** Fingerprint of the semantic model: every file of model/ and src/measures/. */
export function modelFingerprint(root: string): string {
  return hashFiles(root, [...listFiles(root, join(root, "model")), ...listFiles(root, join(root, "src", "measures"))]);
}

/** Fingerprint of what the generated sources depend on: the model plus the source definitions
 * and their SQL generator. A generated file carrying another one is stale. */
export function sourcesFingerprint(root: string): string {
  const own = ["source-queries.ts", "source-sql.ts", "significance.ts"].map((f) => `src/pages/${f}`).filter((p) => existsSync(join(root, p)));
  return hashFiles(root, [
    ...listFiles(root, join(root, "model")),
    ...listFiles(root, join(root, "src", "measures")),
    ...own,
  ]);
}

export function pageFiles(project: PagesProject): string[] {
  return listFiles(project.root, project.pagesDir, (p) => p.endsWith(".md"));
}

/** Where the SQL of the sources generated from the Cube model is written: the project's state
 * folder (.promotor/, git-ignored). It is compiled output, made again whenever the model or the
 * definitions change (src/pages/sources.ts, ensureGeneratedSources); the repository holds only
 * the hand-written sources. */
export function generatedSourceDir(project: PagesProject): string {
  return join(project.stateDir, "sources", project.sourceName);
}

/** Every source's SQL file: the hand-written ones, then the generated ones (names do not overlap). */
export function sourceFiles(project: PagesProject): string[] {
  const sql = (p: string): boolean => p.endsWith(".sql");
  return [...listFiles(project.root, project.sourceDir, sql), ...listFiles(project.root, generatedSourceDir(project), sql)];
}
