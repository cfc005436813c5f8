/**
 * Cumulative distribution and quantile functions of the standard normal and Student t distributions,
 * computed from the special functions (no lookup tables), accurate to about 1e-12 or better.
 */
import { lnGamma, regularizedGammaQ, regularizedIncompleteBeta } from './special-functions.js';

/** Degrees of freedom above which the t quantile uses the Cornish–Fisher expansion (error below 1e-14 there). */
const T_QUANTILE_EXPANSION_MIN_DF = 1e5;

function assertProbability(p: number, where: string): void {
  if (!(p > 0 && p < 1)) throw new RangeError(`${where}: p must be strictly between 0 and 1, got ${String(p)}`);
}

function assertDegreesOfFreedom(df: number, where: string): void {
  if (!(df > 0)) throw new RangeError(`${where}: degrees of freedom must be positive, got ${String(df)}`);
}

/** Returns the complementary error function erfc(x), via erfc(x) = Q(1/2, x²) for x >= 0. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  return regularizedGammaQ(0.5, x * x);
}

/** Returns P(Z <= x) for a standard normal Z. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Returns P(Z > x) for a standard normal Z, accurate in the far upper tail (no 1 - cdf cancellation). */
export function normalSurvival(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

/** Returns the standard normal quantile z with P(Z <= z) = p, for p in (0, 1). */
export function normalQuantile(p: number): number {
  assertProbability(p, 'normalQuantile');
  // Acklam's rational approximation (relative error 1.15e-9) refined by one Halley step on erfc.
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239] as const;
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1] as const;
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const;
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // Refine against whichever tail is small, so the residual is computed without cancellation.
  const error = p < 0.5 ? normalCdf(x) - p : (1 - p) - normalSurvival(x);
  const u = error * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Returns P(T > t) for t >= 0 and a Student t variable with df degrees of freedom. */
function studentTUpperTail(t: number, df: number): number {
  return 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Returns P(T <= t) for a Student t variable with df > 0 (not necessarily integer) degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  assertDegreesOfFreedom(df, 'studentTCdf');
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  if (df === Infinity) return normalCdf(t);
  const tail = studentTUpperTail(Math.abs(t), df);
  return t >= 0 ? 1 - tail : tail;
}

/** Returns the density of a Student t variable with df degrees of freedom at t. */
export function studentTDensity(t: number, df: number): number {
  assertDegreesOfFreedom(df, 'studentTDensity');
  const logNormaliser = lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logNormaliser - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Cornish–Fisher expansion of the t quantile around the normal quantile (Abramowitz & Stegun 26.7.5). */
function studentTQuantileExpansion(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/**
 * Returns the Student t quantile t with P(T <= t) = p, for p in (0, 1) and any df > 0.
 * Exact closed forms are used for df = 1 and df = 2; otherwise the incomplete-beta CDF is inverted
 * by Newton steps safeguarded by bisection; beyond 1e5 degrees of freedom a Cornish–Fisher expansion
 * around the normal quantile is used. Example: studentTQuantile(0.975, 4) ≈ 2.776.
 */
export function studentTQuantile(p: number, df: number): number {
  assertProbability(p, 'studentTQuantile');
  assertDegreesOfFreedom(df, 'studentTQuantile');
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  const tail = 1 - p;
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * tail);
  if (df >= T_QUANTILE_EXPANSION_MIN_DF) return studentTQuantileExpansion(normalQuantile(p), df);

  // Bracket the root of upperTail(t) = tail; the t quantile always exceeds the normal one.
  let low = 0;
  let high = Math.max(1, normalQuantile(p));
  while (studentTUpperTail(high, df) > tail) {
    low = high;
    high *= 2;
  }
  let t = Math.min(high, Math.max(low, studentTQuantileExpansion(normalQuantile(p), df)));
  for (let iteration = 0; iteration < 200; iteration++) {
    const residual = studentTUpperTail(t, df) - tail;
    if (residual === 0) return t;
    if (residual > 0) low = t;
    else high = t;
    // Newton step on the tail (its derivative is -density); fall back to bisection when it leaves the bracket.
    let next = t + residual / studentTDensity(t, df);
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.abs(next) || high - low <= 1e-15 * high) return next;
    t = next;
  }
  return t;
}
