/** Constants the executor shares with Cube's compiler, in a module that loads nothing of Cube:
 * a query answered from the plan cache (src/semantic/plan-cache.ts) never loads Cube. */

/** Where Cube names pre-aggregation tables (attached as an in-memory catalog by the executor). */
export const PRE_AGGREGATIONS_SCHEMA = "prod_pre_aggregations";

/** DuckDB session settings every executor of Cube's SQL needs. */
export const SESSION_SQL = "SET TimeZone = 'UTC'";
