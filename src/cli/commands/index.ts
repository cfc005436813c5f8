import type { RegisterCommand } from './command.js';
import { registerAb } from './ab.js';
import { registerCheck } from './check.js';
import { registerCompare } from './compare.js';
import { registerList } from './list.js';
import { registerMeasure } from './measure.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerSources } from './sources.js';

/** Every command of the CLI, in the order `wattbench --help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [registerSources, registerMeasure, registerList, registerRun, registerCompare, registerCheck, registerAb, registerReport];
