import type { Clock } from '../../clock.js';
import { parseNpuAicore, parseNpuPower, parseNpuSmiInfo, type NpuChipRow, type NpuChipValue } from './npu-smi-parse.js';
import { SharedPoller } from '../io/poller.js';
import { firstLine, runTool, type ToolResult } from '../io/tool.js';
import type { GaugeSource, Probe, ProbeState, ReadResult, SourceContext, SourceInfo, UtilizationSource } from '../types.js';

/**
 * Huawei Ascend NPUs through `npu-smi` (power-interfaces.md §7): power per card or chip (W) and AI Core busy %.
 *
 * npu-smi cannot stream, so one background poller runs one command at a time. When `npu-smi info` shows Power(W) for
 * every chip (910B, A3, most 310P hosts) the poller runs only that command: one spawn per period gives every chip's
 * power and AICore(%), where `-t power` would take one spawn per chip (16 on an A3 host) and stretch each cycle to
 * seconds. Cards whose table shows `NA` fall back to `npu-smi info -t power -i N` (and `-t usages -i N` when AICore is
 * missing), polled in the same cycle.
 *
 * Counting rule (never twice, never zero): on Atlas A3 / 910C the table lists two chips per NPU and shows Power `-`
 * on the second, because npu-smi reports one power per module, on its first chip. The chip with a number is the
 * module's gauge; a chip showing `-` or `NA` beside it gets no gauge and an `absent` probe naming the gauge it is
 * counted in. A card whose chips all lack power is asked once for the card (`-t power -i N`, no `-c`), so a
 * board-level figure is never added once per chip.
 */

/** Options for probing npu-smi. */
export interface NpuOptions {
  /** Kill an npu-smi call after this many ms (default 2500, at most 5000). */
  timeoutMs?: number;
  /** Time and timers of the background poll (default the system clock). */
  clock?: Clock;
}

const TOOL = 'npu-smi';
const DEFAULT_TIMEOUT_MS = 2500;
const MAX_TIMEOUT_MS = 5000;
const MIN_PERIOD_MS = 1000;

/** The persistent fix when npu-smi cannot open the devices. */
export const NPU_PERMISSION_FIX =
  'run wattbench as root, or add the user to the HwHiAiUser group: sudo usermod -aG HwHiAiUser $USER (then log in again)';

type Field = 'power' | 'aicore';

/** Where one source's value comes from in a poll cycle. */
interface Target {
  id: string;
  field: Field;
  npuId: number;
  /** The chip to look up, or null for the card's single value. */
  chipId: number | null;
}

/** One command of the poll cycle and the values it feeds. */
interface Job {
  kind: 'summary' | 'power' | 'usages';
  args: string[];
  targets: Target[];
}

/** One poll cycle's values by source id, and why the missing ones are missing. */
interface Snapshot {
  values: Map<string, number>;
  reasons: Map<string, string>;
}

/** Replaces control characters and undecodable bytes so a garbage line stays one readable line. */
function printable(text: string, pattern?: RegExp): string {
  const line = (pattern && text.split('\n').find((l) => pattern.test(l))) || text;
  // eslint-disable-next-line no-control-regex
  return firstLine(line).replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
}

const PERMISSION_TEXT = /permission denied|operation not permitted|EACCES|no permission/i;

function toolFailure(args: string[], r: ToolResult): string {
  if (!r.ok) return r.reason;
  const what = printable(r.stderr) || printable(r.stdout) || 'no output';
  return `${TOOL} ${args.join(' ')} failed (${r.signal ?? `exit ${r.code}`}): ${what}`;
}

/** The value for a target among per-chip values: the chip's block, or the card's only value. */
function valueFor(values: NpuChipValue[], chipId: number | null): NpuChipValue | undefined {
  if (chipId === null) return values.find((v) => v.chipId === null) ?? (values.length === 1 ? values[0] : undefined);
  return values.find((v) => v.chipId === chipId);
}

