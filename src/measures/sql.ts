/** Small SQL builders shared by the measure sets, so each formula reads like DESIGN.md. */

/** A reference to another member of the same cube, in Cube's template notation. */
export const ref = (member: string): string => `{${member}}`;
/** A column of the cube's own table. */
export const col = (column: string): string => `{CUBE}.${column}`;

/** numerator / denominator as DOUBLE, NULL (not an error, not 0) when the denominator is 0. */
export const ratio = (numerator: string, denominator: string): string =>
  `CAST(${numerator} AS DOUBLE) / NULLIF(${denominator}, 0)`;

/** 100 × numerator / denominator. */
export const percent = (numerator: string, denominator: string): string => `100.0 * ${ratio(numerator, denominator)}`;

/** The value only when `count` reaches the minimum sample, else NULL ("too few responses"). */
export const whenSampleAtLeast = (value: string, count: string, minimum: number): string =>
  `CASE WHEN ${count} >= ${minimum} THEN ${value} END`;

/** A value only where the condition holds (NULL elsewhere), for conditional sums. */
export const when = (condition: string, value: string): string => `CASE WHEN ${condition} THEN ${value} END`;
