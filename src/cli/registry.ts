import type { Command } from "./command.ts";
import { buildCommand } from "./commands/build.ts";
import { generateCommand } from "./commands/generate.ts";
import { ingestCommand } from "./commands/ingest.ts";
import { queryCommand } from "./commands/query.ts";
import { pagesCommand } from "./commands/pages.ts";
import { startCommand } from "./commands/start.ts";
import { chartsCommand } from "./commands/charts.ts";
import { serveCommand } from "./commands/serve.ts";
import { tokenCommand } from "./commands/token.ts";
import { benchCommand } from "./commands/bench.ts";
import { quarantineCommand } from "./commands/quarantine.ts";

/** Every CLI command, in the order `promotor help` lists them. */
export const commands: readonly Command[] = [startCommand, ingestCommand, quarantineCommand, buildCommand, queryCommand, generateCommand, serveCommand, tokenCommand, chartsCommand, pagesCommand, benchCommand];
