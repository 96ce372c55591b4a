import { existsSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { Writable } from "node:stream";
import { errorMessage } from "../../lib/errors.ts";
import { formatDuration, table } from "../../lib/format.ts";
import type { Command, CommandContext } from "../command.ts";

interface Step {
  title: string;
  /** Command and arguments, run in-process through the registry. */
  argv: string[];
  /** A failing essential step stops `npm start`; others are reported and skipped. */
  essential: boolean;
}

/** Collects a command's output while passing it through, to report failures briefly. */
function tee(target: Writable, sink: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      sink.push(chunk.toString());
      target.write(chunk, cb);
    },
  });
}

export const startCommand: Command = {
  name: "start",
  summary: "build everything from the sample data and show where to look (npm start)",
  usage: "start [--fresh]",
  async run(args, ctx) {
    const fresh = args.includes("--fresh") || !existsSync(ctx.warehouse);
    if (fresh && existsSync(ctx.warehouse)) rmSync(ctx.warehouse);
    const { commands } = await import("../registry.ts");
    const rel = (p: string) => relative(process.cwd(), p) || ".";
    const sample = join(ctx.root, "seeds", "sample");
    const out = join(ctx.root, "build");
    const steps: Step[] = [
      { title: "Ingest the sample survey exports", argv: ["ingest", sample], essential: true },
      { title: "Build the warehouse (dbt build: seeds, models, tests)", argv: ["build"], essential: true },
      { title: "Headline figures through the semantic layer", argv: ["query", JSON.stringify({ measures: ["nps.responses", "nps.score", "nps.score_margin_of_error", "nps.promoter_share", "nps.detractor_share"], dimensions: ["nps.survey_type"] })], essential: false },
      { title: "Check the dashboard pages against the warehouse", argv: ["pages", "check"], essential: false },
      { title: "Build the dashboards (Evidence)", argv: ["pages", "build"], essential: false },
      { title: "Render static SVG charts for embedding", argv: ["charts", "--out", join(out, "charts")], essential: false },
      { title: "Cube server (REST + SQL API)", argv: ["serve", "--check"], essential: false },
    ];
    const report: [string, string, string][] = [];
    for (const [i, step] of steps.entries()) {
      const command = commands.find((c) => c.name === step.argv[0]);
      ctx.stdout.write(`\n▶ ${i + 1}/${steps.length} ${step.title}\n`);
      if (!command) {
        report.push([step.title, "not available", `promotor ${step.argv[0]} is not part of this build`]);
        continue;
      }
      const started = performance.now();
      const errors: string[] = [];
      const stepCtx: CommandContext = { ...ctx, stderr: tee(ctx.stderr, errors) };
      let code: number;
      try {
        code = await command.run(step.argv.slice(1), stepCtx);
      } catch (error) {
        ctx.stderr.write(`promotor: ${errorMessage(error)}\n`);
        errors.push(errorMessage(error));
        code = 1;
      }
      const took = formatDuration(performance.now() - started);
      const firstError = errors.join("").split("\n").find((l) => /skip|missing|not |fail|error/i.test(l)) ?? "";
      report.push([step.title, code === 0 ? "ok" : step.essential ? "FAILED" : "skipped", code === 0 ? took : firstError.trim().slice(0, 110)]);
      if (code !== 0 && step.essential) {
        ctx.stdout.write("\n" + table(["step", "result", "time / reason"], report) + "\n");
        return code;
      }
    }
    ctx.stdout.write("\n" + table(["step", "result", "time / reason"], report) + "\n");
    ctx.stdout.write(
      [
        "",
        "Where to look:",
        `  warehouse (DuckDB)     ${rel(ctx.warehouse)}   — duckdb ${rel(ctx.warehouse)} "SELECT * FROM marts.fct_nps_responses LIMIT 5"`,
        `  quarantined rows       SELECT source_file, source_line, reason FROM raw.quarantine`,
        `  semantic layer         npx promotor query '{"measures":["nps.score"],"dimensions":["nps.touchpoint"]}'`,
        `  dashboards             releases/index.html (after a successful Evidence build), pages/ for the sources`,
        `  static charts          ${rel(join(out, "charts", "index.html"))}`,
        `  docs                   README.md, docs/`,
        "",
      ].join("\n"),
    );
    return 0;
  },
};
