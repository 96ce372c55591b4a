import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { main } from "../../src/cli/main.ts";

export const tempDir = (prefix = "promotor-pages-"): string => mkdtempSync(join(tmpdir(), prefix));

export class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs the real CLI in-process; throws with its output when it fails. */
export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** ingest + dbt build of the given export folder into a fresh warehouse, through the CLI. */
export async function warehouseFrom(exportsDir: string): Promise<string> {
  const path = join(tempDir(), "promotor.duckdb");
  for (const step of [["ingest", exportsDir], ["build"]]) {
    const r = await cli(["--warehouse", path, ...step]);
    if (r.code !== 0) throw new Error(`promotor ${step.join(" ")} failed (${r.code}):\n${r.stderr}\n${r.stdout.slice(-2000)}`);
  }
  return path;
}
