#!/usr/bin/env node
// Start-up time of the CLI against a bare `node -e 0`, measured by hyperfine: `--version`, `list` and `sources` should
// stay within 2x. Prints each command's median wall time and CPU time and their ratios to bare node; exits 2 when
// hyperfine is missing.
// Usage: npm run bench:startup [-- --runs 30]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' }, warmup: { type: 'string', default: '5' } } });
const probe = spawnSync('hyperfine', ['--version'], { encoding: 'utf8', timeout: 10_000 });
if (probe.error || probe.status !== 0) {
  process.stderr.write('bench-startup: hyperfine is not installed (Debian/Ubuntu: apt-get install -y hyperfine; or https://github.com/sharkdp/hyperfine)\n');
  process.exit(2);
}

const bin = fileURLToPath(new URL('../bin/wattbench.js', import.meta.url));
const node = process.execPath;
// The launcher's shebang adds --no-memory-reducer; the commands below run it the same way, without a shell (-N).
const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const cli = (args) => `${quote(node)} --no-memory-reducer ${quote(bin)} ${args}`;
const commands = [
  { name: 'node -e 0', command: `${quote(node)} -e 0` },
  { name: 'wattbench --version', command: cli('--version') },
  { name: 'wattbench list', command: cli('list') },
  { name: 'wattbench sources', command: cli('sources') },
];

const dir = mkdtempSync(join(tmpdir(), 'wattbench-startup-'));
try {
  const json = join(dir, 'hyperfine.json');
  execFileSync('hyperfine', ['-N', '--style', 'none', '--warmup', values.warmup, '--runs', values.runs, '--export-json', json, ...commands.map((c) => c.command)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 600_000,
  });
  const { results } = JSON.parse(readFileSync(json, 'utf8'));
  const ms = (s) => (s * 1000).toFixed(1);
  const bare = results[0];
  const cpu = (r) => r.user + r.system;
  // CPU time (user + system) is shown too: on a busy machine it varies less than wall time.
  console.log(`wattbench start-up (hyperfine, ${values.runs} runs each; node ${process.version})`);
  console.log(`${'command'.padEnd(22)}${'median ms'.padStart(10)}${'x bare'.padStart(8)}${'CPU ms'.padStart(9)}${'x bare'.padStart(8)}`);
  let over = false;
  results.forEach((r, i) => {
    const ratio = r.median / bare.median;
    if (i > 0 && ratio > 2) over = true;
    console.log(
      `${commands[i].name.padEnd(22)}${ms(r.median).padStart(10)}${ratio.toFixed(2).padStart(8)}${ms(cpu(r)).padStart(9)}${(cpu(r) / cpu(bare)).toFixed(2).padStart(8)}`,
    );
  });
  console.log(over ? 'goal (within 2x bare node): NOT met for every command' : 'goal (within 2x bare node): met');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
