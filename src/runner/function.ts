import type { Measurement } from '../sampler/window.js';
import type { Session } from './session.js';
import type { FunctionWindow } from './types.js';

/** Measures a caller's own async function, one window per repetition (kind `function`). */
export async function measureFunction(
  session: Session,
  name: string,
  fn: () => unknown,
  options: { repeat?: number; onWindow?: (w: FunctionWindow) => void } = {},
): Promise<FunctionWindow[]> {
  const windows: FunctionWindow[] = [];
  for (let repetition = 1; repetition <= (options.repeat ?? 1); repetition++) {
    let error: unknown = null;
    const { measurement } = await session.measure(async () => {
      try {
        await fn();
      } catch (err) {
        error = err;
      }
    });
    const window = functionWindow(name, repetition, measurement, error);
    windows.push(window);
    options.onWindow?.(window);
  }
  return windows;
}

function functionWindow(name: string, repetition: number, m: Measurement, error: unknown): FunctionWindow {
  const warnings = [...m.warnings];
  if (error !== null) warnings.push(`function threw: ${error instanceof Error ? error.message : String(error)}`);
  return {
    ...m,
    warnings,
    benchmark: name,
    kind: 'function',
    repetition,
    work: 1,
    workUnit: 'call',
    valid: error === null && !(m.energyJ === null && m.source !== 'none'),
  };
}
