/** Versioned dashboards: page versions (front matter) with changelog entries, the build stamp
 * (dashboard version, git commit, data freshness, semantic model fingerprint) and the release
 * folders with their index, so an earlier board pack can still be opened as it was. */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PromotorError } from "../lib/errors.ts";
import type { ParsedPage } from "./markdown.ts";
import type { PagesProject } from "./project.ts";

const SEMVER = /^\d+\.\d+\.\d+$/;

export interface ChangelogRelease {
  version: string;
  date: string | undefined;
  line: number;
  /** page id -> page versions described in this release */
  entries: { page: string; version: string; text: string; line: number }[];
}

/**
 * docs/dashboards-changelog.md, newest release first:
 *   ## 1.1.0 (2025-07-01)
 *   - overview 1.1.0: what changed
 */
export function readChangelog(text: string): ChangelogRelease[] {
  const releases: ChangelogRelease[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trimEnd();
    const heading = /^##\s+(\d+\.\d+\.\d+)\s*(?:\((\d{4}-\d{2}-\d{2})\))?/.exec(line);
    if (heading) {
      releases.push({ version: heading[1]!, date: heading[2], line: i + 1, entries: [] });
      return;
    }
    const entry = /^[-*]\s+`?([\w\-/[\]]+)`?\s+(\d+\.\d+\.\d+):\s*(.+)$/.exec(line);
    if (entry && releases.length > 0) {
      releases.at(-1)!.entries.push({ page: entry[1]!, version: entry[2]!, text: entry[3]!, line: i + 1 });
    }
  });
  return releases;
}

/** The dashboard version: the newest release in the changelog. */
export function dashboardVersion(changelog: ChangelogRelease[]): string {
  const latest = changelog[0];
  if (!latest) throw new PromotorError("the dashboards changelog has no release heading (## 1.0.0 (YYYY-MM-DD))", { file: "docs/dashboards-changelog.md" });
  return latest.version;
}

