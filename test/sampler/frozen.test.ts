import { describe, expect, it } from 'vitest';
import { Session } from '../../src/runner/session.js';
import { procfs, seamReader, sysfs } from '../helpers/fake-files.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** A RAPL tree whose package counter never moves (some VMs and firmware expose such zones), read through the file seam. */
function frozenTree(clock: ManualClock, moving: (tS: number) => number | null = () => null) {
  const t0 = clock.nowS();
  return seamReader({
    text: (path) => {
      if (!path.includes('intel-rapl:0/')) return null;
      if (path.endsWith('max_energy_range_uj')) return '65532610987\n';
      if (path.endsWith('energy_uj')) return `${moving(clock.nowS() - t0) ?? 5_555_555_555}\n`;
      return null;
    },
  });
}

async function windowOf(clock: ManualClock, ms: number, moving?: (tS: number) => number | null) {
  const session = await Session.open({ sysfs: sysfs('amd-zen'), procfs: procfs('basic'), files: frozenTree(clock, moving), intervalMs: 100, clock });
  try {
    const open = await session.meter.open();
    await clock.advance(ms);
    return await session.meter.close(open);
  } finally {
    await session.close();
  }
}

describe('a frozen counter', () => {
  it('is never 0 J measured: over 2 s without a move its energy is unknown with a reason, and so is the total', async () => {
    const clock = new ManualClock();
    const m = await windowOf(clock, 2000);
    const pkg = m.sources.find((s) => s.id === 'rapl:package-0');
    expect(pkg?.inTotal).toBe(true);
    expect(pkg?.energyJ).toBeNull();
    expect(pkg?.powerW).toBeNull();
    expect(pkg?.reason).toBe('counter did not move in 2.000 s, longer than its update period 0.001 s: frozen sensor, energy unknown');
    expect(pkg?.warnings).toContain(`rapl:package-0: ${pkg?.reason}`);
    expect(m.energyJ).toBeNull();
    expect(m.quality).toBe('none');
    expect(m.warnings.join('\n')).toMatch(/rapl:package-0: no energy for this window.*the total is unknown/);
  });

  it('is not flagged when the window is shorter than the threshold: an idle counter may read the same value', async () => {
    const clock = new ManualClock();
    const m = await windowOf(clock, 900);
    const pkg = m.sources.find((s) => s.id === 'rapl:package-0');
    expect(pkg?.energyJ).toBe(0);
    expect(pkg?.reason).toBeNull();
    expect(m.energyJ).toBe(0);
    expect(m.quality).toBe('measured');
    expect(m.warnings.join('\n')).not.toMatch(/frozen/);
  });

  it('is flagged when it stops in the middle of a window: what it counted before is not the window', async () => {
    const clock = new ManualClock();
    // 10 W for the first 0.5 s, then stuck for 1.5 s.
    const m = await windowOf(clock, 2000, (tS) => Math.round(10 * Math.min(tS, 0.5) * 1e6));
    const pkg = m.sources.find((s) => s.id === 'rapl:package-0');
    expect(pkg?.energyJ).toBeNull();
    expect(pkg?.reason).toMatch(/^counter did not move for 1\.500 s of the 2\.000 s window, longer than its update period 0\.001 s: frozen sensor, energy unknown$/);
    expect(m.energyJ).toBeNull();
  });
});
