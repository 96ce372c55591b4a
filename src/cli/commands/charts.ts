import { copyFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { ensureEmbedBundle } from "../../embed/build.ts";
import { renderStaticCharts } from "../../charts/static.ts";
import { PromotorError } from "../../lib/errors.ts";
import { formatDuration, table } from "../../lib/format.ts";
import { minimumSampleFromEnv } from "../../semantic/repository.ts";
import type { Command } from "../command.ts";

export const chartsCommand: Command = {
  name: "charts",
  summary: "render the standard charts to SVG files with a gallery page (no server needed)",
  usage: "charts --out DIR [--business-unit X] [--date-range 'last 12 months'] [--min-sample 30] [--base-url URL]",
  async run(args, ctx) {
    let values: { out?: string; "business-unit"?: string; "date-range"?: string; "min-sample"?: string; "base-url"?: string };
    try {
      ({ values } = parseArgs({
        args,
        options: {
          out: { type: "string" },
          "business-unit": { type: "string" },
          "date-range": { type: "string" },
          "min-sample": { type: "string" },
          "base-url": { type: "string" },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new PromotorError(error instanceof Error ? error.message : String(error), { hint: `promotor ${chartsCommand.usage}` });
    }
    if (!values.out) throw new PromotorError("--out DIR is required", { hint: "e.g. promotor charts --out charts-out" });
    const minSample = values["min-sample"] === undefined ? minimumSampleFromEnv() : Number(values["min-sample"]);
    if (!Number.isInteger(minSample) || minSample < 1) {
      throw new PromotorError(`--min-sample must be a positive integer, got "${values["min-sample"]}"`, { hint: "the default is 30 (PROMOTOR_MINIMUM_SAMPLE)" });
    }
    const started = performance.now();
    const charts = await renderStaticCharts({
      warehouse: ctx.warehouse,
      ...(ctx.trino ? { trino: ctx.trino } : {}),
      outDir: values.out,
      minSample,
      selection: {
        ...(values["business-unit"] ? { filters: [{ member: "business_unit", operator: "equals" as const, values: [values["business-unit"]] }] } : {}),
        ...(values["date-range"] ? { dateRange: values["date-range"] } : {}),
      },
      ...(values["base-url"] ? { baseUrl: values["base-url"] } : {}),
    });
    // The live-embed script travels with the static charts, so one folder serves both.
    copyFileSync(await ensureEmbedBundle(), join(values.out, "promotor-chart.js"));
    const rel = relative(process.cwd(), values.out);
    const dir = rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? values.out : rel;
    ctx.stdout.write(
      table(
        ["chart", "file", "size (px)"],
        charts.map((c) => [c.title, `${dir}/${c.file}`, `${c.width} × ${c.height}`]),
      ) + `\nGallery with <img> snippets: ${dir}/index.html  (${formatDuration(performance.now() - started)})\n`,
    );
    return 0;
  },
};
