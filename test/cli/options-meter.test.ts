import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addSourceOptions } from '../../src/cli/options.js';
import { sessionOptions } from '../../src/cli/session-options.js';
import { UsageError } from '../../src/errors.js';
import { METERS } from '../../src/sources/meters/registry.js';

describe('--meter', () => {
  const flags = { sysfs: '/sys', procfs: '/proc' };

  it('hands every meter, BMCs included, to the session in one list in the order given', () => {
    const options = sessionOptions({ ...flags, meter: ['redfish-insecure= https://10.0.0.9', 'shelly=192.168.1.20', "command=read-watts --port '/dev/tty USB0'"] });
    expect(options.meters).toEqual([
      { type: 'redfish', url: 'https://10.0.0.9', insecure: true },
      { type: 'shelly', url: 'http://192.168.1.20' },
      { type: 'command', argv: ['read-watts', '--port', '/dev/tty USB0'] },
    ]);
    expect(options).not.toHaveProperty('redfish');
    expect(sessionOptions(flags)).not.toHaveProperty('meters');
  });

  it('is a usage error (exit 2) with the one-line message of the bad value', () => {
    expect(() => sessionOptions({ ...flags, meter: ['shelly=1.2.3.4', 'redfish='] })).toThrow(UsageError);
    expect(() => sessionOptions({ ...flags, meter: ['redfish='] })).toThrow(/^--meter redfish: no address given/);
    expect(() => sessionOptions({ ...flags, meter: ['nonsense'] })).toThrow(/^--meter: no "=" in the value; expected TYPE=TARGET/);
  });

  it('names every meter type in its help', () => {
    const help = addSourceOptions(new Command('x')).helpInformation().replace(/\s+/g, ' ');
    for (const m of METERS) expect(help).toContain(`${m.type}=`);
    expect(help).toContain('redfish-insecure=');
  });
});
