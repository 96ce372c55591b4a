/** The Evidence project a build runs in: `.promotor/evidence/<lang>/`, a copy of the dashboard
 * sources in one language. Evidence's own layout stays as it is in the repository (pages/,
 * sources/, evidence.config.yaml); the build copy adds what one release needs: the pages in its
 * language, the organisation's header, the base path the release is served under and the DuckDB
 * extensions the browser loads from the release's own origin. */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { PromotorError } from "../lib/errors.ts";
import { listFiles, type PagesProject, generatedSourceDir } from "./project.ts";
import { localize, type Language } from "./localize.ts";

export interface Organisation {
  /** Shown in the header and the browser tab (default "Promotor"). */
  name: string;
  /** A logo file (SVG or PNG) shown left of the name; none: the name alone. */
  logo?: string;
}

export interface StageOptions {
  lang: Language;
  organisation: Organisation;
  /** Path the release is served under ("" = the host's root), e.g. "/1.1.0/nl". */
  basePath: string;
  /** Folder laid out as <version>/<platform>/<ext>.duckdb_extension.wasm, copied into the
   * release so the browser loads extensions from the release's origin. */
  extensionsDir?: string;
  /** Pages to leave out of this build (a templated page with no instances on this warehouse:
   * SvelteKit refuses a prerenderable route it never reaches). */
  omit?: readonly string[];
}

export interface StagedProject extends PagesProject {
  lang: Language;
  basePath: string;
}

/** Where the build copy of one language lives. */
export const stageRoot = (project: PagesProject, lang: Language): string => join(project.stateDir, "evidence", lang);

