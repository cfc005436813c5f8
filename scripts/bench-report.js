#!/usr/bin/env node
// How long `wattbench report` takes on a large input, and how big the page it writes is.
// Generates N result rows (default 100,000) spread over 4 machines, 10 kernels and 4 thread counts, each machine's
// CSV with a JSON sidecar holding every window's per-source energy and power timeline (20 samples per source, as a
// 2 s window sampled every 100 ms gives), then times load + aggregate + charts + write of the HTML report.
// Usage: npm run build && node scripts/bench-report.js [--rows 100000] [--no-sidecar] [--indented] [--keep]
// Prints one line per measurement; exits 1 when the report takes 5 s or more (the target of the issue).

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../dist/src/stats/prng.js';

const KERNELS = [
  ['matmul-f64', 'GFLOP', 2.1],
  ['nbody', 'Msteps', 9.5],
  ['spectral-norm', 'Mmul', 310],
  ['mandelbrot', 'Mpixel', 42],
  ['fannkuch-redux', 'Mperm', 5.2],
  ['sha256', 'MB', 1300],
  ['deflate', 'MB', 38],
  ['json', 'MB', 40],
  ['regex', 'MB', 95],
  ['sort-typed', 'Melements', 21],
];
const THREADS = [1, 2, 4, 8];
const MACHINES = [
  { name: 'bench-x86', quality: 'measured', speed: 1, idleW: 30, perThreadW: 14, sources: ['rapl:package-0|cpu-package|counter|in', 'rapl:package-0:dram|dram|counter|in'] },
  { name: 'bench-arm', quality: 'measured', speed: 0.8, idleW: 12, perThreadW: 5, sources: ['hwmon:cpu|cpu-package|gauge|in'] },
  { name: 'bench-gpu', quality: 'measured', speed: 1.2, idleW: 90, perThreadW: 16, sources: ['meter:plug|system-wall|gauge|in', 'nvidia:0|gpu|gauge|out'] },
  { name: 'bench-vm', quality: 'estimated', speed: 0.7, idleW: 20, perThreadW: 9, sources: ['estimate:cpu|cpu-package|counter|in'] },
];

const r9 = (x) => Number(x.toPrecision(9));

/**
 * Writes `rows` result rows as one CSV per machine (with a JSON sidecar unless `sidecar` is false) into `dir` and
 * returns the CSV paths. `schema` is the compiled `src/results/schema.js` module (its COLUMNS and SCHEMA_VERSION),
 * `sidecarText` the compiled `src/results/sidecar-text.js` function that lays a sidecar out.
 */
