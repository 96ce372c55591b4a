/** Pre-aggregations without Cube Store: when Cube's matcher picks a rollup for a query, the
 * rollup table is built inside DuckDB (the executor's in-memory pre-aggregation catalog) from
 * Cube's own pre-aggregation SQL (loadSql), once per layer, and the query Cube generated reads it. */
import { PromotorError } from "../lib/errors.ts";
import type { PreAggregationDescription } from "./compiler.ts";
import type { Executor } from "./executor.ts";
import { inlineParams } from "./inline.ts";

export class PreAggregationStore {
  private readonly built = new Map<string, Promise<void>>();

  constructor(private readonly executor: Executor) {}

  /** Names (cube.rollup) of the rollups built so far. */
  builtRollups(): string[] {
    return [...this.built.keys()];
  }

  ensure(description: PreAggregationDescription): Promise<void> {
    let done = this.built.get(description.tableName);
    if (!done) {
      done = this.build(description);
      this.built.set(description.tableName, done);
      done.catch(() => this.built.delete(description.tableName));
    }
    return done;
  }

  private async build(description: PreAggregationDescription): Promise<void> {
    const [sql, params] = description.loadSql;
    try {
      await this.executor.run(inlineParams(sql, params));
    } catch (error) {
      throw new PromotorError(`building pre-aggregation ${description.preAggregationId} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        hint: "check the rollup's measures and dimensions in model/cubes; or run with pre-aggregations off",
      });
    }
  }
}