function fill(snapshot: Snapshot, target: Target, found: { value: number | null; text: string } | undefined, what: string): void {
  if (found && found.value !== null) snapshot.values.set(target.id, found.value);
  else if (found) snapshot.reasons.set(target.id, `${what} is ${JSON.stringify(found.text)}`);
  else snapshot.reasons.set(target.id, `${what} is missing from ${TOOL}'s output`);
}

/** Runs one job and stores its targets' values or reasons; returns whether npu-smi gave a readable answer. */
async function runJob(job: Job, ctx: SourceContext, timeoutMs: number, snapshot: Snapshot): Promise<boolean> {
  const r = await runTool(TOOL, job.args, { timeoutMs, env: ctx.env });
  if (!r.ok || (r.code !== 0 && r.stdout.trim() === '')) {
    for (const t of job.targets) snapshot.reasons.set(t.id, toolFailure(job.args, r));
    return false;
  }
  if (job.kind === 'summary') {
    const table = parseNpuSmiInfo(r.stdout);
    for (const t of job.targets) {
      const chip = table?.chips.find((c) => c.npuId === t.npuId && c.chipId === t.chipId);
      const what = `NPU ${t.npuId} chip ${t.chipId} ${t.field === 'power' ? 'Power(W)' : 'AICore(%)'}`;
      if (!table) snapshot.reasons.set(t.id, `${TOOL} info printed no NPU table: ${printable(r.stdout) || 'no output'}`);
      else if (!chip) snapshot.reasons.set(t.id, `${TOOL} info no longer lists NPU ${t.npuId} chip ${t.chipId}`);
      else fill(snapshot, t, t.field === 'power' ? { value: chip.powerW, text: chip.powerText } : { value: chip.aicorePct, text: chip.aicoreText }, what);
    }
    return table !== null;
  }
  const values = job.kind === 'power' ? parseNpuPower(r.stdout) : parseNpuAicore(r.stdout);
  for (const t of job.targets) {
    const found = valueFor(values, t.chipId);
    const key = found?.key ?? (t.field === 'power' ? 'power' : 'Aicore Usage Rate(%)');
    fill(snapshot, t, found, `${TOOL} ${job.args.join(' ')}${t.chipId === null ? '' : ` chip ${t.chipId}`} ${key}`);
  }
  return values.length > 0;
}

function polledSource(info: SourceInfo, shared: SharedPoller<Snapshot>): GaugeSource | UtilizationSource {
  const holder = shared.holder();
  const methods = {
    async read(): Promise<ReadResult<number>> {
      if (!holder.held) return { ok: false, reason: `${info.id} is not started (its npu-smi poller runs only while measuring)` };
      const latest = shared.latest();
      if (!latest.ok) return latest;
      const value = latest.value.values.get(info.id);
      if (value === undefined) return { ok: false, reason: latest.value.reasons.get(info.id) ?? `${TOOL} gave no value for ${info.id}` };
      return { ok: true, value, atS: latest.atS };
    },
    start: holder.start,
    close: holder.close,
  };
  return info.kind === 'utilization' ? { info: { ...info, kind: 'utilization' }, ...methods } : { info: { ...info, kind: 'gauge' }, ...methods };
}

function unusable(
  id: string,
  kind: 'gauge' | 'utilization',
  description: string,
  state: Exclude<ProbeState, 'ok'>,
  reason: string,
  fix: string | null = null,
): Probe {
  return { info: { id, kind, scope: 'npu', quality: 'measured', description }, state, reason, fix };
}

/** Everything the probe decides, before sources are built. */
interface Plan {
  summaryTargets: Target[];
  cardJobs: Job[];
  /** Probes in output order; `ok` entries get their source once the poller exists. */
  entries: Array<{ probe: Probe; target?: Target }>;
}

