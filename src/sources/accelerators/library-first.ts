import type { Probe, ProbeState, SourceInfo } from '../types.js';

/**
 * Accelerators read through their vendor's C library first (NVML, DCMI) and through its command-line tool when the
 * library cannot be used (nvidia-smi, npu-smi): what both paths share, so each vendor says the same things the same way.
 */

/** A vendor library's probe: its sources, or why the library cannot be used at all (then the tool is tried). */
export type LibraryProbeResult = { usable: true; probes: Probe[] } | { usable: false; state: Exclude<ProbeState, 'ok'>; reason: string; fix: string | null };

/** How one vendor's two paths are named. */
export interface LibraryFirst {
  /** The library, as reasons name it (`NVML`). */
  library: string;
  /** The tool, as reasons name it (`nvidia-smi`). */
  tool: string;
  /** The one probe shown when neither path is usable and the library's diagnosis is the exact one. */
  info: SourceInfo;
  /** The tool's reason when it gave none (`no usable GPU`). */
  nothingUsable: string;
}

/**
 * The tool's probes, each saying why the library was not used. When the tool has nothing usable either and the library
 * was there but failed, the library's diagnosis (its state and fix) is the one shown: it names the cause more exactly.
 */
export function withLibraryReason(names: LibraryFirst, tool: Probe[], library: Extract<LibraryProbeResult, { usable: false }>): Probe[] {
  const usable = tool.some((p) => p.state === 'ok');
  if (!usable && library.state !== 'absent') {
    const toolReason = tool.map((p) => p.reason).find((r) => r) ?? names.nothingUsable;
    return [
      {
        info: names.info,
        state: library.state,
        reason: `${names.library}: ${library.reason}; ${names.tool}: ${toolReason}`,
        fix: library.fix ?? tool.find((p) => p.fix)?.fix ?? null,
      },
    ];
  }
  return tool.map((p) => ({
    ...p,
    reason:
      p.state === 'ok'
        ? `read through ${names.tool}, ${names.library} not used: ${library.reason}${p.reason ? `; ${p.reason}` : ''}`
        : `${p.reason ?? p.state}; ${names.library}: ${library.reason}`,
    fix: p.fix ?? library.fix,
  }));
}
