/** Versioned pages: changelog entries per page version, the build stamp, and the release folders
 * with their index (tested on the functions directly: the Evidence build itself cannot run here). */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/lib/paths.ts";
import { parsePage } from "../../src/pages/markdown.ts";
import { modelFingerprint, pageFiles, pagesProject } from "../../src/pages/project.ts";
import {
  dashboardVersion, gitCommit, makeStamp, pageId, readChangelog, readReleaseIndex, releasePath, stampRows, versionProblems, writeRelease, writeStampFile,
} from "../../src/pages/versioning.ts";
import { tempDir } from "./helpers.ts";

const CHANGELOG = `# Dashboards changelog

## 1.1.0 (2026-12-01)

- index 1.1.0: adds CES.
- account-managers/[account_manager] 1.0.1: fixes the title.

## 1.0.0 (2026-09-30)

- index 1.0.0: first version.
- drivers 1.0.0: first version.
`;

const page = (path: string, version: string | null) =>
  parsePage(path, `${version === null ? "" : `---\ntitle: T\nversion: ${version}\n---\n`}# x\n`);

describe("page versions and the changelog", () => {
  const project = pagesProject("/p");
  const changelog = readChangelog(CHANGELOG);

  it("reads releases newest first with their page entries", () => {
    expect(changelog.map((r) => [r.version, r.date, r.entries.length])).toEqual([["1.1.0", "2026-12-01", 2], ["1.0.0", "2026-09-30", 2]]);
    expect(changelog[0]!.entries[1]).toMatchObject({ page: "account-managers/[account_manager]", version: "1.0.1" });
    expect(dashboardVersion(changelog)).toBe("1.1.0");
    expect(() => dashboardVersion([])).toThrow(/no release heading/);
  });

  it("accepts a page whose version has an entry, refuses one without, or without a version", () => {
    expect(versionProblems(page("pages/index.md", "1.0.0"), changelog, project)).toEqual([]);
    expect(versionProblems(page("pages/account-managers/[account_manager].md", "1.0.1"), changelog, project)).toEqual([]);
    expect(versionProblems(page("pages/drivers.md", "1.1.0"), changelog, project)[0]!.message).toMatch(/version 1.1.0 has no changelog entry: add "- drivers 1.1.0: /);
    expect(versionProblems(page("pages/drivers.md", null), changelog, project)[0]!.message).toMatch(/front matter needs version/);
    expect(versionProblems(page("pages/drivers.md", "v2"), changelog, project)[0]!.message).toMatch(/front matter needs version/);
  });

  it("every page of this project has a version with a changelog entry", () => {
    const real = pagesProject(projectRoot);
    const log = readChangelog(readFileSync(real.changelog, "utf8"));
    const files = pageFiles(real);
    expect(files.length).toBe(11);
    for (const f of files) expect(versionProblems(parsePage(f, readFileSync(join(projectRoot, f), "utf8")), log, real), f).toEqual([]);
    expect(pageId("pages/account-managers/index.md")).toBe("account-managers/index");
  });

  it("every page shows its own build stamp (a printed page names its build)", () => {
    const real = pagesProject(projectRoot);
    for (const f of pageFiles(real)) {
      const id = pageId(f);
      // The templated page carries its family's stamp.
      const stampOf = id.includes("[") ? id.replace(/\/\[.*$/, "/index") : id;
      expect(readFileSync(join(projectRoot, f), "utf8"), f).toMatch(new RegExp(`from promotor\\.build_stamp where page = '(${stampOf.replace(/[/-]/g, "\\$&")}|${id.replace(/[[\]/-]/g, "\\$&")})'`));
    }
  });
});

describe("build stamp", () => {
  it("stamps every page with dashboard version, commit, freshness and model fingerprint", () => {
    const stamp = makeStamp({
      dashboard_version: "1.1.0",
      git_commit: "abc123",
      data_fresh_until: "2026-10-31T23:10:00Z",
      semantic_model: "f00d",
      built_at: "2026-11-01T08:00:00Z",
      pages: [{ page: "index", title: "Overview", version: "1.1.0" }, { page: "drivers", title: "Drivers", version: "1.0.0" }],
    });
    expect(stampRows(stamp)).toEqual([
      { page: "index", page_title: "Overview", page_version: "1.1.0", dashboard_version: "1.1.0", git_commit: "abc123", data_fresh_until: "2026-10-31T23:10:00Z", semantic_model: "f00d", built_at: "2026-11-01T08:00:00Z" },
      { page: "drivers", page_title: "Drivers", page_version: "1.0.0", dashboard_version: "1.1.0", git_commit: "abc123", data_fresh_until: "2026-10-31T23:10:00Z", semantic_model: "f00d", built_at: "2026-11-01T08:00:00Z" },
    ]);
    const root = tempDir();
    const file = writeStampFile(pagesProject(root), stamp);
    expect(JSON.parse(readFileSync(file, "utf8"))).toHaveLength(2);
    expect(makeStamp({ ...stamp, built_at: undefined }).built_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("the model fingerprint changes when a measure file changes, and only then", () => {
    const root = tempDir();
    mkdirSync(join(root, "model", "views"), { recursive: true });
    mkdirSync(join(root, "src", "measures"), { recursive: true });
    writeFileSync(join(root, "model", "views", "nps.js"), "view(`nps`, {})");
    writeFileSync(join(root, "src", "measures", "nps.ts"), "export const a = 1;");
    const before = modelFingerprint(root);
    writeFileSync(join(root, "README.md"), "unrelated");
    expect(modelFingerprint(root)).toBe(before);
    writeFileSync(join(root, "src", "measures", "nps.ts"), "export const a = 2;");
    expect(modelFingerprint(root)).not.toBe(before);
  });

  it("git commit: the HEAD hash, marked dirty when tracked files changed", () => {
    const root = tempDir();
    const git = (...args: string[]) => spawnSync("git", args, { cwd: root, encoding: "utf8", timeout: 10_000 });
    git("init", "-q");
    writeFileSync(join(root, "a.txt"), "1");
    git("add", "a.txt");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "one");
    const head = git("rev-parse", "HEAD").stdout.trim();
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(gitCommit(root)).toBe(head.slice(0, 12));
    writeFileSync(join(root, "a.txt"), "2");
    expect(gitCommit(root)).toBe(`${head.slice(0, 12)}-dirty`);
    expect(gitCommit(tempDir())).toBe("unknown");
  });
});

describe("releases and their index", () => {
  const stampFor = (version: string, commit: string) =>
    makeStamp({ dashboard_version: version, git_commit: commit, data_fresh_until: "2026-09-30T12:00:00Z", semantic_model: "m1", built_at: `2026-10-0${version.at(-1)}T00:00:00Z`, pages: [{ page: "index", title: "Overview", version }] });

  it("writes each release to its own folder and keeps earlier ones listed, newest first", () => {
    const root = tempDir();
    const project = pagesProject(root);
    const build = join(root, "build");
    mkdirSync(build);
    writeFileSync(join(build, "index.html"), "<html>Q3 board pack</html>");
    writeRelease(project, build, stampFor("1.0.0", "aaa"), { lang: "nl" });
    writeFileSync(join(build, "index.html"), "<html>Q4 board pack</html>");
    writeRelease(project, build, stampFor("1.1.0", "bbb"), { lang: "nl" });
    writeFileSync(join(build, "index.html"), "<html>Q4 board pack (en)</html>");
    writeRelease(project, build, stampFor("1.1.0", "bbb"), { lang: "en" });

    // The earlier release is still there, as it was built; each language has its own folder.
    expect(readFileSync(join(root, "releases", "1.0.0", "nl", "index.html"), "utf8")).toBe("<html>Q3 board pack</html>");
    expect(readFileSync(join(root, "releases", "1.1.0", "nl", "index.html"), "utf8")).toBe("<html>Q4 board pack</html>");
    expect(readFileSync(join(root, "releases", "1.1.0", "en", "index.html"), "utf8")).toBe("<html>Q4 board pack (en)</html>");
    expect(JSON.parse(readFileSync(join(root, "releases", "1.0.0", "nl", "promotor-release.json"), "utf8"))).toMatchObject({ git_commit: "aaa", lang: "nl" });
    const index = readReleaseIndex(project.releasesDir);
    expect(index.map((r) => [r.version, r.lang, r.git_commit, r.path])).toEqual([
      ["1.1.0", "en", "bbb", "1.1.0/en/"],
      ["1.1.0", "nl", "bbb", "1.1.0/nl/"],
      ["1.0.0", "nl", "aaa", "1.0.0/nl/"],
    ]);
    // Links are relative, to the folder each release was built for: releases/ served as is works.
    const html = readFileSync(join(root, "releases", "index.html"), "utf8");
    expect(html).toContain('<a href="./1.0.0/nl/">1.0.0</a>');
    expect(html).toContain('<a href="./1.1.0/en/">1.1.0</a>');
    expect(html.indexOf("./1.1.0/")).toBeLessThan(html.indexOf("./1.0.0/"));
    expect(releasePath("2.0.0", "en")).toBe("2.0.0/en/");
  });

  it("refuses to overwrite a release built from another commit (unless forced); 1.10.0 sorts after 1.9.0", () => {
    const root = tempDir();
    const project = pagesProject(root);
    const build = join(root, "build");
    mkdirSync(build);
    writeFileSync(join(build, "index.html"), "x");
    writeRelease(project, build, stampFor("1.9.0", "aaa"));
    expect(() => writeRelease(project, build, stampFor("1.9.0", "ccc"))).toThrow(/release 1.9.0 \(nl\) already exists \(built from aaa\)/);
    writeRelease(project, build, stampFor("1.9.0", "aaa")); // same commit: a rebuild is fine
    writeRelease(project, build, stampFor("1.9.0", "ccc"), { force: true });
    writeRelease(project, build, { ...stampFor("1.9.0", "ddd"), dashboard_version: "1.10.0" });
    expect(readReleaseIndex(project.releasesDir).map((r) => r.version)).toEqual(["1.10.0", "1.9.0"]);
    expect(() => writeRelease(project, join(root, "missing"), stampFor("2.0.0", "e"))).toThrow(/no build at/);
    expect(existsSync(join(root, "releases", "2.0.0"))).toBe(false);
  });
});