/** Probes Ascend NPUs with `npu-smi info`: one power gauge per card or chip and one AI Core utilization per chip. */
export async function probeNpu(ctx: SourceContext, options: NpuOptions = {}): Promise<Probe[]> {
  const timeoutMs = Math.min(Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS), MAX_TIMEOUT_MS);
  const run = (args: string[]): Promise<ToolResult> => runTool(TOOL, args, { timeoutMs, env: ctx.env });
  const whole = (state: Exclude<ProbeState, 'ok'>, reason: string, fix: string | null = null): Probe[] => [
    unusable('npu', 'gauge', `Ascend NPU power (W) from ${TOOL} info`, state, reason, fix),
  ];

  const summary = await run(['info']);
  if (!summary.ok) {
    return whole(summary.state, summary.state === 'absent' ? `${summary.reason} (no Ascend NPU driver installed)` : summary.reason);
  }
  const table = parseNpuSmiInfo(summary.stdout);
  if (!table) {
    const all = `${summary.stderr}\n${summary.stdout}`;
    if (PERMISSION_TEXT.test(all)) {
      return whole('permission', `${TOOL} info cannot open the NPU devices: ${printable(all, PERMISSION_TEXT)}`, NPU_PERMISSION_FIX);
    }
    if (summary.code !== 0) return whole('error', toolFailure(['info'], summary));
    return whole('error', `${TOOL} info printed no NPU table: ${printable(summary.stdout) || 'no output'}`);
  }

  const plan: Plan = { summaryTargets: [], cardJobs: [], entries: [] };
  const cards = new Map<number, NpuChipRow[]>();
  for (const chip of table.chips) cards.set(chip.npuId, [...(cards.get(chip.npuId) ?? []), chip]);
  for (const [npuId, chips] of cards) {
    await planPower(plan, npuId, chips, run, table.version);
    await planAicore(plan, npuId, chips, run, table.version);
  }

  const periodMs = Math.max(MIN_PERIOD_MS, ctx.intervalMs);
  const jobs: Job[] = [...(plan.summaryTargets.length ? [{ kind: 'summary' as const, args: ['info'], targets: plan.summaryTargets }] : []), ...plan.cardJobs];
  // A value is stale only once a whole cycle of slow but answering calls, and the wait after it, has passed.
  const staleAfterS = Math.max(3 * periodMs, jobs.length * timeoutMs + 2 * periodMs) / 1000;
  // Shared by every source of the probe: the first start() starts polling, the last close() stops it.
  const shared = new SharedPoller<Snapshot>(async () => {
    const snapshot: Snapshot = { values: new Map(), reasons: new Map() };
    let answered = false;
    // One command at a time: npu-smi serialises on the driver anyway, and parallel calls only queue behind each other.
    for (const job of jobs) answered = (await runJob(job, ctx, timeoutMs, snapshot)) || answered;
    // A readable answer (even "NA") replaces the values at once; a tool that failed outright leaves the last good
    // values in place until the poller calls them stale.
    if (answered) return { ok: true, value: snapshot };
    return { ok: false, reason: snapshot.reasons.values().next().value ?? `${TOOL} gave no values` };
  }, { periodMs, staleAfterS, ...(options.clock ? { clock: options.clock } : {}) }, `not started: ${TOOL} is polled only while measuring`);
  const periodS = periodMs / 1000;
  return plan.entries.map(({ probe, target }) => {
    if (probe.state !== 'ok' || !target) return probe;
    probe.info.minIntervalS = periodS;
    probe.info.description += ` every ${periodS} s`;
    if (probe.info.kind === 'gauge') probe.info.updatePeriodS = periodS;
    probe.source = polledSource(probe.info, shared);
    return probe;
  });
}

function chipLabel(chips: NpuChipRow[], chip: NpuChipRow): string {
  return chips.length > 1 ? `npu:${chip.npuId}:${chip.chipId}` : `npu:${chip.npuId}`;
}

function nameOf(chip: NpuChipRow): string {
  const name = chip.name || 'Ascend';
  return /^ascend/i.test(name) ? name : `Ascend ${name}`;
}

function healthNote(chip: NpuChipRow): string | null {
  return chip.health && chip.health !== 'OK' ? `health ${chip.health}` : null;
}

