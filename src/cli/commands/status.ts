import { statSync } from "node:fs";
import { recentAttempts, utcText } from "../../dbt/attempts.ts";
import { PromotorError } from "../../lib/errors.ts";
import { openWarehouse, queryRows, tableExists } from "../../lib/duckdb.ts";
import { formatBytes, table } from "../../lib/format.ts";
import type { Command } from "../command.ts";

const time = (value: unknown): string => (value === null || value === undefined ? "–" : utcText(value));

/** What the warehouse holds and how its last builds went, read-only (works beside a server). */
export const statusCommand: Command = {
  name: "status",
  summary: "what the warehouse holds and how the last builds went",
  usage: "status",
  async run(args, ctx) {
    if (args.length > 0) throw new PromotorError(`status takes no arguments, got "${args.join(" ")}"`, { hint: "promotor status", exitCode: 2 });
    let size: number;
    try {
      size = statSync(ctx.warehouse).size;
    } catch {
      throw new PromotorError(`warehouse not found: ${ctx.warehouse}`, { hint: "run promotor ingest <exports> first (npm start ingests seeds/sample)", exitCode: 2 });
    }
    // A lock or a permission error is said as cause and fix by the CLI (src/cli/main.ts).
    const db = await openWarehouse(ctx.warehouse, { readOnly: true });
    try {
      const c = db.connection;
      const rows: [string, string][] = [["warehouse", `${ctx.warehouse} (${formatBytes(size)})`]];
      if (await tableExists(c, "raw", "ingestions")) {
        const [i] = await queryRows(c, "SELECT count(*) AS n, max(ingestion_id) AS latest, max(ingested_at) AS at, sum(rows_loaded) AS loaded FROM raw.ingestions");
        const [last] = await queryRows(c, "SELECT source_file FROM raw.ingestions ORDER BY ingestion_id DESC LIMIT 1");
        rows.push(["ingestions", `${Number(i?.["n"] ?? 0).toLocaleString("en-US")}; latest #${String(i?.["latest"] ?? "–")} at ${time(i?.["at"])} UTC (${String(last?.["source_file"] ?? "–")})`]);
        rows.push(["responses loaded", Number(i?.["loaded"] ?? 0).toLocaleString("en-US")]);
      } else {
        rows.push(["ingestions", "none yet (promotor ingest <exports>)"]);
      }
      if (await tableExists(c, "raw", "quarantine")) {
        const [q] = await queryRows(c, "SELECT count(*) AS n FROM raw.quarantine");
        rows.push(["quarantined rows", `${Number(q?.["n"] ?? 0).toLocaleString("en-US")}${Number(q?.["n"] ?? 0) > 0 ? " (promotor quarantine list)" : ""}`]);
      }
      ctx.stdout.write(table(["", ""], rows, { align: ["left", "left"] }) + "\n");
      const attempts = await recentAttempts(c, 5);
      if (attempts.length === 0) {
        ctx.stdout.write("\nNo build yet: promotor build\n");
      } else {
        ctx.stdout.write(
          "\nLast builds (UTC):\n" +
            table(
              ["#", "started", "finished", "result", "command", "reason"],
              attempts.map((a) => [a.attemptId, time(a.startedAt), time(a.finishedAt), a.status, a.command, a.reason ?? ""]),
            ) +
            "\n",
        );
        const last = attempts[0]!;
        if (last.status === "interrupted" || last.status === "failed") ctx.stdout.write(`The last build ${last.status === "failed" ? "failed" : "was interrupted"}: run promotor build again.\n`);
      }
      return 0;
    } finally {
      db.close();
    }
  },
};
