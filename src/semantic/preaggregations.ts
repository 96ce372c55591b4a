/** Pre-aggregations without Cube Store: when Cube's matcher picks a rollup for a query, the
 * rollup table is built inside DuckDB (the executor's in-memory pre-aggregation catalog) from
 * Cube's own pre-aggregation SQL (loadSql), once per layer, and the query Cube generated reads it. */
import { PromotorError } from "../lib/errors.ts";
import type { PreAggregationDescription } from "./compiler.ts";
import type { Executor } from "./executor.ts";
import { inlineParams } from "./inline.ts";

export class PreAggregationStore {
  /** The table each rollup was built as, by Cube's table name. */
  private readonly built = new Map<string, Promise<string>>();

  constructor(private readonly executor: Executor) {}

  /** Names (cube.rollup) of the rollups built so far. */
  builtRollups(): string[] {
    return [...this.built.keys()];
  }

  /** Builds the rollup unless built; resolves to the table Cube's query must read for it. */
  ensure(description: PreAggregationDescription): Promise<string> {
    let done = this.built.get(description.tableName);
    if (!done) {
      done = this.build(description);
      this.built.set(description.tableName, done);
      done.catch(() => this.built.delete(description.tableName));
    }
    return done;
  }

  /** Forgets a rollup (its table went away, e.g. a Trino build dropped stale rollups). */
  forget(description: PreAggregationDescription): void {
    this.built.delete(description.tableName);
  }

  private async build(description: PreAggregationDescription): Promise<string> {
    const [sql, params] = description.loadSql;
    try {
      const loadSql = inlineParams(sql, params);
      if (this.executor.rollup) return await this.executor.rollup(description.tableName, loadSql);
      await this.executor.run(loadSql);
      return description.tableName;
    } catch (error) {
      throw new PromotorError(`building pre-aggregation ${description.preAggregationId} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        hint: "check the rollup's measures and dimensions in model/cubes; or run with pre-aggregations off",
      });
    }
  }
}
