/**
 * The Chromium the report's browser test drives: Debian's /usr/bin/chromium where the machine has it, otherwise the
 * Linux headless shell that the npm package @sparticuz/chromium ships (brotli files inside the package, no install
 * script, no download). The npm one is unpacked once under node_modules/.cache with the NSS libraries and fonts the
 * package bundles, so a machine with nothing but Node and npm runs the test.
 */
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { brotliDecompress, createBrotliDecompress } from 'node:zlib';

/** The system's Chromium, used when it is present. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** A browser to launch: its executable, the environment it needs, and where it came from (for messages). */
export interface ChromiumBinary {
  executablePath: string;
  env: Record<string, string>;
  origin: string;
}

const inflate = promisify(brotliDecompress);

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Writes the regular files and folders of a ustar archive (all the package's archives hold) under `dir`. */
async function untar(archive: Buffer, dir: string): Promise<void> {
  let longName: string | null = null;
  for (let at = 0; at + 512 <= archive.length; ) {
    const header = archive.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, length: number): string => header.subarray(from, from + length).toString('utf8').replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const body = archive.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    longName = null;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (name.split('/').includes('..') || name.startsWith('/')) throw new Error(`unsafe path in archive: ${name}`);
    if (type === '5') await mkdir(join(dir, name), { recursive: true });
    else if (type === '0') {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), body, { mode: Number.parseInt(field(100, 8).trim() || '644', 8) & 0o777 });
    }
    // pax headers ('x', 'g') and links: the package's archives have none that matter
  }
}

/** Unpacks the package's Chromium, NSS libraries and fonts into `dir` (through a temporary folder, so never half). */
async function unpack(binDir: string, dir: string): Promise<void> {
  const temp = `${dir}.partial-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  await pipeline(createReadStream(join(binDir, 'chromium.br')), createBrotliDecompress(), createWriteStream(join(temp, 'chromium'), { mode: 0o755 }));
  // al2023.tar.br holds lib/libnss3.so and the rest of NSS: Chromium links them and a bare machine lacks them.
  await untar(await inflate(await readFile(join(binDir, 'al2023.tar.br'))), temp);
  await untar(await inflate(await readFile(join(binDir, 'fonts.tar.br'))), temp);
  // The package's fonts.conf names /tmp/fonts; ours names the folder the fonts are in.
  await writeFile(
    join(temp, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
  );
  try {
    await rename(temp, dir);
  } catch (err) {
    // Another test process unpacked it first: theirs is as good.
    await rm(temp, { recursive: true, force: true });
    if (!(await isExecutable(join(dir, 'chromium')))) throw err;
  }
}

/** The npm package's Chromium, unpacked under node_modules/.cache on first use. */
async function npmChromium(): Promise<ChromiumBinary> {
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = join(dirname(require.resolve('@sparticuz/chromium')), '..', '..');
  } catch {
    throw new Error(`neither ${SYSTEM_CHROMIUM} nor the npm package @sparticuz/chromium is installed: run npm ci`);
  }
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const dir = join(root, '..', '..', '.cache', `wattbench-chromium-${version}`);
  if (!(await isExecutable(join(dir, 'chromium')))) await unpack(join(root, 'bin'), dir);
  const libs = join(dir, 'lib');
  return {
    executablePath: join(dir, 'chromium'),
    env: {
      LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH ? `${libs}:${process.env.LD_LIBRARY_PATH}` : libs,
      FONTCONFIG_FILE: join(dir, 'fonts.conf'),
    },
    origin: `@sparticuz/chromium ${version} (${join(dir, 'chromium')})`,
  };
}

/** The system's Chromium where present, the npm package's otherwise; rejects, saying why, when neither is usable. */
export async function resolveChromium(): Promise<ChromiumBinary> {
  if (await isExecutable(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, env: {}, origin: SYSTEM_CHROMIUM };
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`${SYSTEM_CHROMIUM} is missing and @sparticuz/chromium ships only a Linux x64 Chromium (this is ${process.platform} ${process.arch}): install chromium`);
  }
  return npmChromium();
}
