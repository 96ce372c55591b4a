import type { TrinoSettings } from "../engine/settings.ts";
import type { Writable } from "node:stream";

/** What every command gets: resolved global options and where to write. */
export interface CommandContext {
  /** Absolute path of the DuckDB warehouse file (--warehouse, PROMOTOR_WAREHOUSE, default). */
  warehouse: string;
  /** Project root (where package.json lives). */
  root: string;
  stdout: Writable;
  stderr: Writable;
  /** Set when the command runs on Trino (promotor --engine trino): the semantic layer reads it
   * instead of the DuckDB file (src/engine/trino-commands.ts). */
  trino?: TrinoSettings;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. Throw PromotorError for failures meant for people. */
  run(args: string[], ctx: CommandContext): Promise<number>;
}
