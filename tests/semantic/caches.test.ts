/** The caches behind a fast cold `promotor query` (docs/benchmarks.md "CLI start-up"): Cube's
 * transpiled model on disk and prepared queries on disk. Both must give exactly the answers of a
 * layer without them, and the plan cache must answer without loading Cube. No timings. */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSemanticLayer, InProcessSemanticLayer } from "../../src/semantic/layer.ts";
import { PromotorSchemaRepository } from "../../src/semantic/repository.ts";
import { modelFingerprint, TranspileCache } from "../../src/semantic/transpile-cache.ts";
import type { CubeQuery, SemanticLayer } from "../../src/semantic/types.ts";
import { buildFixtureWarehouse, generatedResponses } from "./fixture.ts";

const QUERIES: CubeQuery[] = [
  { measures: ["nps.score", "nps.responses", "nps.score_margin_of_error"], dimensions: ["nps.touchpoint"], order: { "nps.touchpoint": "asc" } },
  { measures: ["krs.score", "krs.trust"], timeDimensions: [{ dimension: "krs.answered_at", granularity: "month" }], order: { "krs.answered_at": "asc" } },
  { measures: ["drivers.importance", "drivers.performance"], dimensions: ["drivers.driver", "drivers.segment"], order: { "drivers.driver": "asc", "drivers.segment": "asc" } },
];

