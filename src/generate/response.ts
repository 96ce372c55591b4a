/** The response model: who answers (a stable customer population), about what, and how.
 * One mutable ResponseRow is refilled per row so generating allocates nothing per row. */

import { Clock } from "./clock.ts";
import { cumulate, fmix32, hashFloat, hashNormal, pickCumulative, type Sfc32 } from "./prng.ts";
import { buildPhraseBook, sentimentIndex, type PhraseBook } from "./reasons.ts";
import {
  ACCOUNT_MANAGER_PORTFOLIO, ACCOUNT_MANAGER_UNITS, ACCOUNT_MANAGERS, BUSINESS_UNIT_EFFECT, BUSINESS_UNIT_WEIGHTS,
  DRIVERS, DUTCH_SHARE, KRS_ITEMS, LATENT_CENTRE, MONTH_EFFECT, RELATIONSHIP, RELATIONSHIP_BUSINESS_SHARE,
  RELATIONSHIP_SHARE, SEGMENT_EFFECT, SEGMENT_WEIGHTS, TOUCHPOINTS,
} from "./vocabulary.ts";

export type SurveyMix = "mixed" | "relationship" | "touchpoint";

export interface ResponseRow {
  /** Response number; its id is ResponseModel.responseId(index). */
  index: number;
  /** The keyed permutation of index written as the id's seven base-36 digits. */
  idValue: number;
  /** Customer number; customer_id is C + 7 digits of customer + 1. */
  customer: number;
  /** Seconds since the start of the period (UTC). */
  t: number;
  relationship: boolean;
  /** Index into TOUCHPOINTS, -1 for relationship surveys. */
  touchpoint: number;
  channel: number;
  language: number;
  segment: number;
  unit: number;
  /** Index into ACCOUNT_MANAGERS, -1 when the customer has none. */
  manager: number;
  recommend: number;
  /** Index into the phrase book, -1 = no reason given. */
  reason: number;
  /** Ratings 0–10, -1 = blank. */
  drivers: Int8Array;
  krs: Int8Array;
  /** 1–5 / 1–7, -1 = blank. */
  csat: number;
  ces: number;
  /** Qualtrics "Duration (in seconds)". */
  duration: number;
  /** Bad-row overrides: raw text written instead of the field (null = none). */
  idText: string | null;
  scoreText: string | null;
  timeText: string | null;
}

export function emptyRow(): ResponseRow {
  return {
    index: 0, idValue: 0, customer: 0, t: 0, relationship: true, touchpoint: -1, channel: 0, language: 0, segment: 0,
    unit: 0, manager: -1, recommend: 0, reason: -1, drivers: new Int8Array(4), krs: new Int8Array(3),
    csat: -1, ces: -1, duration: 0, idText: null, scoreText: null, timeText: null,
  };
}

/** Salt of the customer population: fixed (not --seed) so that separate runs, e.g. the three
 * sample files, share customers with the same segment, business unit and account manager. */
const POPULATION = 0x0c0ffee;

export interface ModelOptions {
  seed: number;
  customers: number;
  mix: SurveyMix;
  /** Touchpoint codes to draw from (all when empty). */
  touchpoints: readonly string[];
}

export class ResponseModel {
  readonly phrases: PhraseBook = buildPhraseBook();
  private readonly seedTag: string;
  private readonly idKey: number;
  private readonly segmentCum = cumulate(SEGMENT_WEIGHTS);
  private readonly unitCum = cumulate(BUSINESS_UNIT_WEIGHTS);
  /** Per business unit: cumulative weights over the allowed touchpoints. */
  private readonly touchpointCum: Float64Array[];
  private readonly allowed: number[];
  /** Channel and theme weights, at [0] for relationship and [1 + touchpoint] otherwise. */
  private readonly channelCum: Float64Array[];
  private readonly themeCum: Float64Array[];
  private readonly managerEffect: number[] = ACCOUNT_MANAGERS.map((_, m) => 0.5 * hashNormal(m, POPULATION + 7));
  /** Per business unit: the managers of that unit and the cumulative weights of their portfolios. */
  private readonly unitManagers: number[][] = BUSINESS_UNIT_WEIGHTS.map((_, u) => ACCOUNT_MANAGERS.map((_, m) => m).filter((m) => ACCOUNT_MANAGER_UNITS[m] === u));
  private readonly unitManagerCum: Float64Array[] = this.unitManagers.map((ms) => cumulate(ms.map((m) => ACCOUNT_MANAGER_PORTFOLIO[m]!)));

  /** Business customers (mkb, zakelijk) have an account manager. */
  private isBusiness(c: number): boolean {
    return pickCumulative(this.segmentCum, hashFloat(c, POPULATION + 1)) >= 2;
  }

  constructor(private readonly clock: Clock, private readonly options: ModelOptions) {
    this.seedTag = (fmix32(options.seed ^ 0x5eed5eed) % 1_679_616).toString(36).padStart(4, "0");
    this.idKey = fmix32(options.seed + 0x1d);
    this.idPrefix = "R_" + this.seedTag;
    const known = TOUCHPOINTS.map((p) => p.code);
    for (const code of options.touchpoints) {
      if (!known.includes(code)) throw new RangeError(`unknown touchpoint "${code}" (one of: ${known.join(", ")})`);
    }
    this.allowed = TOUCHPOINTS.map((_, i) => i).filter((i) => options.touchpoints.length === 0 || options.touchpoints.includes(TOUCHPOINTS[i]!.code));
    this.touchpointCum = BUSINESS_UNIT_WEIGHTS.map((_, u) => cumulate(this.allowed.map((i) => TOUCHPOINTS[i]!.unitWeights[u]!)));
    this.channelCum = [RELATIONSHIP, ...TOUCHPOINTS].map((p) => cumulate(p.channelWeights));
    this.themeCum = [RELATIONSHIP, ...TOUCHPOINTS].map((p) => cumulate(p.themeWeights));
  }

