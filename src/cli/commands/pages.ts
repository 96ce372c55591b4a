import { join } from "node:path";
import { PromotorError } from "../../lib/errors.ts";
import { formatDuration, table } from "../../lib/format.ts";
import { buildPages } from "../../pages/build.ts";
import { checkPages, type CheckResult } from "../../pages/check.ts";
import { detectParquetExtension, explainMissingExtension } from "../../pages/extension.ts";
import { serveStatic } from "../../pages/preview.ts";
import { pagesProject } from "../../pages/project.ts";
import { generateSources, openSemanticLayer, writeSources } from "../../pages/sources.ts";
import { writeCurrentStamp } from "../../pages/stamp.ts";
import type { Command, CommandContext } from "../command.ts";

const USAGE = "pages check|build|preview|sources|extension [--force] [--release VERSION] [--port 3000] [--timeout MIN]";

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
  summary: "Evidence dashboards: check pages and sources, build a versioned release, preview it",
  usage: USAGE,
  async run(args: string[], ctx: CommandContext): Promise<number> {
    const [sub, ...rest] = args;
    const project = pagesProject(ctx.root);
    const started = Date.now();
    switch (sub) {
      case "check": {
        await writeCurrentStamp(project, ctx.warehouse);
        return reportCheck(await checkPages(project, ctx.warehouse), ctx, Date.now() - started);
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
        const status = await detectParquetExtension(ctx.root);
        if (status.available) {
          ctx.stdout.write(`parquet extension reachable: ${status.url} (${formatDuration(status.elapsedMs)})\n`);
          return 0;
        }
        ctx.stderr.write(explainMissingExtension(status) + "\n");
        return EXIT_EVIDENCE_SKIPPED;
      }
      case "build": {
        const minutes = flag(rest, "timeout");
        const result = await buildPages(project, {
          warehouse: ctx.warehouse,
          force: rest.includes("--force"),
          out: ctx.stdout,
          ...(minutes ? { stepTimeoutMs: Number(minutes) * 60_000 } : {}),
        });
        if (result.status === "failed-check") return reportCheck(result.check, ctx, Date.now() - started);
        const s = result.stamp;
        ctx.stdout.write(`stamp: dashboard ${s.dashboard_version} · commit ${s.git_commit} · data up to ${s.data_fresh_until ?? "–"} · model ${s.semantic_model}\n`);
        if (result.status === "skipped") {
          ctx.stderr.write(`${result.reason}\n  (detected in ${formatDuration(result.extension.elapsedMs)})\n`);
          return EXIT_EVIDENCE_SKIPPED;
        }
        ctx.stdout.write(`release ${result.release.version} written to releases/${result.release.path} (index: releases/index.html)\n`);
        return 0;
      }
      case "preview": {
        const release = flag(rest, "release");
        const port = Number(flag(rest, "port") ?? "3000");
        const dir = release ? join(project.releasesDir, release) : join(ctx.root, "build");
        const server = await serveStatic(dir, port);
        ctx.stdout.write(`serving ${dir} at http://127.0.0.1:${port}/ (Ctrl-C to stop)\n`);
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
