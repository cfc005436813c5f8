/** wattbench's public library API (re-exports only). */
export { measure, type MeasureOptions } from './runner/api.js';
export { measureCommand, type CommandOptions } from './runner/command.js';
export { measureFunction } from './runner/function.js';
export { Session, selectSources, newRunId, machineName, type SessionOptions } from './runner/session.js';
export type { RunResult, Window } from './runner/types.js';
export { discoverSources, sourceContext, type DiscoverOptions } from './sources/discover.js';
export type { Probe, Source, SourceInfo, SourceKind, Scope, Quality, ProbeState, CpuTimes, ReadResult, FileReader } from './sources/types.js';
export { chooseModel, teadsModel, linearModel, type PowerModel, type EstimateOptions } from './sources/estimate-model.js';
export { Sampler, type SampleRecord, type Mark, type SamplerOptions } from './sampler/sampler.js';
export { WindowMeter, type Measurement } from './sampler/window.js';
export { counterDelta, type CounterDelta } from './sampler/counter.js';
export { totalRule, type TotalRule } from './sampler/total.js';
export type { SourceWindow } from './sampler/integrate.js';
export { writeRun, sidecar } from './results/write.js';
export { COLUMNS, SOURCE_COLUMNS, SCHEMA_VERSION, windowToRow } from './results/schema.js';
export { collectFingerprint, type Fingerprint } from './results/fingerprint.js';
export { UsageError } from './errors.js';
