import type { Command } from 'commander';
import type { Io } from '../io.js';
import type { ReportFlags } from '../report.js';
import type { CommandContext } from './command.js';

/** `wattbench report <file.csv...> --out report.html [--markdown FILE.md] [--title T]`. */
export function registerReport(program: Command, { io, setCode }: CommandContext): void {
  program
    .command('report')
    .description('write one self-contained HTML report (charts, machines, warnings) from results files; works offline')
    .argument('<file.csv...>', 'results files; the .json sidecar beside each is read when present (power timeline, energy split, fingerprint)')
    .requiredOption('--out <report.html>', 'the HTML file to write (an earlier report there is replaced)')
    .option('--markdown <file.md>', 'also write a Markdown summary, e.g. for a pull-request comment')
    .option('--title <text>', 'title of the report (default "wattbench report")')
    .action(async (files: string[], flags: ReportFlags) => {
      const { reportAction } = await import('../report.js');
      setCode(await reportAction(files, flags, io));
    });
}

/** The same with the older signature (kept for callers that build their own program). */
export function registerReportCommand(program: Command, io: Io, setCode: (code: number) => void): void {
  registerReport(program, { io, setCode });
}
