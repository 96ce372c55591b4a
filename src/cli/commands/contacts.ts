import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { eligibleContacts, writeContacts } from "../../invitations/contacts.ts";
import { readContactRules } from "../../invitations/rules.ts";
import { openWarehouse } from "../../lib/duckdb.ts";
import { PromotorError } from "../../lib/errors.ts";
import { formatDuration, formatInteger, table } from "../../lib/format.ts";
import type { Command } from "../command.ts";

const USAGE = "contacts eligible --survey relationship|touchpoint [--touchpoint X] [--on YYYY-MM-DD[THH:MM]] [--customers FILE] --out FILE.csv|.xlsx";

/** The moment --on names (UTC): a date is its start; default now. */
export function parseOn(value: string | undefined, now: Date = new Date()): Date {
  if (value === undefined) return now;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?$/.exec(value.trim());
  const at = m ? new Date(`${m[1]}T${m[2] ?? "00:00:00"}${m[2]?.length === 5 ? ":00" : ""}Z`) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw new PromotorError(`--on "${value}" is not a date`, { hint: "write YYYY-MM-DD (the start of that day, UTC) or YYYY-MM-DDTHH:MM", exitCode: 2 });
  return at;
}

export const contactsCommand: Command = {
  name: "contacts",
  summary: "who may be invited for a survey under the contact rules of promotor.yaml, and who is held back by which rule",
  usage: USAGE,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { survey: { type: "string" }, touchpoint: { type: "string" }, on: { type: "string" }, customers: { type: "string" }, out: { type: "string" } },
    });
    if (positionals[0] !== "eligible") throw new PromotorError(positionals[0] ? `unknown contacts action "${positionals[0]}"` : "no contacts action given", { hint: `promotor ${USAGE}`, exitCode: 2 });
    if (values.survey !== "relationship" && values.survey !== "touchpoint") throw new PromotorError(`--survey must be relationship or touchpoint${values.survey ? `, not "${values.survey}"` : ""}`, { hint: `promotor ${USAGE}`, exitCode: 2 });
    if (!values.out) throw new PromotorError("no --out file given", { hint: "e.g. --out eligible.csv (and eligible-held-back.csv) or --out eligible.xlsx (two sheets)", exitCode: 2 });
    if (!existsSync(ctx.warehouse)) throw new PromotorError(`warehouse not found: ${ctx.warehouse}`, { hint: "run promotor ingest <exports> first", exitCode: 2 });
    const rules = readContactRules(ctx.root);
    const at = parseOn(values.on);
    const started = performance.now();
    const warehouse = await openWarehouse(ctx.warehouse, { readOnly: true });
    try {
      const result = await eligibleContacts(warehouse.connection, {
        survey: values.survey,
        ...(values.touchpoint ? { touchpoint: values.touchpoint } : {}),
        ...(values.customers ? { customers: resolve(values.customers) } : {}),
        at,
        rules,
      });
      const files = await writeContacts(warehouse.connection, resolve(values.out));
      for (const n of result.notices) ctx.stderr.write(`note: ${n}\n`);
      ctx.stdout.write(
        `${values.survey}${values.touchpoint ? ` (${values.touchpoint})` : ""} invitations on ${at.toISOString().slice(0, 16).replace("T", " ")} UTC: ` +
          `${formatInteger(result.eligible)} customers may be invited, ${formatInteger(result.held)} are held back (${formatDuration(performance.now() - started)})\n`,
      );
      if (result.byRule.length > 0) ctx.stdout.write("\n" + table(["held back by", "customers"], result.byRule.map((r) => [r.rule, r.customers]), { align: ["left", "right"] }) + "\n");
      ctx.stdout.write(`\n${files.join("\n")}\n`);
      return 0;
    } finally {
      warehouse.close();
    }
  },
};