/** pages/overview.md -> overview; pages/account-managers/[account_manager].md -> account-managers/[account_manager]. */
export const pageId = (path: string): string => path.replace(/^pages\//, "").replace(/\.md$/, "");

export function versionProblems(page: ParsedPage, changelog: ChangelogRelease[] | null, project: PagesProject): { file: string; line?: number; message: string }[] {
  const file = page.path;
  const version = page.frontMatter["version"];
  const changelogFile = project.changelog.slice(project.root.length + 1);
  if (typeof version !== "string" || !SEMVER.test(version)) {
    return [{ file, line: 1, message: `front matter needs version: MAJOR.MINOR.PATCH (found ${JSON.stringify(version ?? null)})` }];
  }
  if (!changelog) return [{ file, line: 1, message: `no changelog at ${changelogFile}` }];
  const id = pageId(page.path);
  const found = changelog.some((r) => r.entries.some((e) => e.page === id && e.version === version));
  return found ? [] : [{ file, line: 1, message: `version ${version} has no changelog entry: add "- ${id} ${version}: what changed" under a release in ${changelogFile}` }];
}

export interface PageStamp {
  page: string;
  title: string;
  version: string;
}

export interface BuildStamp {
  dashboard_version: string;
  git_commit: string;
  /** Latest answered_at in the warehouse (ISO, UTC). */
  data_fresh_until: string | null;
  semantic_model: string;
  built_at: string;
  pages: PageStamp[];
}

/** Short commit hash, "-dirty" when the work tree has changes; "unknown" outside git. */
export function gitCommit(root: string): string {
  const run = (args: string[]): string | null => {
    const r = spawnSync("git", args, { cwd: root, encoding: "utf8", timeout: 10_000 });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const head = run(["rev-parse", "--short=12", "HEAD"]);
  if (!head) return "unknown";
  const status = run(["status", "--porcelain", "--untracked-files=no"]);
  return status ? `${head}-dirty` : head;
}

export function makeStamp(input: Omit<BuildStamp, "built_at"> & { built_at?: string }): BuildStamp {
  return { ...input, built_at: input.built_at ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z") };
}

/** Rows of the build_stamp source: one per page, each with the build's stamp. */
export function stampRows(stamp: BuildStamp): Record<string, string | null>[] {
  return stamp.pages.map((p) => ({
    page: p.page,
    page_title: p.title,
    page_version: p.version,
    dashboard_version: stamp.dashboard_version,
    git_commit: stamp.git_commit,
    data_fresh_until: stamp.data_fresh_until,
    semantic_model: stamp.semantic_model,
    built_at: stamp.built_at,
  }));
}

/** Writes .promotor/build-stamp.json, which sources/promotor/build_stamp.sql reads. */
export function writeStampFile(project: PagesProject, stamp: BuildStamp): string {
  mkdirSync(project.stateDir, { recursive: true });
  const file = join(project.stateDir, "build-stamp.json");
  writeFileSync(file, JSON.stringify(stampRows(stamp), null, 2) + "\n");
  return file;
}

export interface ReleaseEntry {
  version: string;
  /** Language of every page of the release. */
  lang: string;
  built_at: string;
  git_commit: string;
  data_fresh_until: string | null;
  semantic_model: string;
  /** Folder inside releases/, with a trailing slash: "1.1.0/nl/". */
  path: string;
  pages: PageStamp[];
  /** The board pack PDF inside the release folder, once written (src/pages/board-pack.ts). */
  board_pack?: string;
}

/** Where a release lives inside releases/ (and, below the base path, on the web server). */
export const releasePath = (version: string, lang: string): string => `${version}/${lang}/`;

const compareVersions = (a: string, b: string): number => {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};

export function readReleaseIndex(releasesDir: string): ReleaseEntry[] {
  const file = join(releasesDir, "index.json");
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { releases?: ReleaseEntry[] };
  return parsed.releases ?? [];
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function releaseIndexHtml(releases: ReleaseEntry[]): string {
  const rows = releases
    .map(
      (r) =>
        `<tr><td><a href="./${escapeHtml(r.path)}">${escapeHtml(r.version)}</a></td><td>${escapeHtml(r.lang ?? "")}</td><td>${escapeHtml(r.built_at)}</td>` +
        `<td><code>${escapeHtml(r.git_commit)}</code></td><td>${escapeHtml(r.data_fresh_until ?? "–")}</td><td><code>${escapeHtml(r.semantic_model)}</code></td>` +
        `<td>${r.board_pack ? `<a href="./${escapeHtml(r.path)}${escapeHtml(r.board_pack)}">PDF</a>` : "–"}</td>` +
        `<td>${r.pages.map((p) => `${escapeHtml(p.page)} ${escapeHtml(p.version)}`).join("<br>")}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Promotor dashboards: releases</title><link rel="icon" href="data:,">
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2937}table{border-collapse:collapse}td,th{border-bottom:1px solid #e5e7eb;padding:.4rem .8rem;text-align:left;vertical-align:top}</style></head>
<body><h1>Promotor dashboards: releases</h1>
<p>Every release is the dashboard exactly as it was built, in one language. Serve this folder as it is with any static
web server (or <code>promotor pages preview</code>) and open a release below.</p>
<table><thead><tr><th>Version</th><th>Language</th><th>Built at</th><th>Commit</th><th>Data up to</th><th>Semantic model</th><th>Board pack</th><th>Pages</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}

/** Copies a finished Evidence build into releases/<version>/<lang>/ and updates the release
 * index. A release is immutable: building the same version again from another commit is refused. */
export function writeRelease(project: PagesProject, buildDir: string, stamp: BuildStamp, options: { force?: boolean; lang?: string } = {}): ReleaseEntry {
  if (!existsSync(buildDir)) throw new PromotorError(`no build at ${buildDir}`, { hint: "run promotor pages build where the DuckDB-WASM parquet extension can be fetched" });
  const lang = options.lang ?? "nl";
  const releases = readReleaseIndex(project.releasesDir);
  const path = releasePath(stamp.dashboard_version, lang);
  const existing = releases.find((r) => r.path === path);
  if (existing && existing.git_commit !== stamp.git_commit && !options.force) {
    throw new PromotorError(`release ${stamp.dashboard_version} (${lang}) already exists (built from ${existing.git_commit})`, {
      file: project.changelog.slice(project.root.length + 1),
      hint: "add a new release heading to the dashboards changelog (or pass --force to rebuild it)",
    });
  }
  const target = join(project.releasesDir, path);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  cpSync(buildDir, target, { recursive: true });
  writeFileSync(join(target, "promotor-release.json"), JSON.stringify({ ...stamp, lang }, null, 2) + "\n");
  const entry: ReleaseEntry = {
    version: stamp.dashboard_version,
    lang,
    built_at: stamp.built_at,
    git_commit: stamp.git_commit,
    data_fresh_until: stamp.data_fresh_until,
    semantic_model: stamp.semantic_model,
    path,
    pages: stamp.pages,
  };
  const next = [...releases.filter((r) => r.path !== entry.path), entry].sort((a, b) => compareVersions(b.version, a.version) || a.path.localeCompare(b.path));
  writeFileSync(join(project.releasesDir, "index.json"), JSON.stringify({ releases: next }, null, 2) + "\n");
  writeFileSync(join(project.releasesDir, "index.html"), releaseIndexHtml(next));
  return entry;
}

/** Records a release's board pack in the release index (index.json and index.html link it). */
export function linkBoardPack(releasesDir: string, path: string, file: string): void {
  const releases = readReleaseIndex(releasesDir).map((r) => (r.path === path ? { ...r, board_pack: file } : r));
  writeFileSync(join(releasesDir, "index.json"), JSON.stringify({ releases }, null, 2) + "\n");
  writeFileSync(join(releasesDir, "index.html"), releaseIndexHtml(releases));
}

export function pageStamps(pages: ParsedPage[]): PageStamp[] {
  return pages.map((p) => ({
    page: pageId(p.path),
    title: typeof p.frontMatter["title"] === "string" ? p.frontMatter["title"] : pageId(p.path),
    version: typeof p.frontMatter["version"] === "string" ? p.frontMatter["version"] : "0.0.0",
  }));
}
