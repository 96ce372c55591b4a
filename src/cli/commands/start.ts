import { existsSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { Writable } from "node:stream";
import { errorMessage } from "../../lib/errors.ts";
import { formatDuration, table } from "../../lib/format.ts";
import { createSemanticLayer } from "../../semantic/index.ts";
import { describeSecret, ensureApiSecret } from "../../token/secret.ts";
import type { Command, CommandContext } from "../command.ts";

/** The figures npm start ends with, asked of the semantic layer like any other consumer. */
async function headline(warehouse: string): Promise<string> {
  const layer = await createSemanticLayer({ warehouse });
  try {
    const { data } = await layer.load({
      measures: ["nps.responses", "nps.score", "nps.score_margin_of_error", "nps.promoter_share", "nps.passive_share", "nps.detractor_share"],
    });
    const krs = (await layer.load({ measures: ["krs.score", "krs.responses"] })).data[0] ?? {};
    const csat = (await layer.load({ measures: ["csat.score", "csat.responses"] })).data[0] ?? {};
    const latest = (await layer.load({ measures: ["nps.responses"], timeDimensions: [{ dimension: "nps.answered_at", granularity: "day" }], order: { "nps.answered_at": "desc" }, limit: 1 })).data[0] ?? {};
    const r = data[0] ?? {};
    const n = (v: unknown, digits = 1) => (typeof v === "number" ? v.toFixed(digits) : "–");
    return [
      "Headline figures (sample data):",
      `  ${'NPS'.padEnd(35)}${n(r["nps.score"])} ± ${n(r["nps.score_margin_of_error"])} (95 %), ${Number(r["nps.responses"] ?? 0).toLocaleString("en-US")} responses`,
      `  ${'promoters / passives / detractors'.padEnd(35)}${n(r["nps.promoter_share"])} % / ${n(r["nps.passive_share"])} % / ${n(r["nps.detractor_share"])} %`,
      `  ${'KlantRelatieScore'.padEnd(35)}${n(krs["krs.score"], 2)} (0–10), ${Number(krs["krs.responses"] ?? 0).toLocaleString("en-US")} responses`,
      `  ${'CSAT'.padEnd(35)}${n(csat["csat.score"])} % satisfied (4–5), ${Number(csat["csat.responses"] ?? 0).toLocaleString("en-US")} responses`,
      `  ${'data up to'.padEnd(35)}${String(latest["nps.answered_at.day"] ?? "–").slice(0, 10)}`,
    ].join("\n");
  } finally {
    await layer.close();
  }
}

/** The fix a failed step printed ("fix: …", and the lines that continue it): the promotor
 * command in it where there is one, so that the summary gives one command per skip. */
export function fixOf(lines: readonly string[]): string | undefined {
  const at = lines.findIndex((l) => /^\s*fix:/.test(l));
  if (at < 0) return undefined;
  const fixLines = [lines[at]!.replace(/^\s*fix:\s*/, "")];
  for (const line of lines.slice(at + 1)) {
    if (!/^\s{6,}\S/.test(line)) break;
    fixLines.push(line.trim());
  }
  return fixLines.find((l) => /\bpromotor \w/.test(l))?.trim() ?? fixLines[0];
}

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
    const charts = join(ctx.root, "dist", "charts");
    const steps: Step[] = [
      { title: "Ingest the sample survey exports", argv: ["ingest", sample], essential: true },
      // The sample's customer ledger (promotor generate customers on the sample): four exports, six
      // months apart, whose churn depends on the answers; each answer meets the customer as they were.
      { title: "Ingest the sample customer ledger (CRM exports)", argv: ["ingest", "--dataset", "customers", join(ctx.root, "seeds", "crm")], essential: true },
      // The sample's distribution history (promotor generate invitations on the sample): the
      // response rate falls with how often a customer was asked.
      { title: "Ingest the sample survey invitations", argv: ["ingest", "--dataset", "invitations", join(ctx.root, "seeds", "invitations")], essential: true },
      { title: "Build the warehouse (dbt build: seeds, models, tests)", argv: ["build"], essential: true },
      // The sample's follow-up (promotor generate case-events on the sample): closing a case lets
      // the customer's next answer open a new one, so the cases are followed again afterwards.
      { title: "Import the sample follow-up (case events)", argv: ["cases", "import", join(ctx.root, "seeds", "follow-up", "case-events.csv")], essential: true },
      { title: "Follow the cases again (dbt build of the case models)", argv: ["build", "--select", "tag:follow_up"], essential: true },
      { title: "Headline figures through the semantic layer", argv: ["query", JSON.stringify({ measures: ["nps.responses", "nps.score", "nps.score_margin_of_error", "nps.promoter_share", "nps.detractor_share"], dimensions: ["nps.survey_type"] })], essential: false },
      { title: "Check the dashboard pages against the warehouse", argv: ["pages", "check"], essential: false },
      { title: "Build the dashboards (Evidence)", argv: ["pages", "build"], essential: false },
      { title: "Render static SVG charts for embedding", argv: ["charts", "--out", charts], essential: false },
      { title: "Cube server (REST + SQL API)", argv: ["serve", "--check"], essential: false },
    ];
    // Tokens, `serve --check` and `serve` need a secret: a newcomer gets one for this machine.
    const { secret, created } = ensureApiSecret({ root: ctx.root });
    ctx.stdout.write(
      created
        ? `API secret: created ${describeSecret(secret)} for this machine (mode 0600, git-ignored); promotor token and promotor serve on 127.0.0.1 use it. For a server others reach, set CUBEJS_API_SECRET instead.\n`
        : `API secret: ${describeSecret(secret)}\n`,
    );
    const report: [string, string, string][] = [];
    const fixes: [string, string][] = [];
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
      const lines = errors.join("").split("\n");
      const firstError = lines.find((l) => /skip|missing|not |fail|error/i.test(l)) ?? "";
      const fix = fixOf(lines);
      report.push([step.title, code === 0 ? "ok" : step.essential ? "FAILED" : "skipped", code === 0 ? took : firstError.trim().slice(0, 110)]);
      if (code !== 0) fixes.push([step.title, fix ?? `run promotor ${step.argv.join(" ")} to see the whole message`]);
      if (code !== 0 && step.essential) {
        ctx.stdout.write("\n" + table(["step", "result", "time / reason"], report) + "\n");
        ctx.stdout.write("\nTo fix what failed:\n" + table(["step", "fix"], fixes) + "\n");
        return code;
      }
    }
    ctx.stdout.write("\n" + table(["step", "result", "time / reason"], report) + "\n");
    if (fixes.length > 0) ctx.stdout.write("\nTo fix what was skipped:\n" + table(["step", "fix"], fixes) + "\n");
    try {
      ctx.stdout.write("\n" + (await headline(ctx.warehouse)) + "\n");
    } catch (error) {
      ctx.stderr.write(`promotor: headline figures unavailable: ${errorMessage(error)}\n`);
    }
    ctx.stdout.write(
      [
        "",
        "Where to look:",
        `  warehouse (DuckDB)     ${rel(ctx.warehouse)}   (marts.* facts and dims, raw.quarantine for rejected rows with file, line and reason)`,
        `  semantic layer         npx promotor query '{"measures":["nps.score"],"dimensions":["nps.touchpoint"]}'`,
        `  dashboards             npx promotor pages preview, then http://127.0.0.1:3000/ (releases/, after a successful Evidence build); pages/ for the sources`,
        `  static charts          ${rel(join(charts, "index.html"))}`,
        `  docs                   README.md, docs/`,
        "",
      ].join("\n"),
    );
    return 0;
  },
};
