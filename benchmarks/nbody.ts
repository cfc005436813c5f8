/** N-body simulation of the five Jovian planets and the Sun (the benchmarks-game system): scalar float64 arithmetic and Math.sqrt. */

import { mulberry32 } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize, sha256Hex } from './support.js';

const PI = 3.141592653589793;
const SOLAR_MASS = 4 * PI * PI;
const DAYS_PER_YEAR = 365.24;
const DT = 0.01;
const BODIES = 5;

// Sun, Jupiter, Saturn, Uranus, Neptune: x, y, z, vx, vy, vz (per day), mass (in solar masses).
const INITIAL: readonly (readonly number[])[] = [
  [0, 0, 0, 0, 0, 0, 1],
  [
    4.8414314424647209, -1.16032004402742839, -0.103622044471123109, 1.66007664274403694e-3,
    7.69901118419740425e-3, -6.90460016972063023e-5, 9.54791938424326609e-4,
  ],
  [
    8.34336671824457987, 4.12479856412430479, -4.03523417114321381e-1, -2.76742510726862411e-3,
    4.99852801234917238e-3, 2.30417297573763929e-5, 2.85885980666130812e-4,
  ],
  [
    1.2894369562139131e1, -1.51111514016986312e1, -2.23307578892655734e-1, 2.96460137564761618e-3,
    2.3784717395948095e-3, -2.96589568540237556e-5, 4.36624404335156298e-5,
  ],
  [
    1.53796971148509165e1, -2.59193146099879641e1, 1.79258772950371181e-1, 2.68067772490389322e-3,
    1.62824170038242295e-3, -9.5159225451971587e-5, 5.15138902046611451e-5,
  ],
];

/** One body's state: a class with fixed float fields gives V8 one stable shape with unboxed doubles, faster here than typed-array indexing. */
class Body {
  x = 0;
  y = 0;
  z = 0;
  vx = 0;
  vy = 0;
  vz = 0;
  mass = 0;
}

/** Advances the 5-body system `size` steps of dt = 0.01 per iteration; the seed perturbs the initial velocities by ~1e-6. */
export const kernel: Kernel = {
  id: 'nbody',
  version: '1',
  description: 'Five-body gravitational simulation (Sun and Jovian planets), size = steps; loads scalar float64 arithmetic and sqrt',
  unit: 'Msteps',
  defaultSize: 150_000,
  expectedChecksum: 'b0350503b1c3612d7197b95feb24c0e72de2e87150d81b4c5b617a72602dba18',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const steps = checkSize('nbody', size);
    const next = mulberry32(seed);
    // Rows of x, y, z, vx, vy, vz, mass per body, restored at the start of every run so iterations are identical.
    const initial = new Float64Array(7 * BODIES);
    for (let b = 0; b < BODIES; b++) {
      const body = INITIAL[b]!;
      for (let f = 0; f < 3; f++) initial[7 * b + f] = body[f]!;
      for (let f = 3; f < 6; f++) {
        // The perturbation makes the checksum depend on the seed while keeping a realistic orbit.
        initial[7 * b + f] = body[f]! * DAYS_PER_YEAR * (1 + (next() - 0.5) * 2e-6);
      }
      initial[7 * b + 6] = body[6]! * SOLAR_MASS;
    }
    // Offset the Sun's momentum so the system's centre of mass is at rest.
    for (let f = 3; f < 6; f++) {
      let p = 0;
      for (let b = 0; b < BODIES; b++) p += initial[7 * b + f]! * initial[7 * b + 6]!;
      initial[f] = -p / SOLAR_MASS;
    }
    const bodies: Body[] = [];
    for (let b = 0; b < BODIES; b++) bodies.push(new Body());
    const result = new Float64Array(6 * BODIES + 1);

    function energy(): number {
      let e = 0;
      for (let i = 0; i < BODIES; i++) {
        const bi = bodies[i]!;
        e += 0.5 * bi.mass * (bi.vx * bi.vx + bi.vy * bi.vy + bi.vz * bi.vz);
        for (let j = i + 1; j < BODIES; j++) {
          const bj = bodies[j]!;
          const dx = bi.x - bj.x;
          const dy = bi.y - bj.y;
          const dz = bi.z - bj.z;
          e -= (bi.mass * bj.mass) / Math.sqrt(dx * dx + dy * dy + dz * dz);
        }
      }
      return e;
    }

    return {
      workPerIteration: steps / 1e6,
      run(): void {
        for (let b = 0; b < BODIES; b++) {
          const body = bodies[b]!;
          body.x = initial[7 * b]!;
          body.y = initial[7 * b + 1]!;
          body.z = initial[7 * b + 2]!;
          body.vx = initial[7 * b + 3]!;
          body.vy = initial[7 * b + 4]!;
          body.vz = initial[7 * b + 5]!;
          body.mass = initial[7 * b + 6]!;
        }
        for (let s = 0; s < steps; s++) {
          for (let i = 0; i < BODIES; i++) {
            const bi = bodies[i]!;
            const xi = bi.x;
            const yi = bi.y;
            const zi = bi.z;
            const mi = bi.mass;
            let vxi = bi.vx;
            let vyi = bi.vy;
            let vzi = bi.vz;
            for (let j = i + 1; j < BODIES; j++) {
              const bj = bodies[j]!;
              const dx = xi - bj.x;
              const dy = yi - bj.y;
              const dz = zi - bj.z;
              const d2 = dx * dx + dy * dy + dz * dz;
              // Math.sqrt is correctly rounded by IEEE-754, so the trajectory is bit-identical on every machine.
              const mag = DT / (d2 * Math.sqrt(d2));
              const mj = bj.mass * mag;
              vxi -= dx * mj;
              vyi -= dy * mj;
              vzi -= dz * mj;
              const mim = mi * mag;
              bj.vx += dx * mim;
              bj.vy += dy * mim;
              bj.vz += dz * mim;
            }
            bi.vx = vxi;
            bi.vy = vyi;
            bi.vz = vzi;
          }
          for (let i = 0; i < BODIES; i++) {
            const b = bodies[i]!;
            b.x += DT * b.vx;
            b.y += DT * b.vy;
            b.z += DT * b.vz;
          }
        }
        for (let b = 0; b < BODIES; b++) {
          const body = bodies[b]!;
          result[6 * b] = body.x;
          result[6 * b + 1] = body.y;
          result[6 * b + 2] = body.z;
          result[6 * b + 3] = body.vx;
          result[6 * b + 4] = body.vy;
          result[6 * b + 5] = body.vz;
        }
        result[6 * BODIES] = energy();
      },
      checksum(): string {
        return sha256Hex(result);
      },
    };
  },
};