export function generateResults(dir, { rows = 100_000, sidecar = true, seed = 7, schema, sidecarText, indented = false }) {
  const { COLUMNS, SCHEMA_VERSION } = schema;
  const rand = mulberry32(seed);
  const noise = (cv) => 1 + cv * (rand() + rand() + rand() - 1.5) * 2;
  const files = [];
  const perMachine = Math.ceil(rows / MACHINES.length);
  for (const [mi, m] of MACHINES.entries()) {
    const count = Math.min(perMachine, rows - mi * perMachine);
    if (count <= 0) break;
    const runId = `20260101T000000Z-bench${mi}`;
    const lines = [COLUMNS.join(',')];
    const windows = [];
    const configs = KERNELS.length * THREADS.length;
    for (let i = 0; i < count; i++) {
      const c = i % configs;
      const [kernel, unit, base] = KERNELS[Math.floor(c / THREADS.length)];
      const threads = THREADS[c % THREADS.length];
      const repetition = Math.floor(i / configs) + 1;
      const durationS = 2 * noise(0.01);
      const throughput = base * m.speed * Math.pow(threads, 0.85) * noise(0.03);
      const powerW = (m.idleW + m.perThreadW * threads) * noise(0.02);
      const energyJ = powerW * durationS;
      const work = throughput * durationS;
      const invalid = rand() < 0.005;
      const throttled = !invalid && rand() < 0.01;
      const warnings = [
        ...(m.quality === 'estimated' ? ['energy is ESTIMATED by model teads-tdp@1, not measured'] : []),
        ...(invalid ? ['checksum mismatch: expected 3f2a…, got 91bc…'] : []),
        ...(throttled ? [`CPU at ${Math.round(2100 * noise(0.02))} MHz, 25% below the 2800 MHz seen earlier: throttled?`] : []),
      ];
      const row = {
        schema_version: SCHEMA_VERSION,
        run_id: runId,
        started_at: new Date(Date.UTC(2026, 0, 1) + i * 2100).toISOString(),
        machine: m.name,
        benchmark: kernel,
        kind: 'kernel',
        threads,
        repetition,
        duration_s: r9(durationS),
        work: r9(work),
        work_unit: unit,
        throughput_per_s: r9(throughput),
        energy_j: r9(energyJ),
        power_w: r9(powerW),
        idle_power_w: m.idleW,
        net_energy_j: r9(energyJ - m.idleW * durationS),
        work_per_j: r9(work / energyJ),
        quality: m.quality,
        source: m.sources.filter((s) => s.endsWith('|in')).map((s) => s.split('|')[0]).join('+'),
        cpu_util_pct: r9(Math.min(100, (threads / 8) * 100 * noise(0.02))),
        checksum: invalid ? 'bad' : `${kernel}-ok`,
        valid: !invalid,
        version: 1,
        steal_pct: '',
        process_cpu_s: r9(durationS * threads),
        freq_mhz: throttled ? 2100 : 2800,
        temp_c: '',
        exit_code: '',
        warnings: warnings.join('; '),
      };
      lines.push(COLUMNS.map((col) => (row[col] === null || row[col] === undefined ? '' : String(row[col]))).map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','));
      if (sidecar) {
        const added = m.sources.filter((s) => s.endsWith('|in')).length;
        const sources = m.sources.map((spec) => {
          const [id, scope, kind, role] = spec.split('|');
          // Sources in the total share the power; one outside it (a GPU under a wall meter) draws a part of it.
          const w = powerW * (role === 'in' ? 1 / added : 0.4);
          const series = [];
          for (let k = 0; k < 20; k++) series.push([r9((k + 0.5) * 0.1), Number((w * noise(0.03)).toPrecision(4))]);
          return { id, kind, scope, quality: m.quality, energyJ: w * durationS, powerW: w, value: null, spanS: durationS, samples: 21, reason: null, warnings: [], series, inTotal: role === 'in' };
        });
        windows.push({
          startedAt: row.started_at, durationS, energyJ, powerW, quality: m.quality, source: row.source, cpuUtilPct: row.cpu_util_pct, stealPct: null, processCpuS: row.process_cpu_s,
          freqMhz: row.freq_mhz, tempC: null, sources, warnings, benchmark: kernel, kind: 'kernel', threads, repetition, work, workUnit: unit, version: '1', checksum: row.checksum,
          exitCode: null, signal: null, idlePowerW: m.idleW, valid: !invalid,
        });
      }
    }
    const csv = join(dir, `${m.name}.csv`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    if (sidecar) {
      const doc = {
        schemaVersion: SCHEMA_VERSION, runId, machine: m.name, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-02T00:00:00.000Z', complete: true,
        harness: { name: 'wattbench', version: '0.1.0' }, node: process.version,
        fingerprint: { hostname: m.name, cpu: { manufacturer: 'Generic', brand: `${m.name} CPU`, logicalCores: 8, physicalCores: 8, baseSpeedGhz: 2.8 }, memoryBytes: 34359738368, os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' }, virtual: m.quality === 'estimated', virtualHost: null, system: null, governor: 'performance', node: process.version },
        sources: m.sources.map((spec) => { const [id, scope, kind] = spec.split('|'); return { id, kind, scope, quality: m.quality, state: 'ok', reason: null, fix: null, description: `${id} (generated)` }; }),
        totalRule: { ids: m.sources.filter((s) => s.endsWith('|in')).map((s) => s.split('|')[0]), quality: m.quality, description: `${m.sources.filter((s) => s.endsWith('|in')).map((s) => s.split('|')[0]).join(' + ')} (generated)` },
        settings: { kernels: KERNELS.map((k) => k[0]), threads: THREADS, durationS: 2, intervalMs: 100 },
        windows,
      };
      // Laid out as wattbench writes sidecars (or indented throughout, as wattbench 0.1.0 wrote them, with --indented).
      writeFileSync(join(dir, `${m.name}.json`), indented ? `${JSON.stringify(doc, null, 2)}\n` : sidecarText(doc));
    }
    files.push(csv);
  }
  return files;
}

async function main() {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '100000' }, 'no-sidecar': { type: 'boolean', default: false }, indented: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } },
  });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a whole number >= 1');
  const dist = new URL('../dist/src/', import.meta.url);
  const schema = await import(new URL('results/schema.js', dist).href);
  const { writeReport } = await import(new URL('report/index.js', dist).href);
  const { sidecarText } = await import(new URL('results/sidecar-text.js', dist).href);
  const dir = mkdtempSync(join(tmpdir(), 'wb-bench-report-'));
  try {
    const sidecar = !values['no-sidecar'];
    const files = generateResults(dir, { rows, sidecar, schema, sidecarText, indented: values.indented });
    const inputBytes = files.reduce((n, f) => n + statSync(f).size + (sidecar ? statSync(f.replace(/\.csv$/, '.json')).size : 0), 0);
    const out = join(dir, 'report.html');
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const written = await writeReport(files, { out, markdown: join(dir, 'report.md'), title: `bench-report: ${rows} rows` });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const drawn = written.report.charts.filter((c) => c.svg !== null).length;
    console.log(`rows: ${rows} in ${files.length} files (${(inputBytes / 1048576).toFixed(1)} MiB${sidecar ? ` with ${values.indented ? 'indented ' : ''}sidecars` : ', no sidecars'})`);
    console.log(`report: ${seconds.toFixed(2)} s wall (${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU, all threads; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs), ${written.htmlBytes} bytes HTML (${(written.htmlBytes / 1024).toFixed(0)} KiB), ${drawn}/${written.report.charts.length} charts, ${statSync(join(dir, 'report.md')).size} bytes Markdown`);
    console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
    if (values.keep) console.log(`kept: ${dir}`);
    if (seconds >= 5) {
      console.log('SLOW: the target is under 5 s');
      process.exitCode = 1;
    }
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
export const SCRIPT = fileURLToPath(import.meta.url);
