/** Prepared queries on disk, for the CLI: a cold `promotor query` that asks a question asked
 * before (same query, security context, rollups on/off, model and code) runs the SQL Cube
 * generated last time without loading Cube at all (docs/benchmarks.md "CLI start-up").
 *
 * The cache is keyed by the model's fingerprint (src/semantic/transpile-cache.ts: model files,
 * generated measure module, Cube's version), the source of this folder (dialect, security,
 * normalisation), the planner and the question. A fingerprint folder exists only once its model
 * compiled; queries whose SQL depends on the clock are never cached. `PROMOTOR_CUBE_CACHE=off`
 * turns it off with the transpile cache. */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../lib/paths.ts";
import type { CubeSqlResult } from "./compiler.ts";
import { cacheRoot } from "../lib/paths.ts";
import { cubeCacheEnabled, modelFingerprint } from "./transpile-cache.ts";
import type { ResultAnnotation } from "./types.ts";

/** Fingerprint folders kept; older ones are removed when a new one is made. */
const KEEP = 8;
/** Plans kept per fingerprint (oldest removed first). */
const MAX_PLANS = 2000;

export interface CachedPlan {
  normalized: Record<string, unknown>;
  sqlResult: Pick<CubeSqlResult, "sql" | "preAggregations" | "aliasNameToMember">;
  annotation: ResultAnnotation;
}

/** The sources that shape the SQL besides the model: this folder's TypeScript. */
function codeFingerprint(): string {
  const hash = createHash("sha256");
  const dir = join(projectRoot, "src", "semantic");
  try {
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".ts")).sort()) hash.update(f).update("\0").update(readFileSync(join(dir, f))).update("\0");
  } catch {
    hash.update(String(Date.now())); // sources not readable: never reuse a plan
  }
  return hash.digest("hex");
}

export class PlanCache {
  constructor(readonly dir: string) {}

  /** The cache for this model and code, or undefined when turned off. */
  static open(files: readonly { fileName: string; content: string }[], extra: unknown, root: string = join(cacheRoot(), "plans")): PlanCache | undefined {
    if (!cubeCacheEnabled()) return undefined;
    const id = createHash("sha256").update(JSON.stringify([modelFingerprint(files), codeFingerprint(), extra])).digest("hex").slice(0, 32);
    return new PlanCache(join(root, id));
  }

  /** Whether this model compiled in an earlier run (then Cube can wait until a plan is missing). */
  get compiled(): boolean {
    return existsSync(join(this.dir, "compiled"));
  }

  markCompiled(): void {
    try {
      if (this.compiled) return;
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(join(this.dir, "compiled"), new Date().toISOString() + "\n");
      const root = join(this.dir, "..");
      const folders = readdirSync(root)
        .map((f) => ({ f, t: statSync(join(root, f)).mtimeMs }))
        .sort((a, b) => b.t - a.t);
      for (const { f } of folders.slice(KEEP)) rmSync(join(root, f), { recursive: true, force: true });
    } catch {
      // Read-only checkout: no cache.
    }
  }

  private file(key: string): string {
    return join(this.dir, `${createHash("sha256").update(key).digest("hex").slice(0, 40)}.json`);
  }

  get(key: string): CachedPlan | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.file(key), "utf8")) as { key: string; plan: CachedPlan };
      return entry.key === key ? entry.plan : undefined;
    } catch {
      return undefined;
    }
  }

  set(key: string, plan: CachedPlan): void {
    try {
      if (!this.compiled) return;
      const path = this.file(key);
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ key, plan }));
      renameSync(tmp, path);
      const files = readdirSync(this.dir).filter((f) => f.endsWith(".json"));
      if (files.length > MAX_PLANS) {
        const oldest = files.map((f) => ({ f, t: statSync(join(this.dir, f)).mtimeMs })).sort((a, b) => a.t - b.t);
        for (const { f } of oldest.slice(0, files.length - MAX_PLANS)) rmSync(join(this.dir, f), { force: true });
      }
    } catch {
      // Read-only checkout: no cache.
    }
  }
}
