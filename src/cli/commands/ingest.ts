import { parseArgs } from "node:util";
import { openWarehouse } from "../../lib/duckdb.ts";
import { errorMessage, PromotorError } from "../../lib/errors.ts";
import { formatDuration, table } from "../../lib/format.ts";
import { expandInputs } from "../../ingest/files.ts";
import { parseEncoding } from "../../ingest/encoding.ts";
import { ingestFile, type FileIngestCounts, type IngestResult, type ReasonCount } from "../../ingest/ingest.ts";
import { ingestDataset, type DatasetIngestResult } from "../../ingest/dataset.ts";
import { DATASETS } from "../../ingest/schema.ts";
import type { DatasetSpec } from "../../ingest/dataset-spec.ts";
import type { CommandContext } from "../command.ts";

/** The table of ingested files with their counts and a total row; a dataset may add a column
 * after the format and name the loaded and duplicate columns its own way. */
function writeCounts<R extends FileIngestCounts>(out: NodeJS.WritableStream, results: readonly R[], extra: { column?: string; of?: (r: R) => string; loaded?: string; duplicates?: string }): void {
  const more = (r: R | null): string[] => (extra.column && extra.of ? [r ? extra.of(r) : ""] : []);
  const rows: (string | number)[][] = results.map((r) => [r.file, r.format, ...more(r), r.alreadyIngested ? "unchanged" : r.rowsRead, r.loaded, r.quarantined, r.duplicates]);
  const sum = (f: (r: R) => number) => results.reduce((a, r) => a + f(r), 0);
  rows.push(["total", "", ...more(null), sum((r) => r.rowsRead), sum((r) => r.loaded), sum((r) => r.quarantined), sum((r) => r.duplicates)]);
  const headers = ["file", "format", ...(extra.column ? [extra.column] : []), "rows", extra.loaded ?? "loaded", "quarantined", extra.duplicates ?? "duplicates"];
  out.write("\n" + table(headers, rows, { align: ["left", "left", ...(extra.column ? ["left" as const] : []), "right", "right", "right", "right"] }) + "\n");
}

/** The quarantine reasons of some ingested files, summed, most frequent first. */
function writeReasons(out: NodeJS.WritableStream, results: readonly { reasons: readonly ReasonCount[] }[], list: string): void {
  const reasons = new Map<string, number>();
  for (const r of results) for (const q of r.reasons) reasons.set(q.reason, (reasons.get(q.reason) ?? 0) + q.rows);
  if (reasons.size === 0) return;
  out.write(`\nQuarantined (${list} shows file, line and reason of each row; replay them after a fix):\n`);
  out.write(table(["rows", "reason"], [...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => [n, reason])) + "\n");
}

const DATASET_NAMES = ["responses", ...DATASETS.map((d) => d.name)];

/** Exports of a dataset beside the responses (customers, …), through the shared pipeline. */
async function ingestDatasetFiles(spec: DatasetSpec, files: string[], options: { mapping?: string; sheet?: string; encoding?: ReturnType<typeof parseEncoding>; asOf?: string }, ctx: CommandContext): Promise<number> {
  const warehouse = await openWarehouse(ctx.warehouse);
  const results: DatasetIngestResult[] = [];
  let failed = 0;
  try {
    for (const [i, file] of files.entries()) {
      const started = performance.now();
      ctx.stderr.write(`[${i + 1}/${files.length}] ${file} (${spec.name}) … `);
      try {
        const r = await ingestDataset(warehouse.connection, spec, file, options);
        results.push(r);
        if (r.alreadyIngested) {
          ctx.stderr.write(`already ingested as #${r.alreadyIngested.ingestionId} on ${r.alreadyIngested.ingestedAt.slice(0, 19)}: nothing changed\n`);
          if (r.alreadyIngested.quarantined > 0) ctx.stderr.write(`  ${r.alreadyIngested.quarantined} of its rows are in quarantine: after a fix, promotor quarantine replay --dataset ${spec.name} --file ${file}\n`);
          continue;
        }
        ctx.stderr.write(`${r.rowsRead.toLocaleString("en-US")} rows in ${formatDuration(performance.now() - started)}\n`);
        if (r.mapping !== "canonical") ctx.stderr.write(`  mapping: ${r.mapping}\n`);
        if (r.asOf) ctx.stderr.write(`  as of ${r.asOf} (from ${r.asOfSource})\n`);
        if (r.missingOptionalColumns.length > 0) ctx.stderr.write(`  note: no column for ${r.missingOptionalColumns.join(", ")} (left empty)\n`);
        for (const notice of r.notices ?? []) ctx.stderr.write(`  note: ${notice}\n`);
      } catch (error) {
        failed++;
        ctx.stderr.write(`failed\npromotor: ${errorMessage(error)}\n`);
      }
    }
  } finally {
    warehouse.close();
  }
  if (results.length > 0) {
    // The export's date only for a ledger (a versioned dataset), whose loaded rows are versions.
    writeCounts(ctx.stdout, results, spec.versioned ? { column: "as of", of: (r) => r.asOf ?? "", loaded: "loaded (new or changed)", duplicates: "unchanged / duplicates" } : {});
    writeReasons(ctx.stdout, results, `promotor quarantine list --dataset ${spec.name}`);
    ctx.stdout.write(`\nwarehouse: ${ctx.warehouse} (raw.${spec.table})\n`);
  }
  return failed > 0 ? 2 : 0;
}
import type { Command } from "../command.ts";

