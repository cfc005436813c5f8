import { hostname } from 'node:os';
import si from 'systeminformation';

/** The machine fingerprint stored in every sidecar, so results from many machines say where they came from. */
export interface Fingerprint {
  hostname: string;
  cpu: { manufacturer: string; brand: string; logicalCores: number; physicalCores: number; baseSpeedGhz: number | null } | null;
  memoryBytes: number | null;
  os: { platform: string; distro: string; release: string; kernel: string; arch: string } | null;
  virtual: boolean | null;
  virtualHost: string | null;
  system: { manufacturer: string; model: string } | null;
  /** cpufreq scaling governor, where readable. */
  governor: string | null;
  node: string;
}

async function within<T>(ms: number, work: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Collects the fingerprint with systeminformation; every part has a timeout and is null when it cannot be read. Never call it while measuring. */
export async function collectFingerprint(governor: string | null, timeoutMs = 5000): Promise<Fingerprint> {
  const [cpu, mem, os, system] = await Promise.all([
    within(timeoutMs, si.cpu()),
    within(timeoutMs, si.mem()),
    within(timeoutMs, si.osInfo()),
    within(timeoutMs, si.system()),
  ]);
  return {
    hostname: hostname(),
    cpu: cpu
      ? {
          manufacturer: cpu.manufacturer,
          brand: cpu.brand,
          logicalCores: cpu.cores,
          physicalCores: cpu.physicalCores,
          baseSpeedGhz: cpu.speed > 0 ? cpu.speed : null,
        }
      : null,
    memoryBytes: mem?.total ?? null,
    os: os ? { platform: os.platform, distro: os.distro, release: os.release, kernel: os.kernel, arch: os.arch } : null,
    virtual: system ? Boolean(system.virtual) : null,
    virtualHost: system?.virtualHost || null,
    system: system ? { manufacturer: system.manufacturer, model: system.model } : null,
    governor,
    node: process.version,
  };
}
