/** Deliberately bad rows for testing ingest and quarantine. They are added on top of the
 * requested responses, spread evenly, each right after a good row, cycling through the kinds
 * in a fixed order, so their number per kind is known in advance (expectedBadRows). */

export const BAD_ROW_KINDS = [
  "decimal_score", // recommend_score "7,5" (a Dutch decimal)
  "out_of_range_score", // recommend_score 11, 12 or -1
  "non_numeric_score", // recommend_score "acht", "n.v.t."
  "missing_id", // empty response_id
  "bad_timestamp", // answered_at "31-02-2025", ...
  "conflicting_duplicate", // same response_id as the row before, other recommend_score
  "exact_duplicate", // the row before, repeated byte for byte
] as const;
export type BadRowKind = (typeof BAD_ROW_KINDS)[number];

/** Parquet columns are typed: only these kinds can be expressed in it. */
export const TYPED_BAD_ROW_KINDS: readonly BadRowKind[] = ["out_of_range_score", "missing_id", "conflicting_duplicate", "exact_duplicate"];

export const BAD_VALUES: Partial<Record<BadRowKind, readonly string[]>> = {
  decimal_score: ["7,5", "8,5", "6,5"],
  out_of_range_score: ["11", "12", "-1"],
  non_numeric_score: ["acht", "n.v.t.", "tien"],
  bad_timestamp: ["31-02-2025", "2025-02-30T12:00:00", "gisteren"],
};

/** --bad-rows: a rate in [0, 1) of the responses, or a whole count >= 1. */
export function badRowCount(responses: number, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`--bad-rows must be a rate in [0, 1) or a count >= 1, got ${value}`);
  const count = value < 1 ? Math.round(responses * value) : value;
  if (!Number.isInteger(count)) throw new RangeError(`--bad-rows ${value}: a count must be a whole number`);
  if (count > responses) throw new RangeError(`--bad-rows ${value} asks for ${count} bad rows, more than the ${responses} responses they follow`);
  return count;
}

/** Index of the good row after which bad row b (of count) is written. */
export const badRowAfter = (b: number, count: number, responses: number): number => Math.floor(((b + 0.5) * responses) / count);

/** Expected number of bad rows of each kind, as a test or README would compute it. */
export function expectedBadRows(count: number, kinds: readonly BadRowKind[]): Map<BadRowKind, number> {
  const out = new Map<BadRowKind, number>();
  kinds.forEach((kind, j) => out.set(kind, Math.floor(count / kinds.length) + (j < count % kinds.length ? 1 : 0)));
  return out;
}

export function parseBadKinds(text: string): BadRowKind[] {
  const kinds = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const k of kinds) {
    if (!(BAD_ROW_KINDS as readonly string[]).includes(k)) throw new RangeError(`unknown bad-row kind "${k}" (one of: ${BAD_ROW_KINDS.join(", ")})`);
  }
  if (kinds.length === 0) throw new RangeError("--bad-kinds needs at least one kind");
  return kinds as BadRowKind[];
}

/** What was written where: for summaries, READMEs and tests. */
export interface BadRowRecord {
  kind: BadRowKind;
  file: string;
  /** Physical line in a text file (header = line 1); row number (1-based) in parquet. */
  line: number;
  responseId: string;
  /** The bad value written, when the kind has one. */
  value: string;
}