const escapeAttr = (s: string): string => s.replace(/[&<>"'{}]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The header: the organisation's logo (or a wordmark of its name) instead of Evidence's, and
 * none of Evidence's English navigation aids (breadcrumbs, "On this page"), which it cannot
 * translate: every word on a page is in the build's language. */
export function layoutSvelte(organisation: Organisation, lang: Language, logoFile: string): string {
  const home = lang === "nl" ? "Overzicht" : "Overview";
  return `<script>
\t// Written by promotor pages build (src/pages/stage.ts): the organisation's header.
\timport '@evidence-dev/tailwind/fonts.css';
\timport '../app.css';
\timport { EvidenceDefaultLayout } from '@evidence-dev/core-components';
\timport { addBasePath } from '@evidence-dev/sdk/utils/svelte';
\texport let data;
</script>

<svelte:head>
\t<title>${escapeAttr(organisation.name)}</title>
</svelte:head>

<EvidenceDefaultLayout {data} logo={addBasePath(${JSON.stringify(`/${logoFile}`)})} homePageName="${home}" builtWithEvidence={false} hideBreadcrumbs={true} hideTOC={true}>
\t<slot slot="content" />
</EvidenceDefaultLayout>
`;
}

/** A wordmark for organisations without a logo file: the name, set in the theme's colour. */
export function wordmarkSvg(name: string): string {
  const safe = name.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const width = Math.max(60, Math.round(name.length * 11.5 + 34));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="24" viewBox="0 0 ${width} 24" role="img" aria-label="${safe}">
<circle cx="11" cy="12" r="9" fill="#1d4ed8"/><path d="M7 12.5l3 3 6-7" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>
<text x="26" y="17.5" font-family="Inter, system-ui, sans-serif" font-size="17" font-weight="600" fill="#1f2937">${safe}</text>
</svg>
`;
}

/** Writes (or refreshes) the build copy and returns it as a pages project. */
export function stageProject(project: PagesProject, options: StageOptions): StagedProject {
  const root = stageRoot(project, options.lang);
  // Evidence keeps its template in .evidence/ between builds, but not its data: its sources step
  // writes no parquet file for a source that returns no rows and leaves the previous build's in
  // place, so an emptied source would show old figures. Every build starts without data.
  for (const dir of ["pages", "sources", "static", "components", join(".evidence", "template", "static", "data")]) {
    rmSync(join(root, dir), { recursive: true, force: true });
  }
  mkdirSync(root, { recursive: true });

  for (const file of listFiles(project.root, project.pagesDir)) {
    if (options.omit?.includes(file)) continue;
    const target = join(root, file);
    mkdirSync(dirname(target), { recursive: true });
    const text = readFileSync(join(project.root, file), "utf8");
    writeFileSync(target, /\.(md|svelte)$/.test(file) ? localize(text, options.lang, file) : text);
  }
  cpSync(project.sourceDir, join(root, "sources", project.sourceName), { recursive: true });
  // The SQL generated from the Cube model (made by pages check, which every build runs first).
  if (existsSync(generatedSourceDir(project))) cpSync(generatedSourceDir(project), join(root, "sources", project.sourceName), { recursive: true });
  for (const dir of ["static", "components"]) {
    if (existsSync(join(project.root, dir))) cpSync(join(project.root, dir), join(root, dir), { recursive: true });
  }

  mkdirSync(join(root, "pages"), { recursive: true });
  const logoFile = stageLogo(project, root, options.organisation);
  writeFileSync(join(root, "pages", "+layout.svelte"), layoutSvelte(options.organisation, options.lang, logoFile));

  const configPath = join(project.root, "evidence.config.yaml");
  const config = (existsSync(configPath) ? (parseYaml(readFileSync(configPath, "utf8")) as Record<string, unknown> | null) : null) ?? {};
  config["deployment"] = { ...((config["deployment"] as object | undefined) ?? {}), basePath: options.basePath };
  writeFileSync(join(root, "evidence.config.yaml"), `# Written by promotor pages build from ../../../evidence.config.yaml\n${stringifyYaml(config)}`);
  // Vite and SvelteKit decide from package.json which packages to compile for the server (the
  // Svelte component libraries); node_modules itself is the project's, found by walking up.
  const pkg = JSON.parse(readFileSync(join(project.root, "package.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(
    join(root, "package.json"),
    JSON.stringify({ name: `promotor-dashboards-${options.lang}`, private: true, type: "module", dependencies: pkg["dependencies"], devDependencies: pkg["devDependencies"] }, null, 2) + "\n",
  );

  // Evidence's Tailwind config scans ../../node_modules/<plugin>/dist from its template for the
  // classes components use: without this link the pages build unstyled.
  const modules = join(root, "node_modules");
  if (!existsSync(modules)) symlinkSync(relative(root, join(project.root, "node_modules")), modules, "dir");

  if (options.extensionsDir) cpSync(options.extensionsDir, join(root, "static", "duckdb-extensions"), { recursive: true });

  // The build stamp source reads .promotor/build-stamp.json relative to the project root.
  const stamp = join(project.stateDir, "build-stamp.json");
  if (existsSync(stamp)) {
    mkdirSync(join(root, ".promotor"), { recursive: true });
    cpSync(stamp, join(root, ".promotor", "build-stamp.json"));
  }
  return {
    ...project,
    root,
    pagesDir: join(root, "pages"),
    sourceDir: join(root, "sources", project.sourceName),
    stateDir: join(root, ".promotor"),
    lang: options.lang,
    basePath: options.basePath,
  };
}

function stageLogo(project: PagesProject, root: string, organisation: Organisation): string {
  mkdirSync(join(root, "static"), { recursive: true });
  if (!organisation.logo) {
    writeFileSync(join(root, "static", "organisation-logo.svg"), wordmarkSvg(organisation.name));
    return "organisation-logo.svg";
  }
  const source = join(project.root, organisation.logo);
  if (!existsSync(source)) {
    throw new PromotorError(`the organisation logo ${organisation.logo} does not exist`, {
      file: "promotor.yaml",
      hint: "point organisation.logo at an SVG or PNG file in the project, or remove it to show the name",
    });
  }
  const ext = organisation.logo.toLowerCase().endsWith(".png") ? "png" : "svg";
  cpSync(source, join(root, "static", `organisation-logo.${ext}`));
  return `organisation-logo.${ext}`;
}