  /** Unique per index for index < 2^32: "R_" + a 4-digit seed tag + a keyed bijection of the
   * index in seven base-36 digits. */
  readonly idPrefix: string;
  idValue(index: number): number {
    return fmix32((index ^ this.idKey) >>> 0);
  }
  responseId(index: number): string {
    return this.idPrefix + this.idValue(index).toString(36).padStart(7, "0");
  }

  static customerId(c: number): string {
    return "C" + String(c + 1).padStart(7, "0");
  }

  /** Fills `row` with response number `index` at position x in [0, 1) of the period. */
  fill(rng: Sfc32, row: ResponseRow, index: number, x: number): void {
    row.idText = row.scoreText = row.timeText = null;
    row.index = index;
    row.idValue = this.idValue(index);
    row.t = this.clock.secondsAt(x);

    // Which survey; relationship surveys mostly reach business customers' contacts.
    const relationship = this.options.mix === "relationship" || (this.options.mix === "mixed" && rng.float() < RELATIONSHIP_SHARE);
    row.relationship = relationship;

    // The customer and what is fixed about them.
    let c = rng.int(this.options.customers);
    if (relationship && rng.float() < RELATIONSHIP_BUSINESS_SHARE) {
      for (let tries = 0; tries < 64 && !this.isBusiness(c); tries++) c = rng.int(this.options.customers);
    }
    row.customer = c;
    const segment = pickCumulative(this.segmentCum, hashFloat(c, POPULATION + 1));
    const unit = pickCumulative(this.unitCum, hashFloat(c, POPULATION + 2));
    row.segment = segment;
    row.unit = unit;
    row.language = hashFloat(c, POPULATION + 3) < DUTCH_SHARE ? 0 : 1;
    const m = hashFloat(c, POPULATION + 4);
    row.manager = segment >= 2 ? this.unitManagers[unit]![pickCumulative(this.unitManagerCum[unit]!, m)]! : -1;
    const customerEffect = 0.9 * hashNormal(c, POPULATION + 5);

    let profile = RELATIONSHIP;
    row.touchpoint = -1;
    if (!relationship) {
      row.touchpoint = this.allowed[pickCumulative(this.touchpointCum[unit]!, rng.float())]!;
      profile = TOUCHPOINTS[row.touchpoint]!;
    }
    row.channel = pickCumulative(this.channelCum[row.touchpoint + 1]!, rng.float());

    // Latent loyalty: profile, trend over the period, season, customer and group effects.
    const season = MONTH_EFFECT[this.clock.monthAt(row.t)]! * (relationship ? 1 : 0.3);
    const latent =
      profile.base + profile.trend * x + season + customerEffect + SEGMENT_EFFECT[segment]! + BUSINESS_UNIT_EFFECT[unit]! +
      (row.manager >= 0 ? this.managerEffect[row.manager]! : 0) - 0.1 * row.language + profile.spread * rng.normal();
    const rec = clamp(latent + 0.7 * rng.normal(), 0, 10);
    row.recommend = rec;
    const centred = latent - LATENT_CENTRE;

    const askDrivers = relationship || rng.float() < 0.5;
    for (let d = 0; d < 4; d++) {
      const item = DRIVERS[d]!;
      row.drivers[d] = askDrivers && rng.float() >= 0.03 ? clamp(item.mean + item.slope * centred + item.sd * rng.normal(), 0, 10) : -1;
    }
    const askKrs = relationship || rng.float() < 0.25;
    for (let k = 0; k < 3; k++) {
      const item = KRS_ITEMS[k]!;
      row.krs[k] = askKrs && rng.float() >= 0.03 ? clamp(item.mean + item.slope * centred + item.sd * rng.normal(), 0, 10) : -1;
    }
    row.csat = rng.float() < (relationship ? 0.15 : 0.95) ? clamp(3.9 + 0.42 * centred + 0.6 * rng.normal(), 1, 5) : -1;
    row.ces = !relationship && rng.float() < 0.9 ? clamp(5.2 + profile.ease + 0.45 * centred + 0.9 * rng.normal(), 1, 7) : -1;

    // Open answer: detractors explain themselves most often; ~60 % overall.
    const sentiment = sentimentIndex(rec);
    row.reason = -1;
    if (rng.float() < (sentiment === 0 ? 0.7 : sentiment === 1 ? 0.5 : 0.58)) {
      const theme = pickCumulative(this.themeCum[row.touchpoint + 1]!, rng.float());
      const [start, count] = this.phrases.slots[(theme * 2 + row.language) * 3 + sentiment]!;
      row.reason = start + rng.int(count);
    }
    row.duration = 45 + rng.int(360) + (row.reason >= 0 ? 70 : 0);
  }
}

/** Rounds to the nearest integer on [lo, hi]. */
function clamp(v: number, lo: number, hi: number): number {
  if (v <= lo) return lo;
  if (v >= hi) return hi;
  return Math.floor(v + 0.5);
}

