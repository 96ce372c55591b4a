import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runChild } from "../../src/lib/child.ts";
import { tempDir } from "./run.ts";

interface Probe {
  peakHeap: number;
  peakBuffers: number;
  bytes: number;
  rows: number;
}

/** Generates in a child process whose V8 heap is capped well below the file it writes. */
async function probe(rows: number): Promise<Probe> {
  const root = join(import.meta.dirname, "../..");
  const r = await runChild(process.execPath, ["--max-old-space-size=64", "--import", "tsx", join(import.meta.dirname, "fixtures/memory-probe.ts"), String(rows), tempDir()], {
    cwd: root,
    timeoutMs: 300_000,
  });
  if (r.code !== 0) throw new Error(`memory probe failed (${r.timedOut ? "killed after 300 s" : r.code}): ${r.err}`);
  return JSON.parse(r.out.trim().split("\n").pop()!) as Probe;
}

describe("streaming", () => {
  it("writes a file far bigger than the memory it uses, and memory does not grow with rows", async () => {
    const small = await probe(250_000);
    const large = await probe(1_000_000);
    expect(large.rows).toBe(1_000_000);
    expect(large.bytes).toBeGreaterThan(120 * 2 ** 20);
    const used = (p: Probe): number => p.peakHeap + p.peakBuffers;
    // Held in memory, 1M rows would need > 130 MB (more than the 64 MB heap cap allows).
    expect(used(large)).toBeLessThan(large.bytes / 2);
    expect(used(large)).toBeLessThan(80 * 2 ** 20);
    // 4x the rows, about the same memory.
    expect(used(large)).toBeLessThan(used(small) * 1.5 + 8 * 2 ** 20);
  }, 60_000);
});
