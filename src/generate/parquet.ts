/** Parquet output: DuckDB reads the canonical CSV the generator streamed to a temporary file
 * and writes it typed (scores SMALLINT, answered_at TIMESTAMP), like raw.responses. */

import { DuckDBInstance } from "@duckdb/node-api";
import { CANONICAL_COLUMNS } from "../survey/canonical.ts";
import { sqlString } from "../lib/duckdb.ts";

const duckType = (kind: string): string => (kind === "score" ? "SMALLINT" : kind === "timestamp" ? "TIMESTAMP" : "VARCHAR");

export const PARQUET_TYPES: readonly (readonly [string, string])[] = CANONICAL_COLUMNS.map((c) => [c.name, duckType(c.kind)]);

export class ParquetConverter {
  private constructor(private readonly instance: DuckDBInstance) {}

  static async open(): Promise<ParquetConverter> {
    return new ParquetConverter(await DuckDBInstance.create(":memory:"));
  }

  async convert(csvPath: string, parquetPath: string): Promise<void> {
    const columns = PARQUET_TYPES.map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(", ");
    const connection = await this.instance.connect();
    try {
      await connection.run(
        `COPY (SELECT * FROM read_csv(${sqlString(csvPath)}, header = true, delim = ',', quote = '"', escape = '"', ` +
          `auto_detect = false, columns = {${columns}})) TO ${sqlString(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    } finally {
      connection.closeSync();
    }
  }

  close(): void {
    this.instance.closeSync();
  }
}