/** Adds a usable source to the plan, fed by `target` in the poll cycle. */
function addOk(plan: Plan, target: Target, kind: 'gauge' | 'utilization', description: string, notes: Array<string | null> = []): void {
  const reason = notes.filter((n): n is string => n !== null).join('; ') || null;
  const info: SourceInfo = { id: target.id, kind, scope: 'npu', quality: 'measured', description };
  plan.entries.push({ probe: { info, state: 'ok', reason, fix: null }, target });
}

/** Adds an unusable source to the plan. */
function addUnusable(plan: Plan, id: string, kind: 'gauge' | 'utilization', description: string, state: Exclude<ProbeState, 'ok'>, reason: string): void {
  plan.entries.push({ probe: unusable(id, kind, description, state, reason) });
}

function countedHere(silent: NpuChipRow[]): string {
  const many = silent.length > 1;
  const ids = silent.map((c) => c.chipId).join(' and ');
  return many ? `chips ${ids} show no power of their own and are counted here` : `chip ${ids} shows no power of its own and is counted here`;
}

type Run = (args: string[]) => Promise<ToolResult>;

/** Plans the power gauges of one card: from the table when any chip shows power, else from `-t power -i N`. */
async function planPower(plan: Plan, npuId: number, chips: NpuChipRow[], run: Run, version: string | null): Promise<void> {
  const multi = chips.length > 1;
  const first = chips[0] as NpuChipRow;
  const reported = chips.filter((c) => c.powerW !== null);
  if (reported.length > 0) {
    const covering = reported[0] as NpuChipRow;
    const silent = chips.filter((c) => c.powerW === null);
    for (const chip of chips) {
      const id = chipLabel(chips, chip);
      const where = `${nameOf(chip)} NPU ${npuId}${multi ? ` chip ${chip.chipId}` : ''}`;
      if (chip.powerW === null) {
        const reason =
          `NPU ${npuId} chip ${chip.chipId} shows Power(W) ${JSON.stringify(chip.powerText)}: npu-smi reports one power per module, ` +
          `on chip ${covering.chipId}, so this chip is counted in ${chipLabel(chips, covering)} (not added again)`;
        addUnusable(plan, id, 'gauge', `${where} power (W) from ${TOOL} info`, 'absent', reason);
        continue;
      }
      const module = chip === covering && silent.length > 0;
      const covers = module ? ` of the whole module (chips ${chips.map((c) => c.chipId).join(' and ')})` : '';
      const description =
        `${where} power${covers}: W, real-time, "Power(W)" column of \`${TOOL} info\`${version ? ` (npu-smi ${version})` : ''}, polled`;
      const target: Target = { id, field: 'power', npuId, chipId: chip.chipId };
      plan.summaryTargets.push(target);
      addOk(plan, target, 'gauge', description, [healthNote(chip), module ? countedHere(silent) : null]);
    }
    return;
  }

  // No chip of this card shows power in the table (vNPU, containers, some 310P): ask the card once, without -c.
  const args = ['info', '-t', 'power', '-i', String(npuId)];
  const asked = `\`${TOOL} ${args.join(' ')}\``;
  const r = await run(args);
  const values = r.ok ? parseNpuPower(r.stdout) : [];
  const tableNote = `Power(W) is ${JSON.stringify(first.powerText)} in \`${TOOL} info\``;
  const askedNote = `${tableNote}, so the card is asked directly`;
  const why = (found: NpuChipValue | undefined): string =>
    found ? `${asked} gave ${found.key} ${JSON.stringify(found.text)}` : r.ok && r.code === 0 ? `${asked} printed no power` : toolFailure(args, r);
  const noPower = (what: string, found: NpuChipValue | undefined): string =>
    `${what} reports no power: ${tableNote} and ${why(found)} (usual for a vNPU or inside a container)`;
  const job: Job = { kind: 'power', args, targets: [] };
  const cardValue = valueFor(values, null);
  if (!multi || (cardValue && values.length === 1)) {
    // One value for the card: a single-chip card, or a board-level figure that covers every chip of a multi-chip card.
    const id = `npu:${npuId}`;
    if (!cardValue || cardValue.value === null) {
      addUnusable(plan, id, 'gauge', `${nameOf(first)} NPU ${npuId} power (W) from ${TOOL}`, 'error', noPower(`NPU ${npuId}`, cardValue));
      return;
    }
    const target: Target = { id, field: 'power', npuId, chipId: null };
    job.targets.push(target);
    const description = `${nameOf(first)} NPU ${npuId} power${multi ? ' of the whole card' : ''}: W, "${cardValue.key}" of ${asked}, polled`;
    addOk(plan, target, 'gauge', description, [askedNote, healthNote(first)]);
    plan.cardJobs.push(job);
    return;
  }
  const counted = chips.find((c) => (valueFor(values, c.chipId)?.value ?? null) !== null);
  for (const chip of chips) {
    const id = chipLabel(chips, chip);
    const where = `${nameOf(chip)} NPU ${npuId} chip ${chip.chipId}`;
    const found = valueFor(values, chip.chipId);
    if (!found || found.value === null) {
      if (counted) {
        const reason = `NPU ${npuId} chip ${chip.chipId}: ${why(found)}; the module's power is counted in ${chipLabel(chips, counted)}`;
        addUnusable(plan, id, 'gauge', `${where} power (W) from ${TOOL}`, 'absent', reason);
      } else addUnusable(plan, id, 'gauge', `${where} power (W) from ${TOOL}`, 'error', noPower(`NPU ${npuId} chip ${chip.chipId}`, found));
      continue;
    }
    const target: Target = { id, field: 'power', npuId, chipId: chip.chipId };
    job.targets.push(target);
    addOk(plan, target, 'gauge', `${where} power: W, "${found.key}" of ${asked}, polled`, [askedNote, healthNote(chip)]);
  }
  if (job.targets.length) plan.cardJobs.push(job);
}

