/** promotor.yaml, the project's settings file (optional, at the project root): read once here
 * for every section (dashboards in src/pages/settings.ts, follow_up in src/cases/config.ts). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { PromotorError } from "./errors.ts";

export const SETTINGS_FILE = "promotor.yaml";

/** The parsed file as a map; {} without the file (or an empty one). */
export function readSettingsFile(root: string): Record<string, unknown> {
  const file = join(root, SETTINGS_FILE);
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new PromotorError(`${SETTINGS_FILE} is not valid YAML: ${(error as Error).message.split("\n")[0]}`, {
      file: SETTINGS_FILE,
      hint: "fix the YAML (indentation, quotes) and run the command again",
    });
  }
  return (parsed ?? {}) as Record<string, unknown>;
}
