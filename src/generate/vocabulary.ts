/** The synthetic company: a Dutch insurer + bank. Codes and the behavioural profile of each
 * touchpoint live here, in one place, so docs/generate.md and the tests can point at it.
 * Touchpoint codes are those of seeds/reference/touchpoints.csv (a test checks that). */

export const SEGMENTS = ["particulier", "zzp", "mkb", "zakelijk"] as const;
export const SEGMENT_WEIGHTS = [68, 12, 13, 7];
/** Segments served by an account manager ("business" customers). */
export const BUSINESS_SEGMENTS: readonly string[] = ["mkb", "zakelijk"];
/** Score shift per segment (self-employed are the most critical). */
export const SEGMENT_EFFECT = [0, -0.35, 0.1, 0.3];

export const BUSINESS_UNITS = ["schade", "leven", "hypotheken", "bankieren"] as const;
export const BUSINESS_UNIT_WEIGHTS = [35, 15, 20, 30];
export const BUSINESS_UNIT_EFFECT = [0, -0.2, 0.1, 0.2];

export const CHANNELS = ["web", "app", "telefoon", "kantoor", "email"] as const;
export const LANGUAGES = ["nl", "en"] as const;
/** Share of customers answering in Dutch. */
export const DUTCH_SHARE = 0.8;

/** One fixed manager per business customer (mkb and zakelijk), from the customer's business unit. */
export const ACCOUNT_MANAGERS = [
  "Sanne de Vries", "Daan Jansen", "Emma Bakker", "Lucas Visser", "Sophie Smit",
  "Thijs Meijer", "Julia de Boer", "Bram Mulder", "Lotte de Groot", "Ruben Bos",
  "Fleur Vos", "Jesse Peters", "Anouk Hendriks", "Niels van Leeuwen", "Iris Dekker",
  "Joost Brouwer", "Maud de Wit", "Koen Dijkstra", "Eva Smits", "Sem van Dijk",
] as const;
/** Business unit (BUSINESS_UNITS index) of each account manager: schade 7, leven 3,
 * hypotheken 4, bankieren 6 — roughly the units' shares of business customers. */
export const ACCOUNT_MANAGER_UNITS = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3];
/** Relative portfolio size of each manager within their unit: most carry a full book, a few
 * (new, part-time, a specialist desk) a small one, so their relationship responses stay below
 * the minimum sample even over a year. */
export const ACCOUNT_MANAGER_PORTFOLIO = [
  1.2, 1.0, 0.9, 1.3, 0.15, 1.1, 0.8,
  1.3, 0.25, 0.8,
  1.1, 0.9, 1.4, 0.2,
  1.0, 1.2, 0.8, 1.1, 0.9, 1.3,
];
/** Share of relationship surveys answered by business (account-managed) customers: a business
 * customer's relationship survey goes to several contacts, so they answer far more often than
 * their share of customers. */
export const RELATIONSHIP_BUSINESS_SHARE = 0.8;

/** Month-of-year shift of relationship scores: January's premium indexation hurts. */
export const MONTH_EFFECT = [-0.45, -0.15, 0, 0.05, 0.1, 0.15, 0.1, 0, 0.05, 0, -0.05, 0.15];

export interface SurveyProfile {
  /** Touchpoint code, or "" for the relationship survey. */
  code: string;
  /** Mean latent recommend score at the start of the period. */
  base: number;
  /** Change of that mean from the start to the end of the period. */
  trend: number;
  /** Response-level spread (claims are "mixed": wide). */
  spread: number;
  /** Weight per business unit (BUSINESS_UNITS order) of being asked about this touchpoint. */
  unitWeights: readonly number[];
  /** Channel weights (CHANNELS order). */
  channelWeights: readonly number[];
  /** Shift of CES ("made it easy"). */
  ease: number;
  /** Weights of reason themes (THEMES order in reasons.ts). */
  themeWeights: readonly number[];
}

export const RELATIONSHIP: SurveyProfile = {
  code: "",
  base: 7.1,
  trend: 0.3,
  spread: 1.9,
  unitWeights: [1, 1, 1, 1],
  channelWeights: [25, 15, 0, 0, 60],
  ease: 0,
  themeWeights: [2, 1, 3, 1.5, 1, 2],
};

/** Journey order as in touchpoints.csv. call_centre is the clear improver (a new callback
 * system), claim is mixed (wide spread) and slipping a little, complaint is poor. */
export const TOUCHPOINTS: readonly SurveyProfile[] = [
  { code: "onboarding", base: 8.0, trend: 0.25, spread: 1.6, unitWeights: [1.2, 1.2, 1.2, 1.2], channelWeights: [50, 25, 10, 15, 0], ease: 0.2, themeWeights: [1.5, 1.5, 0.5, 2, 2.5, 0.5] },
  { code: "mortgage_advice", base: 7.7, trend: 0.1, spread: 1.8, unitWeights: [0.1, 0.1, 2.5, 0.3], channelWeights: [20, 0, 25, 55, 0], ease: 0, themeWeights: [2, 1, 2.5, 2.5, 0.3, 1] },
  { code: "app", base: 8.3, trend: 0.2, spread: 1.5, unitWeights: [1.2, 0.8, 1.2, 3], channelWeights: [0, 100, 0, 0, 0], ease: 0.4, themeWeights: [0.3, 1.5, 0.2, 0.5, 5, 0.3] },
  { code: "call_centre", base: 6.5, trend: 1.5, spread: 1.9, unitWeights: [2, 2, 2, 2], channelWeights: [0, 0, 100, 0, 0], ease: -0.2, themeWeights: [3, 3.5, 0.2, 1.5, 0.3, 0.5] },
  { code: "claim", base: 7.1, trend: -0.25, spread: 2.6, unitWeights: [2.5, 0.6, 0.05, 0.05], channelWeights: [45, 20, 35, 0, 0], ease: -0.1, themeWeights: [2, 3, 0.5, 2.5, 0.8, 1.5] },
  { code: "complaint", base: 4.9, trend: 0.3, spread: 2.3, unitWeights: [0.5, 0.5, 0.5, 0.5], channelWeights: [20, 0, 35, 0, 45], ease: -0.9, themeWeights: [2.5, 2, 0.8, 3, 0.5, 2.5] },
];

/** Share of relationship surveys when both survey types are generated. */
export const RELATIONSHIP_SHARE = 0.4;

/** Driver model: rating = mean + slope × (latent − 7.3) + noise × sd. Different slopes and
 * noise give different importance (correlation with recommend_score). Order = canonical. */
export const DRIVERS = [
  { code: "process", mean: 7.4, slope: 0.8, sd: 1.0 },
  { code: "product_price", mean: 6.6, slope: 0.42, sd: 1.6 },
  { code: "reputation_image", mean: 7.0, slope: 0.55, sd: 1.5 },
  { code: "emotional_engagement", mean: 6.2, slope: 0.75, sd: 1.4 },
] as const;

/** KlantRelatieScore items, same model. Order: satisfaction, trust, love. */
export const KRS_ITEMS = [
  { code: "satisfaction", mean: 7.3, slope: 0.75, sd: 1.0 },
  { code: "trust", mean: 7.5, slope: 0.6, sd: 1.2 },
  { code: "love", mean: 6.3, slope: 0.7, sd: 1.5 },
] as const;

/** Centre of the latent scale used by the item models. */
export const LATENT_CENTRE = 7.3;
