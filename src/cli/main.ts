import { errorMessage, PromotorError } from "../lib/errors.ts";
import { projectRoot, resolveWarehouse } from "../lib/paths.ts";
import type { Command, CommandContext } from "./command.ts";
import { commands } from "./registry.ts";

function usage(): string {
  const width = Math.max(...commands.map((c) => c.usage.length));
  return [
    "promotor — customer-loyalty analytics as code",
    "",
    "Usage:",
    ...commands.map((c) => `  promotor ${c.usage.padEnd(width)}  ${c.summary}`),
    "",
    "Every command takes --warehouse PATH (env PROMOTOR_WAREHOUSE, default warehouse/promotor.duckdb).",
  ].join("\n");
}

/** Pulls the global --warehouse option out of argv, wherever it stands. */
export function splitGlobalOptions(argv: string[]): { warehouse: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let warehouse: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--warehouse") {
      warehouse = argv[++i];
      if (warehouse === undefined) throw new PromotorError("--warehouse needs a path", { hint: "promotor --warehouse warehouse/promotor.duckdb build" });
    } else if (arg.startsWith("--warehouse=")) {
      warehouse = arg.slice("--warehouse=".length);
    } else rest.push(arg);
  }
  return { warehouse, rest };
}

export async function main(argv: string[], io: Pick<CommandContext, "stdout" | "stderr"> = process): Promise<number> {
  try {
    const { warehouse, rest } = splitGlobalOptions(argv);
    const [name, ...args] = rest;
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      io.stdout.write(usage() + "\n");
      return name === undefined ? 1 : 0;
    }
    const command: Command | undefined = commands.find((c) => c.name === name);
    if (!command) {
      throw new PromotorError(`unknown command "${name}"`, { hint: `one of: ${commands.map((c) => c.name).join(", ")}` });
    }
    const ctx: CommandContext = { warehouse: resolveWarehouse(warehouse), root: projectRoot, ...io };
    return await command.run(args, ctx);
  } catch (error) {
    io.stderr.write(`promotor: ${errorMessage(error)}\n`);
    return error instanceof PromotorError ? error.exitCode : 1;
  }
}
