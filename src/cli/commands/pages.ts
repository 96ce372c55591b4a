import { join, relative, resolve } from "node:path";
import { PromotorError } from "../../lib/errors.ts";
import { boardPackOfRelease } from "../../pages/board-pack.ts";
import { readReleaseIndex } from "../../pages/versioning.ts";
import { formatDuration, table } from "../../lib/format.ts";
import { buildPages } from "../../pages/build.ts";
import { checkPages, type CheckResult } from "../../pages/check.ts";
import { ensureExtensions, explainMissingExtension, extensionCacheDir, installExtensions, missingExtensionFiles, serveExtensions, wasmBuild } from "../../pages/extension.ts";
import { LANGUAGES, parseLanguage } from "../../pages/localize.ts";
import { readDashboardSettings } from "../../pages/settings.ts";
import { stageProject } from "../../pages/stage.ts";
import { evidenceEnv, runEvidence } from "../../pages/build.ts";
import { serveStatic } from "../../pages/preview.ts";
import { pagesProject } from "../../pages/project.ts";
import { ensureGeneratedSources, generateSources, openSemanticLayer, writeSources } from "../../pages/sources.ts";
import { writeCurrentStamp } from "../../pages/stamp.ts";
import type { Command, CommandContext } from "../command.ts";

const USAGE =
  "pages check [--lang nl|en] | build [--lang nl|en] [--base-path /path] [--force] [--timeout MIN] | pdf [--release VERSION/LANG] [--out FILE] | preview [--port 3000] | sources | extension [--from DIR|URL] | dev [--lang nl|en]";

/** Exit status of `pages build` when the Evidence build had to be skipped (asked for explicitly). */
export const EXIT_EVIDENCE_SKIPPED = 3;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) {
    const v = args[i + 1];
    if (v === undefined) throw new PromotorError(`--${name} needs a value`, { hint: `usage: promotor ${USAGE}` });
    return v;
  }
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function reportCheck(result: CheckResult, ctx: CommandContext, ms: number): number {
  ctx.stdout.write(
    table(
      ["source", "rows", "columns"],
      result.sources.map((s) => [`promotor.${s.name}`, s.rows, s.columns.length]),
    ) + "\n\n",
  );
  ctx.stdout.write(table(["page", "queries", "components", "query runs"], result.pages.map((p) => [p.file, p.queries, p.components, p.runs])) + "\n\n");
  if (result.problems.length === 0) {
    ctx.stdout.write(`pages check: ${result.pages.length} pages and ${result.sources.length} sources OK (${formatDuration(ms)})\n`);
    return 0;
  }
  ctx.stderr.write(
    table(
      ["where", "query", "problem"],
      result.problems.map((p) => [`${p.file}${p.line ? `:${p.line}` : ""}`, p.query ?? "", p.message]),
    ) + "\n",
  );
  ctx.stderr.write(`pages check: ${result.problems.length} problem(s)\n`);
  return 1;
}

