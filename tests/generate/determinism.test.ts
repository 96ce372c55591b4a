import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "./run.ts";

const sha = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("determinism", () => {
  for (const format of ["csv", "excel-nl", "qualtrics", "parquet"] as const) {
    it(`same arguments give byte-identical ${format} files; another seed differs`, async () => {
      const a = await run({ responses: 3000, format, files: 2 });
      const b = await run({ responses: 3000, format, files: 2 });
      const c = await run({ responses: 3000, format, files: 2, seed: 43 });
      expect(a.files).toHaveLength(2);
      for (let f = 0; f < 2; f++) {
        expect(sha(a.files[f]!.path)).toBe(sha(b.files[f]!.path));
        expect(sha(a.files[f]!.path)).not.toBe(sha(c.files[f]!.path));
      }
    });
  }

  it("splitting into files only cuts the same rows into pieces", async () => {
    const one = await run({ responses: 5000 });
    const three = await run({ responses: 5000, files: 3 });
    const dataLines = (path: string): string[] => readFileSync(path, "utf8").split("\n").slice(1).filter((l) => l !== "");
    const joined = three.files.flatMap((f) => dataLines(f.path));
    expect(three.files.map((f) => f.path.split("/").pop())).toEqual(["responses-0001.csv", "responses-0002.csv", "responses-0003.csv"]);
    expect(joined).toEqual(dataLines(one.files[0]!.path));
    // 5000 / 3 -> 1666, 1667, 1667 rows
    expect(three.files.map((f) => dataLines(f.path).length)).toEqual([1666, 1667, 1667]);
  });

  it("adding bad rows leaves the good rows exactly as they were", async () => {
    const clean = await run({ responses: 2000 });
    const dirty = await run({ responses: 2000, badRows: 21 });
    const cleanLines = readFileSync(clean.files[0]!.path, "utf8").split("\n");
    const dirtyLines = readFileSync(dirty.files[0]!.path, "utf8").split("\n");
    expect(dirtyLines.length).toBe(cleanLines.length + 21);
    const badLines = new Set(dirty.badRows.map((r) => r.line));
    expect(badLines.size).toBe(21);
    expect(dirtyLines.filter((_, i) => !badLines.has(i + 1))).toEqual(cleanLines);
  });
});
