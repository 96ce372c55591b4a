import { parseArgs } from "node:util";
import { openWarehouse } from "../../lib/duckdb.ts";
import { errorMessage, PromotorError } from "../../lib/errors.ts";
import { formatDuration, table } from "../../lib/format.ts";
import { expandInputs } from "../../ingest/files.ts";
import { ingestFile, type IngestResult } from "../../ingest/ingest.ts";
import type { Command } from "../command.ts";

export const ingestCommand: Command = {
  name: "ingest",
  summary: "raw survey exports -> raw.responses / raw.quarantine",
  usage: "ingest <file|dir>... [--mapping FILE]",
  async run(args, ctx) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { mapping: { type: "string" } } });
    if (positionals.length === 0) throw new PromotorError("no files given", { hint: "promotor ingest seeds/sample  (files or folders of .csv / .parquet exports)" });
    const files = expandInputs(positionals);
    const warehouse = await openWarehouse(ctx.warehouse);
    const results: IngestResult[] = [];
    let failed = 0;
    try {
      for (const [i, file] of files.entries()) {
        const started = performance.now();
        ctx.stderr.write(`[${i + 1}/${files.length}] ${file} … `);
        try {
          const result = await ingestFile(warehouse.connection, file, values.mapping === undefined ? {} : { mapping: values.mapping });
          results.push(result);
          ctx.stderr.write(
            result.alreadyIngested
              ? `already ingested as #${result.alreadyIngested.ingestionId} on ${result.alreadyIngested.ingestedAt.slice(0, 19)}: nothing changed\n`
              : `${result.rowsRead.toLocaleString("en-US")} rows in ${formatDuration(performance.now() - started)}\n`,
          );
          if (result.missingOptionalColumns.length > 0) {
            ctx.stderr.write(`  note: no column for ${result.missingOptionalColumns.join(", ")} (left empty)\n`);
          }
        } catch (error) {
          failed++;
          ctx.stderr.write(`failed\npromotor: ${errorMessage(error)}\n`);
        }
      }
    } finally {
      warehouse.close();
    }
    if (results.length > 0) {
      const rows = results.map((r) => [r.file, r.format, r.alreadyIngested ? "unchanged" : r.rowsRead, r.loaded, r.quarantined, r.duplicates]);
      const sum = (f: (r: IngestResult) => number) => results.reduce((a, r) => a + f(r), 0);
      rows.push(["total", "", sum((r) => r.rowsRead), sum((r) => r.loaded), sum((r) => r.quarantined), sum((r) => r.duplicates)]);
      ctx.stdout.write("\n" + table(["file", "format", "rows", "loaded", "quarantined", "duplicates"], rows, { align: ["left", "left", "right", "right", "right", "right"] }) + "\n");
      const reasons = new Map<string, number>();
      for (const r of results) for (const q of r.reasons) reasons.set(q.reason, (reasons.get(q.reason) ?? 0) + q.rows);
      if (reasons.size > 0) {
        ctx.stdout.write("\nQuarantined (see raw.quarantine for file, line and reason of each row):\n");
        ctx.stdout.write(table(["rows", "reason"], [...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => [n, reason])) + "\n");
      }
      ctx.stdout.write(`\nwarehouse: ${ctx.warehouse}\n`);
    }
    return failed > 0 ? 2 : 0;
  },
};