describe("on-disk caches of the semantic layer", () => {
  let fx: { path: string; cleanup(): void };
  let cacheDir: string;
  let plain: SemanticLayer;
  const savedEnv = process.env["PROMOTOR_CACHE_DIR"];
  beforeAll(async () => {
    fx = await buildFixtureWarehouse(generatedResponses(400, 11), "caches");
    cacheDir = mkdtempSync(join(tmpdir(), "promotor-cache-"));
    process.env["PROMOTOR_CACHE_DIR"] = cacheDir;
    plain = await createSemanticLayer({ warehouse: fx.path, preAggregations: false });
  });
  afterAll(async () => {
    await plain?.close();
    fx?.cleanup();
    if (savedEnv === undefined) delete process.env["PROMOTOR_CACHE_DIR"];
    else process.env["PROMOTOR_CACHE_DIR"] = savedEnv;
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it("keeps the transpiled model under its fingerprint, and a second compile reads it back", async () => {
    const files = await new PromotorSchemaRepository().dataSchemaFiles();
    const path = join(cacheDir, "cube", `${modelFingerprint(files)}.json`);
    expect(existsSync(path)).toBe(true); // written by the compile in beforeAll
    const cache = new TranspileCache(path);
    const repository = new PromotorSchemaRepository();
    repository.transpileCache = cache;
    const { createCompilerApi } = await import("../../src/semantic/compiler.ts");
    const { installTranspileCache } = await import("../../src/semantic/transpile-cache.ts");
    installTranspileCache();
    const api = createCompilerApi(repository);
    try {
      await api.getCompilers();
      expect(cache.misses).toBe(0);
      expect(cache.hits).toBeGreaterThanOrEqual(files.length);
    } finally {
      api.dispose();
    }
  });

  it("the fingerprint changes with any model file", () => {
    const a = modelFingerprint([{ fileName: "a.js", content: "cube(`a`, {})" }]);
    expect(modelFingerprint([{ fileName: "a.js", content: "cube(`a`, {})" }])).toBe(a);
    expect(modelFingerprint([{ fileName: "a.js", content: "cube(`a`, { })" }])).not.toBe(a);
    expect(modelFingerprint([{ fileName: "b.js", content: "cube(`a`, {})" }])).not.toBe(a);
  });

  it("a later layer answers a question asked before from the plan cache, without loading Cube, with the same rows", async () => {
    const first = await createSemanticLayer({ warehouse: fx.path, preAggregations: false, planCache: true });
    const answers = [];
    try {
      for (const q of QUERIES) answers.push((await first.load(q)).data);
      expect((first as InProcessSemanticLayer).cubeLoaded).toBe(true);
    } finally {
      await first.close();
    }
    const plans = readdirSync(join(cacheDir, "plans")).flatMap((d) => readdirSync(join(cacheDir, "plans", d)));
    expect(plans).toContain("compiled");
    expect(plans.filter((f) => f.endsWith(".json")).length).toBeGreaterThanOrEqual(QUERIES.length);

    const second = await createSemanticLayer({ warehouse: fx.path, preAggregations: false, planCache: true });
    try {
      for (const [i, q] of QUERIES.entries()) {
        const result = await second.load(q);
        expect(result.data).toEqual(answers[i]);
        expect(result.data).toEqual((await plain.load(q)).data);
        expect(Object.keys(result.annotation.measures)).toEqual(q.measures);
      }
      expect((second as InProcessSemanticLayer).cubeLoaded).toBe(false);
      // A question not seen before compiles the model on demand.
      const fresh = await second.load({ measures: ["csat.score"], dimensions: ["csat.channel"] });
      expect(fresh.data.length).toBeGreaterThan(0);
      expect((second as InProcessSemanticLayer).cubeLoaded).toBe(true);
    } finally {
      await second.close();
    }
  });

  it("a plan served by a rollup builds the rollup from its stored definition in a later layer", async () => {
    const q: CubeQuery = {
      measures: ["nps.score", "nps.responses"],
      dimensions: ["nps.touchpoint"],
      timeDimensions: [{ dimension: "nps.answered_at", granularity: "month" }],
      order: [["nps.answered_at", "asc"], ["nps.touchpoint", "asc"]],
    };
    const first = await createSemanticLayer({ warehouse: fx.path, planCache: true });
    let before;
    try {
      before = await first.load(q);
      expect(before.preAggregation).toBe("nps_responses.nps_by_touchpoint_month");
    } finally {
      await first.close();
    }
    const second = await createSemanticLayer({ warehouse: fx.path, planCache: true });
    try {
      const after = await second.load(q);
      expect((second as InProcessSemanticLayer).cubeLoaded).toBe(false);
      expect(after.preAggregation).toBe("nps_responses.nps_by_touchpoint_month");
      expect(after.data).toEqual(before.data);
      expect(after.data.reduce((n, r) => n + Number(r["nps.responses"]), 0)).toBe(400);
    } finally {
      await second.close();
    }
  });

  it("plans are per security context: an account manager never gets the executive's rows", async () => {
    const q: CubeQuery = { measures: ["nps.responses"] };
    const layer = await createSemanticLayer({ warehouse: fx.path, preAggregations: false, planCache: true });
    const again = await createSemanticLayer({ warehouse: fx.path, preAggregations: false, planCache: true });
    try {
      const all = (await layer.load(q, { role: "executive" })).data[0]?.["nps.responses"];
      const own = (await layer.load(q, { role: "account_manager", account_manager: "nobody-at-all" })).data[0]?.["nps.responses"];
      expect(all).toBe(400);
      expect(own ?? 0).toBe(0);
      expect((await again.load(q, { role: "account_manager", account_manager: "nobody-at-all" })).data[0]?.["nps.responses"] ?? 0).toBe(0);
      expect((await again.load(q, { role: "executive" })).data[0]?.["nps.responses"]).toBe(400);
    } finally {
      await layer.close();
      await again.close();
    }
  });

  it("PROMOTOR_CUBE_CACHE=off writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "promotor-nocache-"));
    process.env["PROMOTOR_CACHE_DIR"] = dir;
    process.env["PROMOTOR_CUBE_CACHE"] = "off";
    try {
      const layer = await createSemanticLayer({ warehouse: fx.path, planCache: true });
      await layer.load(QUERIES[0]!);
      await layer.close();
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      delete process.env["PROMOTOR_CUBE_CACHE"];
      process.env["PROMOTOR_CACHE_DIR"] = cacheDir;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
