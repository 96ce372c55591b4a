/** Compiles a page the way Evidence's build does: Evidence's own markdown preprocessor
 * (@evidence-dev/preprocess, the same one its svelte.config.js runs) and component injection,
 * then the Svelte compiler for server-side rendering, with the warnings Evidence's build turns
 * into errors. A page that fails here fails `evidence build:strict`; this runs without the
 * DuckDB-WASM extension, in `pages check` and in CI. */
import { createRequire } from "node:module";
import { join } from "node:path";

export interface CompileProblem {
  /** Line in the page source (best match; the compiler sees the preprocessed page). */
  line: number;
  message: string;
}

interface SvelteCompiler {
  preprocess(source: string, preprocessors: unknown[], options: { filename: string }): Promise<{ code: string }>;
  compile(source: string, options: { filename: string; generate: "ssr" }): { warnings: { code: string; message: string; start?: { line: number } }[] };
}

interface Toolchain {
  svelte: SvelteCompiler;
  preprocessors: unknown[];
}

const toolchains = new Map<string, Promise<Toolchain>>();

/** Loads Evidence's preprocessors and Svelte from the project's node_modules (once). */
function loadToolchain(root: string): Promise<Toolchain> {
  const cached = toolchains.get(root);
  if (cached) return cached;
  const toolchain = (async () => {
    // Evidence and Svelte as installed with Promotor; the components are the project's own.
    const require = createRequire(import.meta.url);
    const load = (id: string): Promise<Record<string, unknown>> => import(require.resolve(id)) as Promise<Record<string, unknown>>;
    const [preprocessModule, sdk, svelte] = await Promise.all([load("@evidence-dev/preprocess"), load("@evidence-dev/sdk/build/svelte"), load("svelte/compiler")]);
    const evidencePreprocess = (preprocessModule["default"] ?? preprocessModule) as (dev: boolean) => unknown[];
    const injectComponents = sdk["injectComponents"] as () => unknown;
    // Evidence auto-imports the project's own components/ (as ../../components from its template);
    // the same auto-importer, pointed at the project's folder, does that here.
    const sdkRequire = createRequire(require.resolve("@evidence-dev/sdk/build/svelte"));
    const autoImport = ((await import(sdkRequire.resolve("sveltekit-autoimport"))) as { default: (o: unknown) => { markup: unknown } }).default;
    const own = autoImport({ include: ["**/*.(svelte|md)"], components: [{ directory: join(root, "components"), flat: true }] });
    return { svelte: svelte as unknown as SvelteCompiler, preprocessors: [...evidencePreprocess(true), injectComponents(), { markup: own.markup }] };
  })();
  toolchains.set(root, toolchain);
  return toolchain;
}

/** pages/index.md -> src/pages/+page.md; pages/a/[b].md -> src/pages/a/[b]/+page.md (Evidence's routes). */
export function routeFile(page: string): string {
  const route = page.replace(/^pages\//, "").replace(/\.md$/, "").replace(/(^|\/)index$/, "");
  return `/promotor/.evidence/template/src/pages/${route ? `${route}/` : ""}+page.md`;
}

/** Evidence's svelte.config.js fails the build on these warnings (its onwarn handler). */
const fatalWarning = (message: string): boolean => message.includes("defined") || message.includes("Empty Block");

const plain = (line: string): string =>
  line
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/** The page line that best matches a line of the preprocessed code (mdsvex keeps text, not lines). */
export function sourceLine(source: string, compiled: string, compiledLine: number): number {
  const lines = compiled.split("\n");
  const sourceLines = source.split("\n");
  for (const offset of [0, -1, 1, -2]) {
    const text = plain(lines[compiledLine - 1 + offset] ?? "");
    for (const probe of [text, text.slice(0, 24), text.slice(-24)]) {
      if (probe.length < 4) continue;
      const exact = sourceLines.findIndex((l) => l.includes(probe));
      if (exact >= 0) return exact + 1;
      const loose = sourceLines.findIndex((l) => plain(l.replace(/\*\*|__|`/g, "")).includes(probe));
      if (loose >= 0) return loose + 1;
    }
  }
  return 1;
}

export async function compilePage(root: string, page: string, source: string): Promise<CompileProblem[]> {
  const { svelte, preprocessors } = await loadToolchain(root);
  const filename = routeFile(page);
  let code: string;
  try {
    code = (await svelte.preprocess(source, preprocessors, { filename })).code;
  } catch (error) {
    return [{ line: 1, message: `Evidence's markdown preprocessor failed: ${(error as Error).message.split("\n")[0]}` }];
  }
  try {
    const { warnings } = svelte.compile(code, { filename, generate: "ssr" });
    return warnings
      .filter((w) => fatalWarning(w.message))
      .map((w) => ({ line: w.start ? sourceLine(source, code, w.start.line) : 1, message: `Svelte: ${w.message.split("\n")[0]} (fails Evidence's build)` }));
  } catch (error) {
    const e = error as Error & { start?: { line: number }; code?: string };
    const line = e.start ? sourceLine(source, code, e.start.line) : 1;
    return [{ line, message: `Svelte cannot compile this page: ${e.message.split("\n")[0]}${hint(e.message)}` }];
  }
}

/** The usual cause of Svelte's block errors in Evidence markdown, said once. */
function hint(message: string): string {
  if (/attempted to close an element|Expected to close <p>|Unexpected block closing tag/.test(message)) {
    return " — put a blank line before and after text inside {#if}/{#each} blocks, so markdown makes a paragraph of it alone";
  }
  return "";
}
