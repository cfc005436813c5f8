import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../../src/sources/meters/split-command.js';

describe('splitCommand', () => {
  it.each([
    ['read-watts', ['read-watts']],
    ['  read-watts   --port  /dev/ttyUSB0 ', ['read-watts', '--port', '/dev/ttyUSB0']],
    ["meter --label 'a b  c'", ['meter', '--label', 'a b  c']],
    ['meter --label "a b"', ['meter', '--label', 'a b']],
    [`meter 'it'"'"'s'`, ['meter', "it's"]],
    ['meter "say \\"hi\\" \\\\ \\$HOME \\`x\\`"', ['meter', 'say "hi" \\ $HOME `x`']],
    ['meter "a\\nb"', ['meter', 'a\\nb']],
    ['meter a\\ b c\\|d', ['meter', 'a b', 'c|d']],
    ["meter '' \"\"", ['meter', '', '']],
    ["meter '$HOME|*;&'", ['meter', '$HOME|*;&']],
    ['meter pre"mid"\'post\'', ['meter', 'premidpost']],
    ['meter a#b x~y --n=3', ['meter', 'a#b', 'x~y', '--n=3']],
    ['meter one\\\ntwo', ['meter', 'onetwo']],
    ['/opt/My\\ Meter/bin/read --json', ['/opt/My Meter/bin/read', '--json']],
    ['meter\ttab', ['meter', 'tab']],
  ])('splits %j', (text, argv) => {
    expect(splitCommand(text)).toEqual(argv);
  });

  it.each([
    ["meter 'open", /unterminated ' quote at character 7/],
    ['meter "open', /unterminated " quote/],
    ['meter \\', /lone backslash/],
    ['meter | tee log', /"\|" needs a shell/],
    ['meter > out', /">" needs a shell/],
    ['meter; rm -rf /', /";" needs a shell/],
    ['meter && x', /"&" needs a shell/],
    ['meter $PORT', /"\$" needs a shell/],
    ['meter `id`', /"`" needs a shell/],
    ['meter $(id)', /"\$" needs a shell/],
    ['meter "$PORT"', /\$ inside double quotes needs a shell/],
    ['meter "`id`"', /` inside double quotes needs a shell/],
    ['meter *.log', /pattern character "\*"/],
    ['meter file?', /pattern character "\?"/],
    ['meter {a,b}', /pattern character "\{"/],
    ['meter ~/x', /home directory expansion/],
    ['meter # comment', /a comment/],
    ['PORT=1 meter', /VAR=value assignment/],
    ['meter a\0b', /NUL/],
    ['', /no command given/],
    ['   ', /no command given/],
    ["'' meter", /no command given/],
  ])('refuses %j', (text, error) => {
    const r = splitCommand(text);
    expect(r).toHaveProperty('error');
    expect((r as { error: string }).error).toMatch(error);
    expect((r as { error: string }).error).not.toContain('\n');
  });

  it('never throws on random input', () => {
    let seed = 7;
    const chars = ` \t\n'"\\|&;<>()$\`*?[{~#=ab01\0é`;
    for (let n = 0; n < 2000; n++) {
      let text = '';
      const length = (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 24;
      for (let i = 0; i < length; i++) text += chars[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % chars.length];
      const r = splitCommand(text);
      expect(Array.isArray(r) || typeof r.error === 'string').toBe(true);
    }
  });
});
