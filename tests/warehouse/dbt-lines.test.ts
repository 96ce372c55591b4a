/** dbt's console output reaches `promotor build` line by line from two pipes, stdout and stderr,
 * whose chunks arrive in any order and cut anywhere, also inside a UTF-8 character. */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { splitLines } from "../../src/dbt/run.ts";

const ended = (s: PassThrough): Promise<void> => new Promise((resolve) => s.on("end", () => resolve()));

describe("splitLines (dbt's stdout and stderr)", () => {
  it("keeps each pipe's lines whole, whatever arrives in between, and decodes characters cut across chunks", async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const lines: string[] = [];
    splitLines(out, (l) => lines.push(`out: ${l}`));
    splitLines(err, (l) => lines.push(`err: ${l}`));
    const cafe = Buffer.from("1 of 2 OK created view café\n", "utf8");
    const cut = cafe.indexOf(0xc3) + 1; // between the two bytes of "é"
    out.write("12:00:01  Running with dbt=1.10");
    err.write("a warning from Python\n");
    out.write(".23\n");
    out.write(cafe.subarray(0, cut));
    err.write("second ");
    out.write(cafe.subarray(cut));
    err.write("warning\n");
    out.end("Done. PASS=2 (no newline at the end)");
    err.end();
    await Promise.all([ended(out), ended(err)]);
    expect(lines).toEqual([
      "err: a warning from Python",
      "out: 12:00:01  Running with dbt=1.10.23",
      "out: 1 of 2 OK created view café",
      "err: second warning",
      "out: Done. PASS=2 (no newline at the end)",
    ]);
  });
});
