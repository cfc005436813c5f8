#!/usr/bin/env node
// Run-to-run variability of each kernel: warm up, then time N repetitions of a fixed duration each, single-threaded,
// and report the median throughput and the coefficient of variation across repetitions.
// Usage: npm run build && node scripts/bench-cv.js [--repetitions 10] [--duration 1] [--warmup 0.5] [--kernels a,b]
// 'bg cpus' is how many CPUs other processes kept busy meanwhile: a CV measured with that well above 0 says little about the kernel.
// WATTBENCH_KERNELS_MODULE may point at another compiled benchmarks/index.js (e.g. one built into a temp dir).

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const { values } = parseArgs({
  options: {
    repetitions: { type: 'string', default: '10' },
    duration: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '0.5' },
    kernels: { type: 'string' },
  },
});

const repetitions = Number(values.repetitions);
const duration = Number(values.duration);
const warmup = Number(values.warmup);
if (!Number.isInteger(repetitions) || repetitions < 2) throw new Error('--repetitions must be an integer >= 2');
if (!(duration > 0)) throw new Error('--duration must be a positive number of seconds');
if (!(warmup >= 0)) throw new Error('--warmup must be a non-negative number of seconds');

const modulePath = process.env.WATTBENCH_KERNELS_MODULE;
const { kernels, findKernel } = await import(
  modulePath ? pathToFileURL(modulePath).href : new URL('../dist/benchmarks/index.js', import.meta.url).href
);

let selected = kernels;
if (values.kernels) {
  selected = values.kernels.split(',').map((id) => {
    const k = findKernel(id.trim());
    if (!k) throw new Error(`unknown kernel: ${id} (known: ${kernels.map((x) => x.id).join(', ')})`);
    return k;
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function cvPercent(xs) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
  return (Math.sqrt(variance) / mean) * 100;
}

// CPU seconds spent by the whole machine so far (Linux /proc/stat), or undefined elsewhere; used to show how much
// other processes ran during a measurement, since on a small VM that, not the kernel, is the usual source of spread.
function machineBusySeconds() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return undefined;
  }
}

function ownCpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

// Runs iterations until `seconds` have elapsed; returns [iterations, elapsed seconds].
function timeFor(instance, seconds) {
  const budget = BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let iterations = 0;
  let elapsed = 0n;
  do {
    instance.run();
    iterations++;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  return [iterations, Number(elapsed) / 1e9];
}

// A reference that allocates nothing and touches no memory: its CV is the machine's own noise floor (frequency changes,
// SMT siblings, neighbours on a shared host), against which the kernels' CVs should be read.
let floorSink = 0;
const floorKernel = {
  id: '(noise floor)',
  unit: 'Gops',
  defaultSize: 20_000_000,
  expectedChecksum: undefined,
  setup({ size }) {
    return {
      workPerIteration: size / 1e9,
      run() {
        // Starting from a literal keeps the loop on int32 arithmetic; seeding it from floorSink would make it generic.
        let x = 0;
        for (let i = 0; i < size; i++) x = (x + Math.imul(i, 0x61c88647)) | 0;
        floorSink ^= x;
      },
      checksum() {
        return undefined;
      },
    };
  },
};

const header = ['kernel', 'unit', 'size', 'ms/run', 'median thr', 'min', 'max', 'CV%', 'bg cpus', 'checksum'];
const rows = [];
const cvs = [];
function measure(kernel) {
  const instance = kernel.setup({ seed: 42, size: kernel.defaultSize });
  timeFor(instance, warmup);
  const throughputs = [];
  let totalIterations = 0;
  let totalSeconds = 0;
  const busyBefore = machineBusySeconds();
  const ownBefore = ownCpuSeconds();
  for (let r = 0; r < repetitions; r++) {
    const [iterations, seconds] = timeFor(instance, duration);
    throughputs.push((iterations * instance.workPerIteration) / seconds);
    totalIterations += iterations;
    totalSeconds += seconds;
  }
  const busyAfter = machineBusySeconds();
  // Average number of CPUs kept busy by everything but this process (USER_HZ = 100 assumed, as on all common kernels).
  const background =
    busyBefore === undefined || busyAfter === undefined
      ? 'n/a'
      : Math.max(0, (busyAfter - busyBefore - (ownCpuSeconds() - ownBefore)) / totalSeconds).toFixed(2);
  const cv = cvPercent(throughputs);
  const ok =
    kernel.expectedChecksum === undefined ? '-' : instance.checksum() === kernel.expectedChecksum ? 'ok' : 'MISMATCH';
  const row = [
    kernel.id,
    kernel.unit + '/s',
    String(kernel.defaultSize),
    ((totalSeconds / totalIterations) * 1000).toFixed(2),
    median(throughputs).toPrecision(5),
    Math.min(...throughputs).toPrecision(5),
    Math.max(...throughputs).toPrecision(5),
    cv.toFixed(2),
    background,
    ok,
  ];
  process.stderr.write(`${kernel.id}: CV ${cv.toFixed(2)}%\n`);
  return { row, cv };
}

for (const kernel of selected) {
  const { row, cv } = measure(kernel);
  rows.push(row);
  cvs.push(cv);
}
const floor = measure(floorKernel);
rows.push(floor.row);

const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
const line = (cells) => cells.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
console.log(`node ${process.version}, ${repetitions} repetitions x ${duration} s after ${warmup} s warm-up, seed 42`);
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(`median CV over ${cvs.length} kernels: ${median(cvs).toFixed(2)}% (noise floor: ${floor.cv.toFixed(2)}%)`);
