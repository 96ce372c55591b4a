/** Runs the generator in-process with test defaults, in a fresh temporary directory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { BAD_ROW_KINDS } from "../../src/generate/bad-rows.ts";
import { generate, type GenerateOptions, type GenerateSummary } from "../../src/generate/generate.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "promotor-generate-"));
  dirs.push(dir);
  return dir;
}

export async function run(options: Partial<GenerateOptions> & { responses: number }): Promise<GenerateSummary> {
  return generate({
    out: tempDir(), seed: 42, format: "csv", files: 1, start: "2025-01-01", end: "2026-10-31",
    badRows: 0, badKinds: BAD_ROW_KINDS, mix: "mixed", touchpoints: [], name: "responses",
    customers: Math.max(1, Math.round(options.responses / 2.5)),
    ...options,
  });
}
