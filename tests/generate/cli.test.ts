import { readdirSync } from "node:fs";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { parseCount, parseGenerateArgs } from "../../src/cli/commands/generate.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { Progress } from "../../src/generate/progress.ts";
import { tempDir } from "./run.ts";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr });
  return { code, out: stdout.text, err: stderr.text };
}

describe("promotor generate (CLI)", () => {
  it("writes the files, progress lines (not a TTY) and a summary", async () => {
    const out = tempDir();
    const r = await cli(["generate", "--responses", "50k", "--out", out, "--files", "2", "--format", "excel-nl", "--seed", "9"]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["responses-0001.csv", "responses-0002.csv"]);
    const progress = r.err.trim().split("\n");
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(11);
    expect(progress.at(-1)).toMatch(/^generate: 50,000 \/ 50,000 rows 100 %  [\d,]+ rows\/s  ETA/);
    expect(r.out).toMatch(/2 file\(s\), 50,000 rows \(0 bad\), [\d.]+ (KiB|MiB) in [\d.]+ (ms|s) \([\d,]+ rows\/s\)/);
  });

  it("lists bad rows in the summary", async () => {
    const r = await cli(["generate", "--responses", "100", "--out", tempDir(), "--bad-rows", "7", "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    for (const kind of ["decimal_score", "out_of_range_score", "non_numeric_score", "missing_id", "bad_timestamp", "conflicting_duplicate", "exact_duplicate"]) {
      expect(r.out).toContain(kind);
    }
  });

  it("fails with a message people can act on", async () => {
    const cases: [string[], RegExp][] = [
      [["--responses", "10"], /needs --responses and --out/],
      [["--responses", "ten", "--out", "x"], /--responses must be a whole number/],
      [["--responses", "10", "--out", "x", "--format", "xml"], /unknown --format "xml"[\s\S]*fix: one of: csv, excel-nl, qualtrics, parquet/],
      [["--responses", "10", "--out", "x", "--bad-rows", "abc"], /--bad-rows must be a number/],
      [["--responses", "10", "--out", "x", "--files", "11"], /--files must be between 1 and --responses/],
      [["--responses", "10", "--out", tempDir(), "--start", "2025-02-30"], /--start must be a date YYYY-MM-DD/],
      [["--responses", "10", "--out", tempDir(), "--touchpoints", "branch"], /unknown touchpoint "branch"/],
      [["--responses", "10", "--out", "x", "--colour"], /unknown argument "--colour"/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(["generate", ...args, "--quiet"]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toMatch(message);
    }
  });

  it("parses counts and options", () => {
    expect(parseCount("10k", "responses")).toBe(10_000);
    expect(parseCount("10M", "responses")).toBe(10_000_000);
    expect(parseCount("1_500", "responses")).toBe(1500);
    expect(() => parseCount("1.5", "responses")).toThrow(PromotorError);
    const { options } = parseGenerateArgs(["--responses=1000", "--out", "d", "--bad-rows", "0.01", "--touchpoints", "app, claim"]);
    expect(options).toMatchObject({ responses: 1000, badRows: 10, seed: 42, format: "csv", files: 1, start: "2025-01-01", end: "2026-10-31", touchpoints: ["app", "claim"], customers: 400 });
  });

  it("redraws one bar on a terminal and ends it with a newline", () => {
    const err = new Capture();
    const p = new Progress(1000, err, true);
    p.update(500);
    p.update(1000);
    p.finish();
    const frames = err.text.split("\r").filter((f) => f !== "");
    expect(frames).toHaveLength(2); // 500 is drawn; 1000 is drawn although < 100 ms later (it is the end)
    expect(frames[0]).toMatch(/^█{15}░{15} 500 \/ 1,000 rows  50 %/);
    expect(frames[1]).toMatch(/^█{30} 1,000 \/ 1,000 rows 100 %/);
    expect(err.text.endsWith("\n")).toBe(true);
    expect(err.text.split("\n")).toHaveLength(2);
  });
});