export const pagesCommand: Command = {
  name: "pages",
  summary: "Evidence dashboards: check pages and sources, build a versioned release and its board pack PDF, preview it",
  usage: USAGE,
  async run(args: string[], ctx: CommandContext): Promise<number> {
    const [sub, ...rest] = args;
    const project = pagesProject(ctx.root);
    const started = Date.now();
    switch (sub) {
      case "check": {
        await writeCurrentStamp(project, ctx.warehouse);
        const lang = flag(rest, "lang");
        return reportCheck(await checkPages(project, ctx.warehouse, { languages: lang ? [parseLanguage(lang)] : LANGUAGES }), ctx, Date.now() - started);
      }
      case "sources": {
        const layer = await openSemanticLayer(ctx.warehouse);
        try {
          const changed = writeSources(await generateSources(project, ctx.warehouse, layer));
          ctx.stdout.write(changed.length ? `wrote ${changed.length} source file(s):\n${changed.map((f) => `  ${f}`).join("\n")}\n` : "sources are up to date\n");
          return 0;
        } finally {
          await layer.close();
        }
      }
      case "extension": {
        const from = flag(rest, "from");
        if (from) {
          const installed = await installExtensions(ctx.root, from);
          ctx.stdout.write(
            `DuckDB-WASM ${installed.wasm.duckdbVersion} extensions copied to ${extensionCacheDir(ctx.root)} and loaded by DuckDB-WASM (signatures checked):\n` +
              installed.files.map((f) => `  ${f}`).join("\n") +
              `\n(${formatDuration(Date.now() - started)})\n`,
          );
          return 0;
        }
        const missing = missingExtensionFiles(ctx.root, wasmBuild(ctx.root));
        if (missing.length === 0) {
          ctx.stdout.write(`parquet extension ready in ${extensionCacheDir(ctx.root)}: builds and releases use it, nothing is fetched\n`);
          return 0;
        }
        const ensured = await ensureExtensions(ctx.root);
        if (ensured.ok) {
          ctx.stdout.write(`parquet extension fetched into ${ensured.dir} (${formatDuration(Date.now() - started)})\n`);
          return 0;
        }
        ctx.stderr.write(explainMissingExtension(ensured.status) + "\n");
        return EXIT_EVIDENCE_SKIPPED;
      }
      case "dev": {
        const lang = parseLanguage(flag(rest, "lang") ?? readDashboardSettings(ctx.root).language);
        await writeCurrentStamp(project, ctx.warehouse);
        await ensureGeneratedSources(project, ctx.warehouse);
        const ensured = await ensureExtensions(ctx.root);
        const staged = stageProject(project, { lang, organisation: readDashboardSettings(ctx.root).organisation, basePath: "", ...(ensured.ok ? { extensionsDir: ensured.dir } : {}) });
        if (!ensured.ok) ctx.stderr.write(explainMissingExtension(ensured.status) + "\n");
        const served = ensured.ok ? await serveExtensions(ensured.dir) : undefined;
        const env = evidenceEnv(staged, ctx.warehouse, process.env, served?.url);
        try {
          await runEvidence(staged, ["sources"], { env, timeoutMs: 15 * 60_000, out: ctx.stdout });
          ctx.stdout.write(`Evidence dev server on the ${lang === "nl" ? "Dutch" : "English"} pages (edit pages/ and run this again to see changes)\n`);
          await runEvidence(staged, ["dev", "--host", "127.0.0.1"], { env, timeoutMs: 24 * 3600_000, out: ctx.stdout });
          return 0;
        } finally {
          await served?.close();
        }
      }
      case "build": {
        const minutes = flag(rest, "timeout");
        const lang = flag(rest, "lang");
        const basePath = flag(rest, "base-path");
        const result = await buildPages(project, {
          warehouse: ctx.warehouse,
          force: rest.includes("--force"),
          out: ctx.stdout,
          ...(minutes ? { stepTimeoutMs: Number(minutes) * 60_000 } : {}),
          ...(lang ? { lang: parseLanguage(lang) } : {}),
          ...(basePath !== undefined ? { basePathPrefix: basePath } : {}),
        });
        if (result.status === "failed-check") return reportCheck(result.check, ctx, Date.now() - started);
        const s = result.stamp;
        ctx.stdout.write(`stamp: dashboard ${s.dashboard_version} · commit ${s.git_commit} · data up to ${s.data_fresh_until ?? "–"} · model ${s.semantic_model}\n`);
        if (result.status === "skipped") {
          ctx.stderr.write(`${result.reason}\n  (detected in ${formatDuration(result.extension.elapsedMs)})\n`);
          return EXIT_EVIDENCE_SKIPPED;
        }
        ctx.stdout.write(`release ${result.release.version} (${result.release.lang}) written to releases/${result.release.path} in ${formatDuration(Date.now() - started)}\n`);
        const pack = result.boardPack;
        if ("skipped" in pack) ctx.stderr.write(`board pack skipped: ${pack.skipped}\n  then: promotor pages pdf --release ${result.release.path.replace(/\/$/, "")}\n`);
        else ctx.stdout.write(`board pack: ${relative(process.cwd(), pack.file)} (${pack.pages} pages, ${formatDuration(pack.elapsedMs)})\n`);
        ctx.stdout.write(`open it: promotor pages preview, then http://127.0.0.1:3000/${result.release.path}\n`);
        return 0;
      }
      case "pdf": {
        const releases = readReleaseIndex(project.releasesDir);
        const release = (flag(rest, "release") ?? releases[0]?.path ?? "").replace(/\/?$/, "/");
        if (release === "/") throw new PromotorError("no built release to print", { hint: "run promotor pages build first", exitCode: 2 });
        const out = flag(rest, "out");
        const pack = await boardPackOfRelease({ releasesDir: project.releasesDir, release, root: ctx.root, warehouse: ctx.warehouse, ...(out ? { out: resolve(out) } : {}) });
        ctx.stdout.write(
          table(["section", "first page", "pages", "orientation"], pack.sections.map((s) => [s.title, s.firstPage, s.pages, s.orientation])) +
            `\nboard pack: ${relative(process.cwd(), pack.file)} (${pack.pages} pages with cover and contents, ${formatDuration(pack.elapsedMs)})\n`,
        );
        return 0;
      }
      case "preview": {
        const port = Number(flag(rest, "port") ?? "3000");
        // Releases are built for the path they have inside releases/, so serve that folder as is.
        const server = await serveStatic(project.releasesDir, port);
        ctx.stdout.write(`serving ${project.releasesDir} at http://127.0.0.1:${port}/ (the release index; Ctrl-C to stop)\n`);
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            server.close(() => resolve());
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        return 0;
      }
      default:
        throw new PromotorError(sub ? `unknown pages subcommand "${sub}"` : "pages needs a subcommand", { hint: `usage: promotor ${USAGE}` });
    }
  },
};
