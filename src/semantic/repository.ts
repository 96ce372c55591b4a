/** Cube's repositoryFactory for Promotor: the hand-written JavaScript model files in model/ plus
 * one generated module (promotor_measures.js) built from the TypeScript measure library.
 * This is how the TypeScript definitions reach Cube, which loads only .js/.yml model files. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { MEASURE_MODULE_FILE, measureModule } from "../measures/index.ts";
import { DEFAULT_MINIMUM_SAMPLE, type SqlDialect } from "../measures/types.ts";
import { projectRoot } from "../lib/paths.ts";
import { PromotorError } from "../lib/errors.ts";
import type { TranspileCache } from "./transpile-cache.ts";

export interface SchemaFile {
  fileName: string;
  content: string;
  readOnly?: boolean;
}

/** Cube's SchemaFileRepository interface (@cubejs-backend/shared). */
export interface SchemaFileRepository {
  localPath(): string;
  dataSchemaFiles(includeDependencies?: boolean): Promise<SchemaFile[]>;
}

export const DEFAULT_MODEL_DIR = join(projectRoot, "model");

/** PROMOTOR_MINIMUM_SAMPLE (default 30): the n below which score_reported is null. */
export function minimumSampleFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env["PROMOTOR_MINIMUM_SAMPLE"];
  if (raw === undefined || raw === "") return DEFAULT_MINIMUM_SAMPLE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new PromotorError(`PROMOTOR_MINIMUM_SAMPLE must be a positive integer, got "${raw}"`, { hint: "unset it for the default of 30" });
  }
  return n;
}

function listJsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listJsFiles(path));
    else if (entry.isFile() && entry.name.endsWith(".js")) out.push(path);
  }
  return out.sort();
}

export class PromotorSchemaRepository implements SchemaFileRepository {
  /** Transpiled model files on disk, read by Cube's compiler (src/semantic/transpile-cache.ts). */
  transpileCache: TranspileCache | undefined;

  constructor(
    readonly modelDir: string = DEFAULT_MODEL_DIR,
    readonly minimumSample: number = minimumSampleFromEnv(),
    /** The SQL the generated measures are written in (the engine's). */
    readonly dialect: SqlDialect = "duckdb",
  ) {}

  localPath(): string {
    return this.modelDir;
  }

  async dataSchemaFiles(): Promise<SchemaFile[]> {
    let files: string[];
    try {
      files = listJsFiles(this.modelDir);
    } catch (error) {
      throw new PromotorError(`cannot read the Cube model folder ${this.modelDir}`, { cause: error, hint: "pass --model DIR or run from the project root" });
    }
    const model = files.map((path) => ({
      fileName: relative(this.modelDir, path).split(sep).join("/"),
      content: readFileSync(path, "utf8"),
    }));
    if (model.some((f) => f.fileName === MEASURE_MODULE_FILE)) {
      throw new PromotorError(`${MEASURE_MODULE_FILE} is generated from src/measures and must not exist in the model folder`, {
        file: join(this.modelDir, MEASURE_MODULE_FILE),
        hint: "delete the file; edit src/measures/*.ts instead",
      });
    }
    return [...model, { fileName: MEASURE_MODULE_FILE, content: measureModule(this.minimumSample, this.dialect), readOnly: true }];
  }
}
