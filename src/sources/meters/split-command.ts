/** Meter commands are written as one `--meter command='CMD ARGS'` text and run without a shell: splitting it into argv. */

/** Characters a shell would treat specially outside quotes: wattbench runs no shell, so it refuses them rather than guess. */
const SHELL_OPERATORS = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`']);
const GLOB = new Set(['*', '?', '[', '{']);
/** Characters a backslash escapes inside double quotes (POSIX); before any other character it stays literal. */
const DQ_ESCAPABLE = new Set(['"', '\\', '$', '`']);

/**
 * Splits a command line into argv the way a POSIX shell would for plain words, single quotes, double quotes and
 * backslash escapes; anything that needs a real shell (pipes, redirections, variables, globs, `~`, comments) is
 * refused with a one-line error, never run or half-interpreted.
 */
export function splitCommand(text: string): string[] | { error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  const needsShell = (what: string): { error: string } => ({
    error: `${what} needs a shell, and wattbench runs meter commands without one; put it in a script and give the script's path`,
  });
  // Checked once for the whole text: a NUL inside single quotes or after a backslash would otherwise reach argv.
  if (text.includes('\0')) return { error: 'the command contains a NUL character' };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) return { error: `unterminated ' quote at character ${i + 1}` };
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let closed = false;
      for (; j < text.length; j++) {
        const d = text[j] as string;
        if (d === '"') {
          closed = true;
          break;
        }
        if (d === '\\') {
          const e = text[j + 1];
          if (e === '\n') j += 1;
          else if (e !== undefined && DQ_ESCAPABLE.has(e)) {
            word += e;
            j += 1;
          } else word += d;
          continue;
        }
        if (d === '$' || d === '`') return needsShell(`${d} inside double quotes`);
        if (d === '\0') return { error: 'the command contains a NUL character' };
        word += d;
      }
      if (!closed) return { error: `unterminated " quote at character ${i + 1}` };
      inWord = true;
      i = j;
      continue;
    }
    if (c === '\\') {
      const e = text[i + 1];
      if (e === undefined) return { error: 'the command ends with a lone backslash' };
      i += 1;
      // Backslash-newline is a line continuation, as in a shell.
      if (e !== '\n') {
        word += e;
        inWord = true;
      }
      continue;
    }
    if (SHELL_OPERATORS.has(c)) return needsShell(JSON.stringify(c));
    if (GLOB.has(c)) return needsShell(`the pattern character ${JSON.stringify(c)} (quote it if it is meant literally)`);
    if (!inWord && (c === '~' || c === '#')) {
      return needsShell(c === '~' ? '"~" (home directory expansion; give the full path or quote it)' : '"#" (a comment; quote it if it is meant literally)');
    }
    word += c;
    inWord = true;
  }
  if (inWord) words.push(word);
  if (words.length === 0 || words[0] === '') return { error: `no command given (e.g. command='read-watts --port /dev/ttyUSB0')` };
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] as string)) return needsShell('a leading VAR=value assignment (use env VAR=value CMD)');
  return words;
}
