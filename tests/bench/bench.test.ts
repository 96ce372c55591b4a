import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareAnswers } from "../../src/bench/compare.ts";
import { runMeasured } from "../../src/bench/process-tree.ts";
import { BENCH_QUERIES, DASHBOARD_QUERIES } from "../../src/bench/queries.ts";
import { DOCS_END, DOCS_START, updateDocs } from "../../src/bench/report.ts";
import { median } from "../../src/bench/stats.ts";
import { parseBenchArgs } from "../../src/cli/commands/bench.ts";
import { main } from "../../src/cli/main.ts";
import { createSemanticLayer, type SemanticLayer } from "../../src/semantic/index.ts";

function sink(): { stream: Writable; text: () => string } {
  let text = "";
  return {
    stream: new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    }),
    text: () => text,
  };
}

describe("bench helpers", () => {
  it("median of odd and even counts", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  it("parses --responses lists in every spelling", () => {
    expect(parseBenchArgs([]).sizes).toEqual([100_000, 1_000_000, 10_000_000]);
    expect(parseBenchArgs(["--responses", "100k", "1M", "--repeat", "3"]).sizes).toEqual([100_000, 1_000_000]);
    expect(parseBenchArgs(["--responses", "2000,10M", "--responses", "5k"]).sizes).toEqual([2000, 10_000_000, 5000]);
    expect(parseBenchArgs(["--increment", "0", "--no-queries"])).toMatchObject({ increment: 0, queries: false, pages: true });
    expect(parseBenchArgs(["--no-pages"]).pages).toBe(false);
    expect(() => parseBenchArgs(["--format", "xlsx"])).toThrow(/format/);
    expect(() => parseBenchArgs(["--bogus"])).toThrow(/unknown argument/);
  });

  it.skipIf(process.platform !== "linux")("peak RSS covers the child's children (a grandchild holding 200 MiB)", async () => {
    // node -> node grandchild that fills a 200 MiB buffer and holds it for 600 ms.
    const grandchild = "const b = Buffer.alloc(200 * 1024 * 1024, 1); setTimeout(() => console.log(b[5]), 600);";
    const parent = `require('node:child_process').spawnSync(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'inherit' });`;
    const run = await runMeasured(process.execPath, ["-e", parent], { cwd: process.cwd() });
    expect(run.exitCode).toBe(0);
    expect(run.samples).toBeGreaterThan(5);
    // The grandchild alone holds 200 MiB; both node processes add their own ~40 MiB each.
    expect(run.peakRssBytes).toBeGreaterThan(220 * 1024 ** 2);
    expect(run.peakRssBytes).toBeLessThan(600 * 1024 ** 2);
  });

  it("compareAnswers matches rows by key and notices a wrong number or a missing row", () => {
    const q = DASHBOARD_QUERIES.find((x) => x.id === "krs_components_month")!;
    const sem = [{ "krs.answered_at.month": "2025-01-01T00:00:00.000", "krs.satisfaction": 7, "krs.trust": 6, "krs.love": 5, "krs.score": 6, "krs.responses": 3 }];
    const hand = [{ month: new Date(Date.UTC(2025, 0, 1)), satisfaction: 7, trust: 6, love: 5, score: 6, responses: 3n }];
    expect(compareAnswers(q, sem, hand).equal).toBe(true);
    expect(compareAnswers(q, sem, [{ ...hand[0]!, love: 5.001 }]).equal).toBe(false);
    expect(compareAnswers(q, sem, []).differences[0]).toMatch(/only the semantic layer/);
  });

  it("updateDocs replaces only the generated block", () => {
    const doc = `# B\n\nprose\n\n${DOCS_START}\nold\n${DOCS_END}\n\nmore prose\n`;
    const out = updateDocs(doc, "new");
    expect(out).toBe(`# B\n\nprose\n\n${DOCS_START}\nnew\n${DOCS_END}\n\nmore prose\n`);
    expect(updateDocs("# B\n", "x")).toContain(`${DOCS_START}\nx\n${DOCS_END}`);
  });
});

describe("promotor bench, smoke run with 2,000 responses", () => {
  const dir = mkdtempSync(join(tmpdir(), "promotor-bench-"));
  const out = sink();
  const err = sink();
  let code = -1;
  beforeAll(async () => {
    // The dashboards' build is timed only where DuckDB-WASM's extension is at hand (a minute or more).
    // The contacts figure needs a 20-million-invitation warehouse; its path is tested small below.
    code = await main(["bench", "--responses", "2000", "--increment", "500", "--repeat", "2", "--runs", "2", "--no-pages", "--no-contacts", "--dir", dir], { stdout: out.stream, stderr: err.stream });
    // About 100 s alone; beside the Trino tests' server on two cores it took over 300 s.
  }, 900_000);

  it("exits 0 and prints the machine, the three tables and the figures file", () => {
    expect(code, err.text()).toBe(0);
    const text = out.text();
    expect(text).toMatch(/^machine\s+.+, \d+ cores, [\d.]+ GiB RAM/m);
    expect(text).toMatch(/^versions\s+Node \d+\.\d+\.\d+ · DuckDB v1\.5\.5/m);
    expect(text).toMatch(/^command\s+promotor bench --responses 2000/m);
    const lines = text.split("\n");
    const header = lines.findIndex((l) => /^responses\s+input\s+ingest\s+ingest peak\s+dbt build\s+build peak\s+total\s+read_csv\s+ingest\/read_csv\s+warehouse/.test(l));
    expect(header).toBeGreaterThan(0);
    // The data row: 2k, then sizes and durations with their units.
    expect(lines[header + 2]).toMatch(/^\s*2k\s+[\d.]+ KiB\s+[\d.]+ s\s+\d+ MiB\s+[\d.]+ s\s+\d+ MiB\s+[\d.]+ s\s+[\d.]+ s\s+[\d.]+ ×\s+[\d.]+ MiB\s+[\d.]+ s\s+[\d.]+ s\s+\d+ MiB$/);
    // Issue 12: the ingest / read_csv ratio and the .xlsx ingest (2,000 rows in a smoke run).
    expect(text).toMatch(/2k: ingest ≤ 1\.5 × DuckDB read_csv of the same files\s+[\d.]+ × \([\d.]+ s vs [\d.]+ s\)\s+(met|MISSED)/);
    expect(text).toMatch(/\.xlsx 2k rows: ingest < 10 s\s+[\d.]+ s .*not measured at 100k/);
    const queryRows = lines.filter((l) => /^\s*2k\s{2,}(NPS|KRS|Driver|CSAT|CES)/.test(l));
    expect(queryRows).toHaveLength(BENCH_QUERIES.length);
    // first, semantic, hand SQL, ratio, no rollup, its ratio, same answer
    for (const row of queryRows) expect(row).toMatch(/[\d.]+ ms\s+[\d.]+ ms\s+[\d.]+ ms\s+[\d.]+ ×\s+[\d.]+ ms\s+[\d.]+ ×\s+yes$/);
    expect(text).toMatch(/10M: ingest \+ dbt build < 30 s\s+–\s+not measured/);
    expect(text).toMatch(/10M \+ 100k: ingest \+ incremental dbt build < 5 s\s+–\s+not measured/);
    // Issue 23: the ledger made for the data set, ingested, and the build without the value models.
    expect(err.text().match(/^ {2}ingest the customer ledger \([\d,]+ rows, 4 exports\)/gm)).toHaveLength(2);
    expect(err.text().match(/^ {2}dbt build without the value models [\d.]+ s: linking the answers to the customers adds -?\d+ %/gm)).toHaveLength(2);
    expect(text).toMatch(/1M customers, 20M invitations: promotor contacts eligible < 10 s\s+–\s+not measured/);
    const file = /^figures: (.+\.json)$/m.exec(text)?.[1];
    expect(file && existsSync(file)).toBe(true);
    // The documented shape (docs/benchmarks.md "Results JSON"): sizes[].full.ingest/build.elapsedMs,
    // sizes[].queries[].semanticMs, handMs, noRollupRatio …
    const json = JSON.parse(readFileSync(file!, "utf8")) as {
      sizes: { responses: number; full: { ingest: { elapsedMs: number }; build: { elapsedMs: number } }; incremental: { responses: number } | null; queries: unknown[] }[];
    };
    expect(json.sizes[0]).toMatchObject({ responses: 2000, incremental: { responses: 500 } });
    // Two runs, each a full load, the plain read and the increment (medians in the JSON).
    expect((json as unknown as { runs: number }).runs).toBe(2);
    expect(err.text().match(/^ {2}run \d of 2$/gm)).toEqual(["  run 1 of 2", "  run 2 of 2"]);
    expect(err.text().match(/^ {2}plain DuckDB read_csv/gm)).toHaveLength(2);
    expect(err.text().match(/^ {2}\+500: ingest/gm)).toHaveLength(2);
    // The increment also without the value models (they are incremental too, round 17).
    expect(err.text().match(/^ {2}\+500: ingest .*, without the value models [\d.]+ s\)$/gm)).toHaveLength(2);
    expect(text).toMatch(/10M \+ 100k: what the value models add to the incremental build\s+–\s+not measured/);
    const increment = (json.sizes[0] as unknown as { incremental: { build: { elapsedMs: number }; buildWithoutCustomers?: { elapsedMs: number }; customersRatio?: number } }).incremental;
    expect(increment.buildWithoutCustomers!.elapsedMs).toBeGreaterThan(0);
    expect(increment.customersRatio).toBeGreaterThan(0);
    expect(json.sizes[0]!.full.ingest.elapsedMs).toBeGreaterThan(0);
    expect(json.sizes[0]!.full.build.elapsedMs).toBeGreaterThan(0);
    expect(json.sizes[0]!.queries).toHaveLength(BENCH_QUERIES.length);
    const queries = json.sizes[0]!.queries as { id: string; kind: string; preAggregation: string | null; semanticMs: number; handMs: number; noRollupMs: number; noRollupRatio: number; equal: boolean }[];
    for (const q of queries) {
      // Dashboard questions are served by a rollup, analyst questions by the marts; both are
      // also timed with rollups off, against the hand SQL, with the same answers.
      if (q.kind === "dashboard") expect(q.preAggregation, q.id).not.toBeNull();
      else expect(q.preAggregation, q.id).toBeNull();
      expect(q.semanticMs).toBeGreaterThan(0);
      expect(q.handMs).toBeGreaterThan(0);
      expect(q.noRollupMs).toBeGreaterThan(0);
      expect(q.noRollupRatio).toBeGreaterThan(0);
      expect(q.equal, q.id).toBe(true);
    }
    expect(queries.filter((q) => q.kind === "analyst").length).toBeGreaterThanOrEqual(4);
  });

  describe("hand-written SQL and the semantic layer agree on the benchmark warehouse (2,500 responses)", () => {
    let layer: SemanticLayer;
    let instance: DuckDBInstance;
    const warehouse = join(dir, "warehouses", "csv-2000.duckdb");
    beforeAll(async () => {
      layer = await createSemanticLayer({ warehouse });
      instance = await DuckDBInstance.create(":memory:");
    });
    afterAll(async () => {
      await layer?.close();
      instance?.closeSync();
    });
    const hand = async (sql: string): Promise<Record<string, unknown>[]> => {
      const c = await instance.connect();
      try {
        await c.run(`ATTACH IF NOT EXISTS '${warehouse}' AS w (READ_ONLY)`);
        await c.run("USE w");
        return (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
      } finally {
        c.closeSync();
      }
    };
    const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
    const day = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

    it("the warehouse holds the 2,000 + 500 responses", async () => {
      const [r] = await hand("SELECT count(*) AS n, count(DISTINCT response_id) AS ids FROM raw.responses");
      expect(r).toEqual({ n: 2500n, ids: 2500n });
    });

    for (const q of BENCH_QUERIES) {
      it(`${q.title}: every row and number`, async () => {
        const semantic = (await layer.load(q.cube)).data;
        const handRows = await hand(q.handSql);
        expect(semantic.length).toBe(handRows.length);
        expect(semantic.length).toBeGreaterThan(0);
        const key = (row: Record<string, unknown>, side: 0 | 1): string => q.keys.map((k) => (k[1] === "month" || k[1] === "quarter" || k[1] === "week" ? day(row[k[side]]) : String(row[k[side]] ?? "∅"))).join("|");
        const byKey = new Map(handRows.map((r) => [key(r, 1), r]));
        for (const s of semantic) {
          const h = byKey.get(key(s, 0));
          expect(h, key(s, 0)).toBeDefined();
          for (const [member, column] of q.values) {
            const a = num(s[member]);
            const b = num(h![column]);
            if (a === null || b === null) expect(a).toBe(b);
            else expect(a).toBeCloseTo(b, 9);
          }
        }
      });
    }

    it("NPS by touchpoint by month covers every response once (hand count)", async () => {
      const q = DASHBOARD_QUERIES[0]!;
      const semantic = (await layer.load(q.cube)).data;
      expect(semantic.reduce((a, r) => a + Number(r["nps.responses"]), 0)).toBe(2500);
    });
  });
});

describe("the contacts figure, small", () => {
  it("makes its warehouse, runs promotor contacts eligible as a child process and reads its counts", async () => {
    const { measureContacts } = await import("../../src/bench/contacts.ts");
    const dir = mkdtempSync(join(tmpdir(), "promotor-bench-contacts-"));
    const lines: string[] = [];
    const { projectRoot } = await import("../../src/lib/paths.ts");
    const r = await measureContacts(projectRoot, dir, (l) => lines.push(l), 2_000, 40_000);
    expect(r.customers).toBe(2_000);
    expect(r.eligible + r.heldBack).toBe(2_000);
    expect(r.heldBack).toBeGreaterThan(0);
    expect(r.elapsedMs).toBeGreaterThan(0);
    expect(lines.join("\n")).toMatch(/contacts eligible: [\d.]+ s/);
  }, 120_000);
});
