import { environmentError } from "../lib/warehouse-errors.ts";
import { errorMessage, PromotorError } from "../lib/errors.ts";
import { projectRoot, resolveWarehouse } from "../lib/paths.ts";
import { resolveEngine } from "../engine/settings.ts";
import type { Command, CommandContext } from "./command.ts";
import { commands } from "./registry.ts";

const HELP_WIDTH = 100;

/** Words of `text` in lines of at most `width` characters, every line after the first indented. */
function wrap(text: string, width: number, indent: string, first = ""): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line.trim().length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = /\s$/.test(line) || line.length === 0 ? line + word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

/** Commands with their summaries, then each command's usage: two readable blocks rather than one
 * table whose longest usage line pushes every summary off the screen. */
function usage(): string {
  const nameWidth = Math.max(...commands.map((c) => c.name.length));
  const pad = " ".repeat(2 + nameWidth + 2);
  return [
    "promotor — customer-loyalty analytics as code",
    "",
    "Commands:",
    ...commands.flatMap((c) => wrap(c.summary, HELP_WIDTH, pad, `  ${c.name.padEnd(nameWidth)}  `)),
    "",
    "Usage:",
    ...commands.flatMap(usageLines),
    "",
    ...wrap(GLOBAL_OPTIONS, HELP_WIDTH, ""),
    "",
    "Help on one command: promotor <command> --help",
  ].join("\n");
}

const GLOBAL_OPTIONS = "Every command takes --warehouse PATH (env PROMOTOR_WAREHOUSE, default warehouse/promotor.duckdb) and --engine duckdb|trino (env PROMOTOR_ENGINE, promotor.yaml engine:, default duckdb).";

function usageLines(c: Pick<Command, "name" | "usage">): string[] {
  return c.usage.split("\n").flatMap((u) => wrap(u.trim(), HELP_WIDTH, " ".repeat(12 + c.name.length), "  promotor "));
}

/** One command's summary and usage (`promotor <command> --help`, `promotor help <command>`). */
function commandUsage(c: Pick<Command, "name" | "summary" | "usage">): string {
  return [...wrap(c.summary, HELP_WIDTH, "  ", `promotor ${c.name} — `), "", "Usage:", ...usageLines(c), "", ...wrap(GLOBAL_OPTIONS, HELP_WIDTH, "")].join("\n");
}

function findCommand(name: string): Command {
  const command = commands.find((c) => c.name === name);
  if (!command) throw new PromotorError(`unknown command "${name}"`, { hint: `one of: ${commands.map((c) => c.name).join(", ")}` });
  return command;
}

/** Pulls the global --warehouse and --engine options out of argv, wherever they stand. */
export function splitGlobalOptions(argv: string[]): { warehouse: string | undefined; engine?: string; rest: string[] } {
  const rest: string[] = [];
  let warehouse: string | undefined;
  let engine: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--warehouse") {
      warehouse = argv[++i];
      if (warehouse === undefined) throw new PromotorError("--warehouse needs a path", { hint: "promotor --warehouse warehouse/promotor.duckdb build" });
    } else if (arg.startsWith("--warehouse=")) {
      warehouse = arg.slice("--warehouse=".length);
    } else if (arg === "--engine") {
      engine = argv[++i];
      if (engine === undefined) throw new PromotorError("--engine needs a name", { hint: "promotor --engine duckdb|trino <command>" });
    } else if (arg.startsWith("--engine=")) {
      engine = arg.slice("--engine=".length);
    } else rest.push(arg);
  }
  return engine === undefined ? { warehouse, rest } : { warehouse, engine, rest };
}

/** Commands that need no warehouse, the same on either engine. The others run on Trino through
 * src/engine/trino-commands.ts, or refuse it rather than quietly use the DuckDB file while
 * promotor.yaml or --engine says Trino. */
const ENGINE_FREE_COMMANDS = new Set(["trino", "token", "generate"]);

export async function main(argv: string[], io: Pick<CommandContext, "stdout" | "stderr"> = process): Promise<number> {
  try {
    const { warehouse, engine, rest } = splitGlobalOptions(argv);
    const [name, ...args] = rest;
    const asksHelp = (a: string): boolean => a === "--help" || a === "-h";
    if (name === "help" && args[0] !== undefined) {
      io.stdout.write(commandUsage(findCommand(args[0])) + "\n");
      return 0;
    }
    if (name === undefined || name === "help" || asksHelp(name)) {
      io.stdout.write(usage() + "\n");
      return name === undefined ? 1 : 0;
    }
    const command = findCommand(name);
    // Help wherever it stands, before anything runs: `promotor start --help` must not build.
    if (args.some(asksHelp)) {
      io.stdout.write(commandUsage(command) + "\n");
      return 0;
    }
    const settings = resolveEngine(projectRoot, engine);
    if (settings.engine === "trino" && !ENGINE_FREE_COMMANDS.has(command.name)) {
      const { TRINO_COMMANDS, journalPath } = await import("../engine/trino-commands.ts");
      const onTrino = TRINO_COMMANDS[command.name];
      if (!onTrino) {
        throw new PromotorError(`promotor ${command.name} does not run on the Trino engine yet (engine from ${engine !== undefined ? "--engine" : process.env["PROMOTOR_ENGINE"] ? "PROMOTOR_ENGINE" : "promotor.yaml"}); on Trino this version has: ${[...Object.keys(TRINO_COMMANDS), ...ENGINE_FREE_COMMANDS].join(", ")}`, {
          hint: "run it on DuckDB (--engine duckdb, or remove engine: trino from promotor.yaml); docs/trino.md says what the Trino engine covers so far",
          exitCode: 3,
        });
      }
      // The journal: raw data as DuckDB validated it, before it is published to Trino.
      const journal = warehouse !== undefined || process.env["PROMOTOR_WAREHOUSE"] ? resolveWarehouse(warehouse) : journalPath(projectRoot);
      return await onTrino(args, { warehouse: journal, root: projectRoot, ...io }, settings.trino);
    }
    const ctx: CommandContext = { warehouse: resolveWarehouse(warehouse), root: projectRoot, ...io };
    return await command.run(args, ctx);
  } catch (caught) {
    // A lock, a permission or a full disk, wherever it surfaced: the cause and the fix.
    const error = environmentError(caught) ?? caught;
    io.stderr.write(`promotor: ${errorMessage(error)}\n`);
    return error instanceof PromotorError ? error.exitCode : 1;
  }
}
