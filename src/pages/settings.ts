/** Dashboard settings of a project: promotor.yaml (optional) at the project root.
 *
 *   organisation:
 *     name: Acme Verzekeringen     # header and browser tab (default "Promotor")
 *     logo: static/acme-logo.svg   # optional; without it the name is the header
 *   dashboards:
 *     language: nl                 # nl or en; promotor pages build --lang overrides it
 *     base_path: /dashboards       # where releases/ is served; default the host's root
 */
import { PromotorError } from "../lib/errors.ts";
import { readSettingsFile, SETTINGS_FILE } from "../lib/settings-file.ts";
import { isLanguage, LANGUAGES, type Language } from "./localize.ts";
import type { Organisation } from "./stage.ts";

export interface DashboardSettings {
  organisation: Organisation;
  language?: Language;
  basePath?: string;
}

export { SETTINGS_FILE };

export function readDashboardSettings(root: string): DashboardSettings {
  const settings: DashboardSettings = { organisation: { name: "Promotor" } };
  const doc = readSettingsFile(root) as { organisation?: { name?: unknown; logo?: unknown }; dashboards?: { language?: unknown; base_path?: unknown } };
  const name = doc.organisation?.name;
  if (name !== undefined) {
    if (typeof name !== "string" || name.trim() === "") throw new PromotorError("organisation.name must be a non-empty text", { file: SETTINGS_FILE });
    settings.organisation.name = name.trim();
  }
  const logo = doc.organisation?.logo;
  if (logo !== undefined && logo !== null) {
    if (typeof logo !== "string") throw new PromotorError("organisation.logo must be a file path", { file: SETTINGS_FILE });
    settings.organisation.logo = logo;
  }
  const language = doc.dashboards?.language;
  if (language !== undefined) {
    if (!isLanguage(language)) throw new PromotorError(`dashboards.language must be one of ${LANGUAGES.join(", ")} (found ${JSON.stringify(language)})`, { file: SETTINGS_FILE });
    settings.language = language;
  }
  const basePath = doc.dashboards?.base_path;
  if (basePath !== undefined) {
    if (typeof basePath !== "string" || !/^(\/[\w.-]+)*\/?$/.test(basePath)) {
      throw new PromotorError(`dashboards.base_path must be a URL path such as /dashboards (found ${JSON.stringify(basePath)})`, { file: SETTINGS_FILE });
    }
    settings.basePath = basePath.replace(/\/$/, "");
  }
  return settings;
}
