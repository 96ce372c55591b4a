// Compiled JavaScript for the CLI: src/**/*.ts -> dist/node/src/**/*.js (esbuild, one file per
// module, the same transform tsx applies at run time), built by `npm install` (postinstall) and
// `npm run build`. The CLI runs it so that no TypeScript is transpiled at run time
// (docs/benchmarks.md, "CLI start-up"). dist/ is generated and git-ignored.
//
// Plain JavaScript on purpose: bin/promotor.mjs imports it on any Node.js, before anything else.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

export const DIST_DIR = join("dist", "node");
const MANIFEST = "manifest.json";
/** Bumped when the output format changes, so an old dist/ is rebuilt. */
const FORMAT = 1;

/** Every TypeScript module under src/, relative to the root, sorted. */
export function sourceFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(rel);
    }
  };
  walk("src");
  return out.sort();
}

const stamp = (root, file) => {
  const s = statSync(join(root, file));
  return `${s.size}:${Math.trunc(s.mtimeMs)}`;
};

function readManifest(root) {
  try {
    const m = JSON.parse(readFileSync(join(root, DIST_DIR, MANIFEST), "utf8"));
    return m && m.format === FORMAT && m.sources && typeof m.sources === "object" ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The sources whose compiled module is missing or older than the source (by size and mtime),
 * and compiled modules whose source is gone. Costs one stat per source (~2 ms). */
export function staleSources(root) {
  const manifest = readManifest(root);
  const sources = sourceFiles(root);
  const stale = [];
  const stamps = {};
  for (const file of sources) {
    stamps[file] = stamp(root, file);
    if (manifest?.sources[file] !== stamps[file]) stale.push(file);
  }
  const removed = manifest ? Object.keys(manifest.sources).filter((f) => !(f in stamps)) : [];
  return { stale, removed, stamps, fresh: manifest !== undefined && stale.length === 0 && removed.length === 0 };
}

/** "./x.ts" / "../y/z.ts" in import and export specifiers -> ".js": the compiled layout mirrors src/. */
export function rewriteSpecifiers(code) {
  return code.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"'\n]*?)\.ts\2/g, (_m, lead, quote, path) => `${lead}${quote}${path}.js${quote}`);
}

function tsconfigRaw(root) {
  try {
    const { compilerOptions = {} } = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8"));
    // Only what changes the emitted JavaScript (as tsx passes it to esbuild).
    const keep = ["target", "useDefineForClassFields", "experimentalDecorators", "verbatimModuleSyntax", "preserveValueImports", "importsNotUsedAsValues", "jsx"];
    return { compilerOptions: Object.fromEntries(Object.entries(compilerOptions).filter(([k]) => keep.includes(k))) };
  } catch {
    return {};
  }
}

function writeAtomic(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Compiles the stale sources (all with `full`) and writes the manifest last. Concurrent builds
 * are safe: each file and the manifest are replaced atomically with the same content. */
export async function buildDist(root, { full = false } = {}) {
  const { transform } = await import("esbuild");
  const state = staleSources(root);
  const todo = full ? Object.keys(state.stamps) : state.stale;
  const out = join(root, DIST_DIR);
  const options = { loader: "ts", format: "esm", platform: "node", target: "node20", tsconfigRaw: tsconfigRaw(root) };
  await Promise.all(
    todo.map(async (file) => {
      const source = readFileSync(join(root, file), "utf8");
      const { code } = await transform(source, { ...options, sourcefile: join(root, file) });
      writeAtomic(join(out, file.replace(/\.ts$/, ".js")), rewriteSpecifiers(code));
    }),
  );
  for (const file of state.removed) rmSync(join(out, file.replace(/\.ts$/, ".js")), { force: true });
  writeAtomic(join(out, MANIFEST), JSON.stringify({ format: FORMAT, sources: state.stamps }, null, 0) + "\n");
  return { compiled: todo.length, removed: state.removed.length, total: Object.keys(state.stamps).length };
}

/** The compiled module for a source file, e.g. "src/cli/main.ts" -> <root>/dist/node/src/cli/main.js. */
export const compiledPath = (root, file) => join(root, DIST_DIR, file.replace(/\.ts$/, ".js"));

/** The directory a compiled module's source lives in, relative to the root (for messages). */
export const sourceOf = (root, compiled) => relative(join(root, DIST_DIR), compiled).split(sep).join("/").replace(/\.js$/, ".ts");
