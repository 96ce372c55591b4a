import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // One scratch directory per run, removed at the end (tests/helpers/temp-root.ts).
    globalSetup: ["tests/helpers/temp-root.ts"],
    // Warehouse tests build real DuckDB files and run dbt: give them room, run files in parallel
    // on the two cores, and never let one hang CI.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // Evidence's formatting module (patched, tests/pages/locale.test.ts) is written for a bundler
    // (imports without file endings): let Vite transform it as Evidence's build does.
    server: { deps: { inline: [/@evidence-dev\/component-utilities/] } },
    pool: "forks",
    poolOptions: { forks: { maxForks: 2 } },
  },
});
