/** Change significance between two periods as SQL columns of a generated source, for the
 * dashboards' "what changed significantly". The definition is DESIGN.md's (and
 * src/measures/formulas.ts `npsChange`): z = (NPS₁ − NPS₂) / √(V₁/n₁ + V₂/n₂), significant when
 * |z| ≥ 1.96. It is written from Cube's own margin of error, moe = 1.96 × √(V/n), so that
 * √(V/n) = moe / 1.96 and no NPS formula is repeated here; tests/pages check it against
 * `npsChange` on real data. */
import { Z_95 } from "../measures/nps.ts";

/** Columns added over a source that has nps, nps_moe, previous_nps, previous_nps_moe,
 * meets_minimum_sample and previous_meets_minimum_sample. */
export function npsChangeColumnsSql(): string[] {
  const se = `sqrt(power(nps_moe / ${Z_95}, 2) + power(previous_nps_moe / ${Z_95}, 2))`;
  const z = `(nps - previous_nps) / NULLIF(${se}, 0)`;
  // npsChange: with zero variance in both periods any difference is certain (significant).
  const significant = `CASE WHEN previous_nps IS NULL OR nps IS NULL THEN NULL WHEN ${se} = 0 THEN nps <> previous_nps ELSE abs(${z}) >= ${Z_95} END`;
  const comparable = `(meets_minimum_sample = 1 AND previous_meets_minimum_sample = 1)`;
  return [
    `nps - previous_nps AS nps_change`,
    `${z} AS nps_change_z`,
    `${significant} AS nps_change_significant`,
    `coalesce(${comparable}, false) AS comparable`,
    // Codes, not words: each page says them in its own language.
    `CASE WHEN previous_nps IS NULL AND previous_responses IS NULL THEN 'no_previous'` +
      ` WHEN NOT coalesce(${comparable}, false) THEN 'too_few'` +
      ` WHEN ${significant} AND nps > previous_nps THEN 'improvement'` +
      ` WHEN ${significant} AND nps < previous_nps THEN 'drop'` +
      ` ELSE 'no_change' END AS change_verdict`,
  ];
}
