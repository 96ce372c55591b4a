import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { openWarehouse } from "../../lib/duckdb.ts";
import { PromotorError } from "../../lib/errors.ts";
import { table } from "../../lib/format.ts";
import { quarantinedRow, quarantineRows, quarantineSummary, replayQuarantine, resolvedCount } from "../../ingest/quarantine.ts";
import { replayDataset } from "../../ingest/dataset.ts";
import { DATASETS } from "../../ingest/schema.ts";
import type { Command } from "../command.ts";

const USAGE = `quarantine list [--dataset D] [--file F] [--reason TEXT] [--rows] [--limit N] [--resolved]
  quarantine show <ingestion:row | response_id>
  quarantine replay [--dataset D] [--file F] [--reason TEXT] [--mapping FILE|PRESET] [--strict-touchpoints]
  (D: responses, ${DATASETS.map((d) => d.name).join(", ")}; default: every dataset)`;

export const quarantineCommand: Command = {
  name: "quarantine",
  summary: "list, show and replay rows in raw.quarantine",
  usage: USAGE,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        file: { type: "string" },
        reason: { type: "string" },
        rows: { type: "boolean" },
        resolved: { type: "boolean" },
        limit: { type: "string" },
        mapping: { type: "string" },
        "strict-touchpoints": { type: "boolean" },
        dataset: { type: "string" },
      },
    });
    const [action, id] = positionals;
    if (!action || !["list", "show", "replay"].includes(action)) {
      throw new PromotorError(action ? `unknown quarantine action "${action}"` : "no quarantine action given", { hint: `promotor ${USAGE}` });
    }
    if (!existsSync(ctx.warehouse)) throw new PromotorError(`warehouse not found: ${ctx.warehouse}`, { hint: "run promotor ingest <exports> first" });
    const names = ["responses", ...DATASETS.map((d) => d.name)];
    if (values.dataset !== undefined && !names.includes(values.dataset)) throw new PromotorError(`--dataset "${values.dataset}" is not a dataset`, { hint: `one of ${names.join(", ")}`, exitCode: 2 });
    const filter = { ...(values.file ? { file: values.file } : {}), ...(values.reason ? { reason: values.reason } : {}), ...(values.dataset ? { dataset: values.dataset } : {}) };
    if (values.resolved && action !== "list") throw new PromotorError("--resolved applies to quarantine list only", { hint: "promotor quarantine list --resolved" });
    const warehouse = await openWarehouse(ctx.warehouse);
    try {
      const c = warehouse.connection;
      if (action === "list") {
        const listed = { ...filter, ...(values.resolved ? { resolved: true } : {}) };
        const summary = await quarantineSummary(c, listed);
        const resolved = values.resolved ? 0 : await resolvedCount(c, filter);
        const resolvedNote = resolved > 0 ? `${resolved} row(s) were loaded after all by a later ingestion of the corrected file (resolved; promotor quarantine list --resolved)\n` : "";
        if (summary.length === 0) {
          ctx.stdout.write(`no ${values.resolved ? "resolved " : ""}rows in quarantine${values.file || values.reason ? " match" : ""}\n${resolvedNote}`);
          return 0;
        }
        if (values.resolved) ctx.stdout.write("Resolved: loaded after all by a later ingestion (kept for the record)\n");
        // The dataset column only where another dataset than the answers has rows.
        if (summary.some((s) => s.dataset !== "responses")) {
          ctx.stdout.write(table(["dataset", "file", "rows", "reason", "lines"], summary.map((s) => [s.dataset, s.file, s.rows, s.reason, s.lines]), { align: ["left", "left", "right", "left", "left"] }) + "\n");
        } else ctx.stdout.write(table(["file", "rows", "reason", "lines"], summary.map((s) => [s.file, s.rows, s.reason, s.lines]), { align: ["left", "right", "left", "left"] }) + "\n");
        if (values.rows) {
          const limit = values.limit === undefined ? 50 : Number(values.limit);
          if (!Number.isInteger(limit) || limit < 0) throw new PromotorError(`--limit "${values.limit}" is not a whole number`, { hint: "e.g. --limit 100" });
          const { rows, total } = await quarantineRows(c, listed, limit);
          ctx.stdout.write("\n" + table(["id", "file:line", "response_id", "reason"], rows.map((r) => [r.id, `${r.file}:${r.line ?? `row ${r.row}`}`, r.responseId ?? "", r.reason]), { align: ["left", "left", "left", "left"] }) + "\n");
          if (total > rows.length) ctx.stdout.write(`(${rows.length} of ${total} rows; --limit N for more)\n`);
        }
        if (resolvedNote) ctx.stdout.write(`\n${resolvedNote}`);
        ctx.stdout.write(`\npromotor quarantine show <id> shows a row's values (ids: quarantine list --rows); promotor quarantine replay re-checks them after a fix\n`);
        return 0;
      }
      if (action === "show") {
        if (!id) throw new PromotorError("no row given", { hint: "promotor quarantine show 3:17   (an id from promotor quarantine list --rows, or a response id)" });
        const row = await quarantinedRow(c, id);
        ctx.stdout.write(`${row.file}:${row.line ?? "?"} (row ${row.row}, ingestion #${row.ingestionId})\nreason: ${row.reason}\n\n`);
        if (row.values) ctx.stdout.write(table(["column", "value in the export"], Object.entries(row.values).map(([k, v]) => [k, v ?? ""]), { align: ["left", "left"] }) + "\n");
        else ctx.stdout.write("the record could not be split into columns; open the file at that line, fix it and ingest the corrected file\n");
        return 0;
      }
      const results =
        values.dataset && values.dataset !== "responses"
          ? []
          : await replayQuarantine(c, { ...filter, ...(values.mapping ? { mapping: values.mapping } : {}), ...(values["strict-touchpoints"] ? { strictTouchpoints: true } : {}) });
      for (const spec of DATASETS) {
        if (values.dataset !== undefined && values.dataset !== spec.name) continue;
        if (values.reason) {
          if (values.dataset === spec.name) throw new PromotorError(`--reason is for survey answers; replay ${spec.name} by --file`, { hint: `promotor quarantine replay --dataset ${spec.name} [--file F]`, exitCode: 2 });
          continue;
        }
        // A survey mapping given without --dataset is for the answers only.
        const mapping = values.dataset === spec.name && values.mapping ? { mapping: values.mapping } : {};
        for (const r of await replayDataset(c, spec, { ...(values.file ? { file: values.file } : {}), ...mapping })) {
          results.push({ ...r, source: "stored values" });
        }
      }
      if (results.length === 0) {
        ctx.stdout.write("no rows in quarantine" + (values.file || values.reason ? " match" : "") + "\n");
        return 0;
      }
      ctx.stdout.write(
        table(
          ["file", "values from", "replayed", "loaded", "duplicates", "still quarantined", "not replayable", "recorded as"],
          results.map((r) => [r.file, r.source, r.replayed, r.loaded, r.duplicates, r.stillQuarantined, r.notReplayable, r.replayIngestionId === null ? "nothing changed" : `ingestion #${r.replayIngestionId}`]),
        ) + "\n",
      );
      if (results.some((r) => r.notReplayable > 0)) ctx.stdout.write("not replayable: malformed CSV records; fix them in the file and ingest the corrected file\n");
      if (results.some((r) => r.loaded > 0)) ctx.stdout.write("run promotor build to bring the loaded rows into the marts\n");
      return 0;
    } finally {
      warehouse.close();
    }
  },
};