/** Plans the AI Core utilization of each chip of one card: from the table, else from `-t usages -i N`. */
async function planAicore(plan: Plan, npuId: number, chips: NpuChipRow[], run: Run, version: string | null): Promise<void> {
  const args = ['info', '-t', 'usages', '-i', String(npuId)];
  const asked = `\`${TOOL} ${args.join(' ')}\``;
  let usages: { values: NpuChipValue[]; failure: string | null } | null = null;
  const job: Job = { kind: 'usages', args, targets: [] };
  for (const chip of chips) {
    const id = `${chipLabel(chips, chip)}:aicore`;
    const where = `${nameOf(chip)} NPU ${npuId}${chips.length > 1 ? ` chip ${chip.chipId}` : ''}`;
    if (chip.aicorePct !== null) {
      const target: Target = { id, field: 'aicore', npuId, chipId: chip.chipId };
      plan.summaryTargets.push(target);
      addOk(plan, target, 'utilization', `${where} AI Core busy %: "AICore(%)" column of \`${TOOL} info\`${version ? ` (npu-smi ${version})` : ''}, polled`);
      continue;
    }
    if (!usages) {
      const r = await run(args);
      const values = r.ok ? parseNpuAicore(r.stdout) : [];
      usages = { values, failure: values.length === 0 && !(r.ok && r.code === 0) ? toolFailure(args, r) : null };
    }
    const found = chips.length > 1 ? usages.values.find((v) => v.chipId === chip.chipId) : valueFor(usages.values, null);
    if (!found || found.value === null) {
      const why = found ? `${asked} gave ${found.key} ${JSON.stringify(found.text)}` : (usages.failure ?? `${asked} printed no Aicore Usage Rate(%)`);
      const reason = `${where}: AICore(%) is ${JSON.stringify(chip.aicoreText)} in \`${TOOL} info\` and ${why}`;
      addUnusable(plan, id, 'utilization', `${where} AI Core busy % from ${TOOL}`, 'error', reason);
      continue;
    }
    const target: Target = { id, field: 'aicore', npuId, chipId: chips.length > 1 ? chip.chipId : null };
    job.targets.push(target);
    addOk(plan, target, 'utilization', `${where} AI Core busy %: "${found.key}" of ${asked}, polled`);
  }
  if (job.targets.length) plan.cardJobs.push(job);
}
