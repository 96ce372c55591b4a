/** The compiled Cube model on disk. Cube compiles JavaScript model files in four phases, each
 * transpiling every file with Babel in worker threads; starting the workers and Babel is most of a
 * cold `promotor query` (~0.8 s of ~1.1 s, docs/benchmarks.md "CLI start-up"). A transpiled file is a
 * pure function of what Cube sends the worker (file name, content, transpilers, cube names and
 * symbols), so the output is kept on disk, one file per model fingerprint (the model files, the
 * generated measure module and Cube's version), each entry under the hash of those inputs: a
 * cache hit is exactly what the worker would return. Entries are written only after a compile
 * succeeds; `PROMOTOR_CUBE_CACHE=off` turns the cache off. */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { cacheRoot } from "../lib/paths.ts";

const require = createRequire(import.meta.url);

/** Fingerprint files kept; older ones are removed when a new one is written. */
const KEEP = 8;

interface ModelFile {
  fileName: string;
  content: string;
}

export function cubeVersion(): string {
  return (require("@cubejs-backend/schema-compiler/package.json") as { version: string }).version;
}

/** The model's fingerprint: Cube's version and every model file (name and content). */
export function modelFingerprint(files: readonly ModelFile[]): string {
  const hash = createHash("sha256").update(`cube ${cubeVersion()}\0`);
  for (const f of [...files].sort((a, b) => (a.fileName < b.fileName ? -1 : 1))) hash.update(f.fileName).update("\0").update(f.content).update("\0");
  return hash.digest("hex").slice(0, 32);
}

export class TranspileCache {
  private readonly entries: Record<string, string>;
  private dirty = false;
  hits = 0;
  misses = 0;

  constructor(readonly path: string) {
    let entries: Record<string, string> = {};
    try {
      const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) entries = parsed as Record<string, string>;
    } catch {
      // No cache yet, or an unreadable one: compile.
    }
    this.entries = entries;
  }

  static key(inputs: unknown): string {
    return createHash("sha256").update(JSON.stringify(inputs)).digest("hex");
  }

  get(key: string): string | undefined {
    const hit = this.entries[key];
    if (hit === undefined) this.misses++;
    else this.hits++;
    return hit;
  }

  set(key: string, content: string): void {
    if (this.entries[key] === content) return;
    this.entries[key] = content;
    this.dirty = true;
  }

  /** Writes the file atomically (concurrent processes write the same content) and prunes old fingerprints. */
  save(): void {
    if (!this.dirty) return;
    try {
      const dir = join(this.path, "..");
      mkdirSync(dir, { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.entries));
      renameSync(tmp, this.path);
      this.dirty = false;
      const files = readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
        .sort((a, b) => b.t - a.t);
      for (const { f } of files.slice(KEEP)) rmSync(join(dir, f), { force: true });
    } catch {
      // A read-only checkout: the cache is an optimisation only.
    }
  }
}

export function cubeCacheEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env["PROMOTOR_CUBE_CACHE"] ?? "").toLowerCase();
  return !(v === "off" || v === "0" || v === "false");
}

/** A cache for this model, or undefined when turned off. */
export function transpileCacheFor(files: readonly ModelFile[], dir: string = join(cacheRoot(), "cube")): TranspileCache | undefined {
  if (!cubeCacheEnabled()) return undefined;
  return new TranspileCache(join(dir, `${modelFingerprint(files)}.json`));
}

interface JsTranspileOptions {
  cubeNames?: unknown;
  cubeSymbols?: unknown;
  transpilerNames?: unknown;
}
type TranspileJsFile = (this: { repository?: { transpileCache?: TranspileCache } }, file: ModelFile, errorsReport: unknown, options: JsTranspileOptions) => Promise<ModelFile | undefined>;

let installed = false;

/** Teaches Cube's DataSchemaCompiler to consult the repository's `transpileCache` (once per process). */
export function installTranspileCache(): void {
  if (installed) return;
  installed = true;
  const { DataSchemaCompiler } = require("@cubejs-backend/schema-compiler/dist/src/compiler/DataSchemaCompiler.js") as {
    DataSchemaCompiler: { prototype: { transpileJsFile: TranspileJsFile } };
  };
  const { getEnv } = require("@cubejs-backend/shared") as { getEnv(name: string): unknown };
  const original = DataSchemaCompiler.prototype.transpileJsFile;
  DataSchemaCompiler.prototype.transpileJsFile = async function (file, errorsReport, options) {
    const cache = this.repository?.transpileCache;
    // Cube's native (Rust) transpiler is not the Babel worker: its output is not cached here.
    if (!cache || getEnv("transpilationNative")) return original.call(this, file, errorsReport, options);
    const key = TranspileCache.key([file.fileName, file.content, options.transpilerNames, options.cubeNames, options.cubeSymbols]);
    const hit = cache.get(key);
    if (hit !== undefined) return { ...file, content: hit };
    const result = await original.call(this, file, errorsReport, options);
    if (result) cache.set(key, result.content);
    return result;
  };
}