export const ingestCommand: Command = {
  name: "ingest",
  summary: "raw exports (survey answers; --dataset customers: CRM ledgers; --dataset invitations: distribution histories) -> raw.* / raw.quarantine",
  usage: "ingest <file|dir>... [--dataset responses|customers|invitations] [--as-of YYYY-MM-DD] [--mapping FILE|PRESET] [--sheet NAME] [--encoding utf-8|windows-1252] [--strict-touchpoints]",
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { mapping: { type: "string" }, sheet: { type: "string" }, encoding: { type: "string" }, "strict-touchpoints": { type: "boolean" }, dataset: { type: "string" }, "as-of": { type: "string" } },
    });
    const dataset = values.dataset ?? "responses";
    if (!DATASET_NAMES.includes(dataset)) throw new PromotorError(`--dataset "${dataset}" is not a dataset`, { hint: `one of ${DATASET_NAMES.join(", ")}`, exitCode: 2 });
    if (values["as-of"] !== undefined && dataset === "responses") throw new PromotorError("--as-of is for ledgers (--dataset customers), not survey answers", { hint: "drop --as-of; answers carry their own time", exitCode: 2 });
    const options = {
      ...(values.mapping === undefined ? {} : { mapping: values.mapping }),
      ...(values.sheet === undefined ? {} : { sheet: values.sheet }),
      ...(values.encoding === undefined ? {} : { encoding: parseEncoding(values.encoding, "--encoding") }),
      ...(values["strict-touchpoints"] ? { strictTouchpoints: true } : {}),
    };
    if (positionals.length === 0) throw new PromotorError("no files given", { hint: "promotor ingest seeds/sample  (files or folders of .csv / .parquet exports)" });
    const files = expandInputs(positionals);
    const spec = DATASETS.find((d) => d.name === dataset);
    if (spec) {
      if (values["strict-touchpoints"]) throw new PromotorError(`--strict-touchpoints is for survey answers, not ${dataset}`, { exitCode: 2 });
      return ingestDatasetFiles(spec, files, { ...options, ...(values["as-of"] === undefined ? {} : { asOf: values["as-of"] }) }, ctx);
    }
    const warehouse = await openWarehouse(ctx.warehouse);
    const results: IngestResult[] = [];
    let failed = 0;
    try {
      for (const [i, file] of files.entries()) {
        const started = performance.now();
        ctx.stderr.write(`[${i + 1}/${files.length}] ${file} … `);
        try {
          const result = await ingestFile(warehouse.connection, file, options);
          results.push(result);
          ctx.stderr.write(
            result.alreadyIngested
              ? `already ingested as #${result.alreadyIngested.ingestionId} on ${result.alreadyIngested.ingestedAt.slice(0, 19)}: nothing changed\n` +
                  (result.alreadyIngested.quarantined
                    ? `  ${result.alreadyIngested.quarantined} of its rows are in quarantine: after fixing the journey map or the mapping, bring them back with promotor quarantine replay --file ${file}${values.mapping ? ` --mapping ${values.mapping}` : ""}\n`
                    : "")
              : `${result.rowsRead.toLocaleString("en-US")} rows in ${formatDuration(performance.now() - started)}\n`,
          );
          if (!result.alreadyIngested && result.mapping !== "canonical") ctx.stderr.write(`  mapping: ${result.mapping}\n`);
          if (result.missingOptionalColumns.length > 0) {
            ctx.stderr.write(`  note: no column for ${result.missingOptionalColumns.join(", ")} (left empty)\n`);
          }
          for (const notice of result.notices ?? []) ctx.stderr.write(`  note: ${notice}\n`);
          if (result.generatedIds > 0) {
            ctx.stderr.write(`  note: no response id column: ${result.generatedIds.toLocaleString("en-US")} ids generated from the answers (g-<hash>-<n>; the same response in a re-export gets the same id)\n`);
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
      writeCounts(ctx.stdout, results, {});
      writeReasons(ctx.stdout, results, "promotor quarantine list");
      const unknown = new Map<string, { rows: number; suggestion: string | null }>();
      for (const r of results) {
        for (const t of r.unknownTouchpoints) unknown.set(t.touchpoint, { rows: (unknown.get(t.touchpoint)?.rows ?? 0) + t.rows, suggestion: t.suggestion });
      }
      if (unknown.size > 0) {
        const list = [...unknown]
          .sort((a, b) => b[1].rows - a[1].rows)
          .map(([t, u]) => `${t}, ${u.rows.toLocaleString("en-US")} rows${u.suggestion ? ` (did you mean ${u.suggestion}?)` : ""}`);
        ctx.stdout.write(`\nnot in your journey map: ${list.join("; ")}\n`);
        ctx.stdout.write("  loaded, and shown after the known journey; add them to seeds/reference/touchpoints.csv (or fix the spelling), then promotor build\n");
      }
      ctx.stdout.write(`\nwarehouse: ${ctx.warehouse}\n`);
    }
    return failed > 0 ? 2 : 0;
  },
};
