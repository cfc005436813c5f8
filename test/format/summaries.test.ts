import { describe, expect, it } from 'vitest';
import { leastWindowLine, measureSummary } from '../../src/format/measure.js';
import { suiteSummary } from '../../src/format/run.js';
import type { CommandWindow, KernelWindow } from '../../src/runner/types.js';
import type { Measurement } from '../../src/sampler/window.js';

const measurement: Measurement = {
  startedAt: '2026-11-29T10:00:00.000Z', durationS: 2, energyJ: 10, powerW: 5, quality: 'measured', source: 'nvidia:0', fidelity: 'averaged',
  coveragePct: 55, minWindowS: 3, cpuUtilPct: 50, stealPct: 0, processCpuS: 1, freqMhz: null, tempC: null, sources: [], warnings: [],
};
const command = (over: Partial<CommandWindow>): CommandWindow => ({ ...measurement, benchmark: 'step', kind: 'command', repetition: 1, work: 1, workUnit: 'run', exitCode: 0, signal: null, valid: true, ...over });
const kernel = (over: Partial<KernelWindow>): KernelWindow => ({ ...measurement, benchmark: 'sha256', kind: 'kernel', threads: 1, repetition: 1, work: 100, workUnit: 'MB', version: '1', checksum: 'abc', valid: true, ...over });

describe('the summaries show fidelity and coverage', () => {
  it('measure: a fidelity and a cover_% column per repetition, and how long a window must be when one was too short', () => {
    const text = measureSummary([command({}), command({ repetition: 2, fidelity: 'counter', coveragePct: 100 })]);
    const [header, first, second] = text.split('\n');
    expect(header).toMatch(/quality\s+fidelity\s+cover_%/);
    expect(first).toMatch(/measured\s+averaged\s+55\s/);
    expect(second).toMatch(/measured\s+counter\s+100\s/);
    expect(text).toContain('window too short: a window must last at least 3 s (3 updates of the slowest energy source); make the command run longer');
  });

  it('measure: no least-window line when every window was long enough or nothing is known, and `-` for an unknown fidelity', () => {
    expect(leastWindowLine([command({ durationS: 3 })])).toBeNull();
    expect(leastWindowLine([command({ minWindowS: null })])).toBeNull();
    expect(measureSummary([command({ fidelity: null, coveragePct: null, minWindowS: null })]).split('\n')[1]).toMatch(/measured\s+-\s+-\s/);
  });

  it('run: the weakest fidelity over the repetitions of a kernel', () => {
    const text = suiteSummary([kernel({ fidelity: 'counter' }), kernel({ repetition: 2, fidelity: 'instant' })], { beforeW: null, afterW: null, powerW: null });
    const [header, row] = text.split('\n');
    expect(header).toMatch(/quality\s+fidelity\s+cv/);
    expect(row).toMatch(/measured\s+instant\s/);
  });
});

describe("the measure summary in the command's own units", () => {
  it('adds work, throughput and work per joule in those units, and nothing for plain runs', () => {
    const text = measureSummary([command({ work: 4096, workUnit: 'tokens' }), command({ repetition: 2, work: 4096, workUnit: 'tokens', energyJ: 8 })]);
    expect(text).toContain('work: median 4096 tokens (min 4096, max 4096, CV 0.0%)');
    expect(text).toContain('throughput: median 2048 tokens/s');
    // 4096 tokens over 10 J and over 8 J: 409.6 and 512 tokens/J, median 460.8.
    expect(text).toContain('work per joule: median 460.8 tokens/J (min 409.6, max 512');
    expect(measureSummary([command({})])).not.toMatch(/work per joule/);
  });
});
