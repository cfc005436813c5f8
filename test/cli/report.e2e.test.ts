/**
 * The report of the fixtures (two machines with estimated energy, one measured, kernels at 1 and 2 threads, a failing
 * command) opened in a real browser driven by playwright-core: /usr/bin/chromium where the machine has one, else the
 * Chromium of the npm package @sparticuz/chromium (test/helpers/chromium.ts). No console error, no request leaves the
 * file, every chart is there with marks, and the screenshot is kept in test-artifacts/. Without a usable browser this
 * test fails saying why: it is never skipped.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerReportCommand } from '../../src/cli/commands/report.js';
import { resolveChromium } from '../helpers/chromium.js';

const FIX = new URL('../fixtures/report/', import.meta.url).pathname;
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const CHARTS = ['work-per-joule-measured', 'work-per-joule-estimated', 'scaling', 'power-timeline', 'energy-split'];

let dir = '';
let html = '';
let context: BrowserContext | null = null;

beforeAll(async () => {
  const browser = await resolveChromium();
  dir = await mkdtemp(join(tmpdir(), 'wb-report-e2e-'));
  html = join(dir, 'report.html');
  let code: number | null = null;
  const program = new Command('wattbench').exitOverride();
  registerReportCommand(program, { out: () => undefined, err: () => undefined }, (c) => {
    code = c;
  });
  const inputs = ['vm-a.csv', 'vm-b.csv', 'gpu-box.csv', 'vm-a-cmd.csv'].map((f) => `${FIX}${f}`);
  await program.parseAsync(['report', ...inputs, '--out', html, '--title', 'wattbench report: fixtures'], { from: 'user' });
  expect(code).toBe(0);
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: browser.executablePath,
    env: { ...process.env, ...browser.env },
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    timeout: 60_000,
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the HTML report in headless Chromium', () => {
  it('opens offline with no console error, shows every chart with marks, and keeps a screenshot', async () => {
    const page = await (context as BrowserContext).newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`request to ${r.url()}`);
    });
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });

    expect(await page.title()).toBe('wattbench report: fixtures');
    expect(await page.locator('script').count()).toBe(0);
    // The hostile command line of the fixture is shown as text, not run as markup.
    expect(await page.getByText(`<script>alert('x')</script>`, { exact: false }).count()).toBeGreaterThan(0);
    // The warnings come first and cannot be missed.
    const alerts = page.locator('#warnings .notice.danger');
    expect(await alerts.count()).toBeGreaterThanOrEqual(2);
    expect(await alerts.first().textContent()).toMatch(/ESTIMATED energy on vm-a, vm-b/);
    const banner = await alerts.first().boundingBox();
    expect(banner?.y).toBeLessThan(900);

    for (const id of CHARTS) {
      const figure = page.locator(`#chart-${id}`);
      expect(await figure.count(), id).toBe(1);
      expect(await figure.getAttribute('data-missing'), id).toBeNull();
      const svg = figure.locator('svg.marks');
      expect(await svg.count(), id).toBe(1);
      const box = await svg.boundingBox();
      expect(box?.width, id).toBeGreaterThan(200);
      expect(box?.height, id).toBeGreaterThan(100);
      const marks = await figure.locator('g.role-mark > path, g.role-mark > line, g.role-mark > text').count();
      expect(marks, `${id}: marks`).toBeGreaterThan(3);
    }

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await copyFile(html, join(ARTIFACTS, 'report.html'));
    expect(problems).toEqual([]);
  }, 60_000);
});
