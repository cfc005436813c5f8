/** Power models for machines without a readable sensor (see shared/reference/estimation-models.md). */

/** A utilization-to-watts model with the id and parameters that go into every result it produces. */
export interface PowerModel {
  id: string;
  params: Record<string, string | number>;
  /** Power in watts at a utilization fraction in [0, 1]. */
  powerW(utilization: number): number;
}

/** The Teads curve: P/TDP = 0.12, 0.32, 0.75, 1.02 at 0, 10, 50, 100 % utilization (linear between points). */
const TEADS_POINTS: ReadonlyArray<readonly [number, number]> = [
  [0, 0.12],
  [0.1, 0.32],
  [0.5, 0.75],
  [1, 1.02],
];

/** Watts per logical CPU assumed when the CPU's TDP is unknown (CodeCarbon's rule for unknown CPUs). */
export const DEFAULT_WATTS_PER_CPU = 4;

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** Teads piecewise-linear curve scaled by a TDP in watts, charging the whole machine (idle included). */
export function teadsModel(tdpW: number, tdpSource: string): PowerModel {
  return {
    id: 'teads-tdp@1',
    params: { tdp_w: tdpW, tdp_source: tdpSource, attribution: 'machine', curve: '0:0.12,10:0.32,50:0.75,100:1.02' },
    powerW(utilization) {
      const u = clamp01(utilization);
      for (let i = 1; i < TEADS_POINTS.length; i++) {
        const [u1, r1] = TEADS_POINTS[i] as readonly [number, number];
        const [u0, r0] = TEADS_POINTS[i - 1] as readonly [number, number];
        if (u <= u1) return tdpW * (r0 + ((u - u0) / (u1 - u0)) * (r1 - r0));
      }
      return tdpW * 1.02;
    },
  };
}

/** A straight line from the user's idle watts at 0 % to max watts at 100 % utilization. */
export function linearModel(idleW: number, maxW: number): PowerModel {
  return {
    id: 'linear@1',
    params: { idle_w: idleW, max_w: maxW, attribution: 'machine', source: 'user' },
    powerW: (utilization) => idleW + clamp01(utilization) * (maxW - idleW),
  };
}

/** Options a user may give to override the default estimate. */
export interface EstimateOptions {
  /** The CPU's TDP in watts (Teads curve). */
  tdpW?: number;
  /** Idle and full-load watts of the machine (linear model); both or neither. */
  idleW?: number;
  maxW?: number;
}

/** Chooses the model: the user's idle/max line, the user's TDP, or a TDP of 4 W per logical CPU. */
export function chooseModel(options: EstimateOptions, logicalCpus: number): PowerModel {
  if (options.idleW !== undefined && options.maxW !== undefined) return linearModel(options.idleW, options.maxW);
  if (options.tdpW !== undefined) return teadsModel(options.tdpW, 'user');
  return teadsModel(
    DEFAULT_WATTS_PER_CPU * logicalCpus,
    `default ${DEFAULT_WATTS_PER_CPU} W per logical CPU x ${logicalCpus} (CPU TDP unknown; set --tdp)`,
  );
}
