/** KlantRelatieScore: component score = mean item rating (0–10), KRS = mean of the three
 * component scores; a component is "strong" for a respondent at >= 8. */
import { col, percent, ratio, ref, whenSampleAtLeast } from "./sql.ts";
import { DEFAULT_MINIMUM_SAMPLE, type MeasureSet } from "./types.ts";

export const KRS_COMPONENTS = [
  { name: "satisfaction", column: "krs_satisfaction", strongFlag: "is_satisfaction_strong", nl: "tevredenheid" },
  { name: "trust", column: "krs_trust", strongFlag: "is_trust_strong", nl: "vertrouwen" },
  { name: "love", column: "krs_love", strongFlag: "is_love_strong", nl: "liefde" },
] as const;

export type KrsComponent = (typeof KRS_COMPONENTS)[number]["name"];

export function krsMeasures(options: { minimumSample?: number } = {}): MeasureSet {
  const minimum = options.minimumSample ?? DEFAULT_MINIMUM_SAMPLE;
  const set: MeasureSet = {
    responses: {
      type: "count",
      title: "Responses",
      description: "Responses that answered all three KRS items.",
      format: "number",
    },
  };
  for (const c of KRS_COMPONENTS) {
    set[`${c.name}_sum`] = {
      type: "sum",
      sql: col(c.column),
      title: `Σ ${c.name}`,
      description: `Building block of ${c.name} (additive, so rollups can hold it).`,
      public: false,
    };
    set[`${c.name}_strong`] = {
      type: "count",
      title: `Strong ${c.name}`,
      description: `Respondents rating ${c.name} (${c.nl}) 8 or higher.`,
      filters: [`${col(c.strongFlag)} = 1`],
    };
    set[c.name] = {
      type: "number",
      sql: ratio(ref(`${c.name}_sum`), ref("responses")),
      title: `${c.name[0]!.toUpperCase()}${c.name.slice(1)} (${c.nl})`,
      description: `KRS component ${c.name} (${c.nl}): mean item rating, 0–10; null without responses.`,
    };
    set[`${c.name}_strong_share`] = {
      type: "number",
      sql: percent(ref(`${c.name}_strong`), ref("responses")),
      title: `Strong ${c.name} share (%)`,
      description: `Percentage of respondents rating ${c.name} (${c.nl}) 8 or higher.`,
      format: "percent",
    };
  }
  set["score"] = {
    type: "number",
    sql: `(${ref("satisfaction")} + ${ref("trust")} + ${ref("love")}) / 3.0`,
    title: "KlantRelatieScore",
    description: "KRS: mean of the three component scores (satisfaction, trust, love), 0–10; null without responses.",
  };
  set["score_reported"] = {
    type: "number",
    sql: whenSampleAtLeast(ref("score"), ref("responses"), minimum),
    title: `KRS (n ≥ ${minimum})`,
    description: `The KRS, shown only when the group has at least ${minimum} responses; null means "too few responses".`,
    meta: { minimumSample: minimum },
  };
  return set;
}
