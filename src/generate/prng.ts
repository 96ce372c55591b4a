/** Seeded randomness for the generator: sfc32 (small, fast, well-tested in PractRand) plus
 * stateless 32-bit hashing for values that must depend only on an index (customers, ids). */

/** Standard normal quantiles at (k + 0.5) / 4096: a normal draw costs one table lookup. */
const NORMAL_TABLE_BITS = 12;
export const NORMAL_TABLE: Float64Array = buildNormalTable(1 << NORMAL_TABLE_BITS);

export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `stream` separates independent sequences drawn from the same seed. */
  constructor(seed: number, stream = 0) {
    this.a = 0x9e3779b9;
    this.b = seed | 0;
    this.c = (stream ^ 0x243f6a88) | 0;
    this.d = 1;
    for (let i = 0; i < 16; i++) this.u32();
  }

  /** Next unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    const c = (this.c << 21) | (this.c >>> 11);
    this.c = (c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Standard normal (quantised to 4096 levels, plenty for 0–10 survey scales). */
  normal(): number {
    return NORMAL_TABLE[this.u32() >>> (32 - NORMAL_TABLE_BITS)]!;
  }
}

/** murmur3's 32-bit finaliser: a bijection on 32-bit integers with good avalanche. */
export function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hash of (index, salt) as a uniform float in [0, 1). */
export function hashFloat(index: number, salt: number): number {
  return fmix32((Math.imul(index, 0x9e3779b1) + Math.imul(salt + 1, 0x7feb352d)) | 0) / 4294967296;
}

/** Hash of (index, salt) as a standard normal draw. */
export function hashNormal(index: number, salt: number): number {
  return NORMAL_TABLE[Math.floor(hashFloat(index, salt) * NORMAL_TABLE.length)]!;
}

/** Picks an index from cumulative weights (last entry = total). */
export function pickCumulative(cumulative: Float64Array | readonly number[], u: number): number {
  const target = u * cumulative[cumulative.length - 1]!;
  let i = 0;
  while (i < cumulative.length - 1 && target >= cumulative[i]!) i++;
  return i;
}

export function cumulate(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  return out;
}

function buildNormalTable(size: number): Float64Array {
  const table = new Float64Array(size);
  for (let k = 0; k < size; k++) table[k] = inverseNormal((k + 0.5) / size);
  return table;
}

/** Acklam's rational approximation of the standard normal quantile (|error| < 1.2e-9). */
export function inverseNormal(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
