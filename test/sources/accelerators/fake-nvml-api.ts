import type { NvmlApi, NvmlValue } from '../../../src/sources/accelerators/nvml-api.js';

/** One GPU of the JavaScript fake NVML: its readings and, per call, a return code other than success. */
export interface FakeGpu {
  name: string;
  uuid: string;
  bus: string;
  /** The energy counter, mJ; tests move it on by hand. */
  energyMj: number;
  powerMw: number;
  util: number;
  smMhz: number;
  tempC: number;
  limitMw: number;
  mig: number;
  /** Return codes per call name (`handle`, `energy`, `power`, `util`, `sm`, `temp`, `mig`…). */
  codes: Partial<Record<string, number>>;
  /** Calls that never return (a hung driver), by name. */
  hang: Set<string>;
}

const TEXT: Record<number, string> = { 3: 'Not Supported', 4: 'Insufficient Permissions', 9: 'Driver Not Loaded', 15: 'GPU is lost', 18: 'RM has detected an NVML/RM version mismatch.' };

/** A JavaScript NVML with the same interface as the koffi binding, for the logic behind it. */
export class FakeNvml implements NvmlApi {
  initCode = 0;
  inits = 0;
  shutdowns = 0;
  readonly calls: string[] = [];
  readonly gpus: FakeGpu[];

  constructor(count = 2) {
    this.gpus = Array.from({ length: count }, (_, i) => ({
      name: i === 0 ? 'NVIDIA H100 80GB HBM3' : 'NVIDIA A100-SXM4-80GB',
      uuid: `GPU-${i}aaa`,
      bus: `00000000:${(0x3b + i).toString(16).toUpperCase()}:00.0`,
      energyMj: 1_000_000 * (i + 1),
      powerMw: 400_000,
      util: 98 - 86 * i,
      smMhz: 1980,
      tempC: 71,
      limitMw: 700_000,
      mig: 0,
      codes: {},
      hang: new Set<string>(),
    }));
  }

  /** Whether init and shutdown balance (NVML is reference counted). */
  get held(): number {
    return this.inits - this.shutdowns;
  }

  private value<T>(index: number, call: string, value: (g: FakeGpu) => T): Promise<NvmlValue<T>> {
    this.calls.push(`${call}(${index})`);
    const gpu = this.gpus[index];
    if (!gpu) return Promise.resolve({ ok: false, code: 2 });
    if (gpu.hang.has(call)) return new Promise(() => undefined);
    const code = gpu.codes[call];
    return Promise.resolve(code ? { ok: false, code } : { ok: true, value: value(gpu) });
  }

  async init(): Promise<number> {
    if (this.initCode === 0) this.inits += 1;
    return this.initCode;
  }
  async shutdown(): Promise<number> {
    this.shutdowns += 1;
    return 0;
  }
  errorString(code: number): string {
    return TEXT[code] ?? 'Unknown Error';
  }
  async deviceCount(): Promise<NvmlValue<number>> {
    return { ok: true, value: this.gpus.length };
  }
  deviceHandle(index: number): Promise<NvmlValue<unknown>> {
    return this.value(index, 'handle', () => index);
  }
  name(d: unknown) {
    return this.value(d as number, 'name', (g) => g.name);
  }
  uuid(d: unknown) {
    return this.value(d as number, 'uuid', (g) => g.uuid);
  }
  pciBusId(d: unknown) {
    return this.value(d as number, 'pci', (g) => g.bus);
  }
  totalEnergyMj(d: unknown) {
    return this.value(d as number, 'energy', (g) => g.energyMj);
  }
  powerUsageMw(d: unknown) {
    return this.value(d as number, 'power', (g) => g.powerMw);
  }
  utilizationGpuPct(d: unknown) {
    return this.value(d as number, 'util', (g) => g.util);
  }
  smClockMhz(d: unknown) {
    return this.value(d as number, 'sm', (g) => g.smMhz);
  }
  temperatureC(d: unknown) {
    return this.value(d as number, 'temp', (g) => g.tempC);
  }
  enforcedPowerLimitMw(d: unknown) {
    return this.value(d as number, 'limit', (g) => g.limitMw);
  }
  migMode(d: unknown) {
    return this.value(d as number, 'mig', (g) => g.mig);
  }
}
