#!/usr/bin/env node
// Prints the CPU time wattbench spends while measuring `sleep N` (after its start-up), as % of one core.
// Usage: npm run bench:overhead [-- --seconds 10 --interval 100]
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, interval: { type: 'string', default: '100' } },
});
const seconds = Number(values.seconds);
const intervalMs = Number(values.interval);
const { Session, measureCommand } = await import('../dist/src/index.js');
const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));

const setups = [
  { name: 'this machine', options: {} },
  { name: 'fake Intel laptop tree (5 RAPL zones, cpufreq, thermal)', options: { sysfs: `${fixtures}sysfs/intel-laptop` } },
];

console.log(`wattbench sampler overhead while measuring \`sleep ${seconds}\` at --interval ${intervalMs} ms`);
for (const setup of setups) {
  const session = await Session.open({ ...setup.options, intervalMs });
  const sources = session.sampler.sources().map((s) => `${s.info.id}@${session.sampler.periodS(s.info.id)}s`);
  // Start-up includes compiling the measuring path once: a short warm-up window pays for it before we count.
  await measureCommand(session, ['sleep', '0.2']);
  const before = process.cpuUsage();
  const ticksBefore = session.sampler.ticks;
  const t0 = process.hrtime.bigint();
  // A second snapshot 1 s in separates the steady sampling cost from the one-off cost of spawning the command.
  let steady = null;
  const snap = setTimeout(() => {
    steady = { cpu: process.cpuUsage(), t: process.hrtime.bigint(), ticks: session.sampler.ticks };
  }, 1000);
  await measureCommand(session, ['sleep', String(seconds)]);
  clearTimeout(snap);
  const t1 = process.hrtime.bigint();
  const ticks = session.sampler.ticks - ticksBefore;
  const used = process.cpuUsage(before);
  const usedSteady = steady ? process.cpuUsage(steady.cpu) : null;
  await session.close();
  const wallS = Number(t1 - t0) / 1e9;
  const cpuS = (used.user + used.system) / 1e6;
  const pct = (cpuS / wallS) * 100;
  const line = [
    `${setup.name}: sources (read period) ${sources.join(', ')}`,
    `  whole window: CPU ${(cpuS * 1000).toFixed(1)} ms in ${wallS.toFixed(2)} s = ${pct.toFixed(3)}% of one core, ${ticks} timer wake-ups — goal < 0.5%: ${pct < 0.5 ? 'met' : 'NOT met'}`,
  ];
  if (steady && usedSteady) {
    const sS = Number(t1 - steady.t) / 1e9;
    const sCpu = (usedSteady.user + usedSteady.system) / 1e6;
    line.push(`  steady sampling (from 1 s in, spawn excluded): ${((sCpu / sS) * 100).toFixed(3)}% of one core, ${session.sampler.ticks - steady.ticks} wake-ups`);
  }
  console.log(line.join('\n'));
}
