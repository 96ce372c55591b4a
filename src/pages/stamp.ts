/** The stamp of the current work tree: what `pages check` and `pages build` write before
 * Evidence's sources step reads it (sources/promotor/build_stamp.sql). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePage } from "./markdown.ts";
import { modelFingerprint, pageFiles, type PagesProject } from "./project.ts";
import { dataFreshness } from "./sources.ts";
import { dashboardVersion, gitCommit, makeStamp, pageStamps, readChangelog, writeStampFile, type BuildStamp } from "./versioning.ts";

export async function currentStamp(project: PagesProject, warehouse: string): Promise<BuildStamp> {
  const pages = pageFiles(project).map((f) => parsePage(f, readFileSync(join(project.root, f), "utf8")));
  const changelog = existsSync(project.changelog) ? readChangelog(readFileSync(project.changelog, "utf8")) : [];
  return makeStamp({
    dashboard_version: dashboardVersion(changelog),
    git_commit: gitCommit(project.root),
    data_fresh_until: await dataFreshness(warehouse),
    semantic_model: modelFingerprint(project.root),
    pages: pageStamps(pages),
  });
}

export async function writeCurrentStamp(project: PagesProject, warehouse: string): Promise<BuildStamp> {
  const stamp = await currentStamp(project, warehouse);
  writeStampFile(project, stamp);
  return stamp;
}
