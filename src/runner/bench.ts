import type { Bench } from 'tinybench';
import type { Session } from './session.js';
import type { FunctionWindow } from './types.js';

/**
 * Runs a tinybench Bench of the caller's own tasks under measurement: each task, each repetition, one window
 * around tinybench's own run of that task. The tasks run on this thread, so periodic samples only land between
 * task calls; counters are still exact over the window, gauges and the estimate see fewer samples.
 */
export async function measureBench(
  session: Session,
  bench: Bench,
  options: { repetitions?: number; onWindow?: (w: FunctionWindow) => void } = {},
): Promise<FunctionWindow[]> {
  const windows: FunctionWindow[] = [];
  for (const task of bench.tasks) {
    for (let repetition = 1; repetition <= (options.repetitions ?? 1); repetition++) {
      task.reset();
      const { measurement } = await session.measure(() => task.run());
      const result = task.result;
      const failed = result.state === 'errored' ? result.error.message : null;
      const warnings = [...measurement.warnings, ...(failed ? [`task failed: ${failed}`] : [])];
      const window: FunctionWindow = {
        ...measurement,
        warnings,
        benchmark: task.name,
        kind: 'function',
        repetition,
        work: task.runs,
        workUnit: 'call',
        valid: failed === null && !(measurement.energyJ === null && measurement.source !== 'none'),
      };
      windows.push(window);
      options.onWindow?.(window);
    }
  }
  return windows;
}
