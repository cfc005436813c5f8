/**
 * The few pieces of koffi that the bindings of C libraries use (`nvml-koffi.ts`, `dcmi-koffi.ts`): koffi is imported
 * only when a library is really there, and every call that can reach a driver runs with `.async()`.
 */

/** The koffi function object: callable, and `.async(...args, callback)`. */
export interface KoffiFunction {
  (...args: unknown[]): unknown;
  async(...args: unknown[]): void;
}

/** What the bindings use of koffi's module (its own types are not needed beyond this). */
export interface Koffi {
  load(path: string): { func(signature: string): KoffiFunction };
  pointer(name: string, type: unknown): unknown;
  opaque(name: string): unknown;
}

/** Imports koffi, or says why it cannot load (`library` names what then cannot be called). */
export async function importKoffi(library: string): Promise<{ ok: true; koffi: Koffi } | { ok: false; reason: string }> {
  try {
    // Imported here, not at the top: start-up and machines without the library never load the FFI package.
    const mod = (await import('koffi')) as unknown as { default?: Koffi } & Koffi;
    return { ok: true, koffi: mod.default ?? mod };
  } catch (err) {
    return { ok: false, reason: `the FFI package koffi cannot load (${err instanceof Error ? err.message : String(err)}), so ${library} cannot be called` };
  }
}

/** Calls `fn` on a libuv worker thread and resolves with its integer return value. */
export function callAsync(fn: KoffiFunction, ...args: unknown[]): Promise<number> {
  return new Promise((resolve, reject) => fn.async(...args, (err: unknown, code: unknown) => (err ? reject(err) : resolve(Number(code)))));
}
