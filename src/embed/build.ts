/** Bundles <promotor-chart> (src/embed/promotor-chart.ts + src/charts + @cubejs-client/core) into
 * one browser script, dist/embed/promotor-chart.js. `npm run build:embed`; `promotor charts`
 * calls ensureEmbedBundle() so the file exists wherever charts are published. */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../lib/paths.ts";

export const EMBED_ENTRY = join(projectRoot, "src", "embed", "promotor-chart.ts");
export const EMBED_BUNDLE = join(projectRoot, "dist", "embed", "promotor-chart.js");

export async function buildEmbed(outfile = EMBED_BUNDLE): Promise<{ file: string; bytes: number }> {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [EMBED_ENTRY],
    outfile,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["es2020"],
    minify: true,
    legalComments: "eof",
    logLevel: "error",
    banner: { js: "/* promotor-chart: live Promotor charts for intranet pages (Apache-2.0) */" },
  });
  return { file: outfile, bytes: statSync(outfile).size };
}

const newestSource = (): number => {
  let newest = 0;
  for (const dir of ["src/embed", "src/charts"]) {
    for (const name of readdirSync(join(projectRoot, dir))) newest = Math.max(newest, statSync(join(projectRoot, dir, name)).mtimeMs);
  }
  return newest;
};

/** Builds the bundle when it is missing or older than its sources. */
export async function ensureEmbedBundle(): Promise<string> {
  if (!existsSync(EMBED_BUNDLE) || statSync(EMBED_BUNDLE).mtimeMs < newestSource()) await buildEmbed();
  return EMBED_BUNDLE;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "-")) {
  const { file, bytes } = await buildEmbed();
  process.stdout.write(`${file}: ${(bytes / 1024).toFixed(1)} KiB\n`);
}
