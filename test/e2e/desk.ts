import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import type { Role } from '../../src/shared/viewer.js';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';
import { launchChromium } from './browser.js';

// A name that is not localhost: Chromium treats it as an ordinary plain-HTTP site on a LAN, which
// localhost and 127.0.0.1 ("potentially trustworthy") would hide.
export const LAN_HOST = 'whosaid.newsroom.test';
/** Each journey runs at both addresses. */
export const HOSTS = ['127.0.0.1', LAN_HOST];

export function launchDeskBrowser(): Promise<Browser> {
  return launchChromium([`--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`]);
}

/** Where the run writes its screenshots: printed once, so a person can look at every view. */
export const SHOTS = process.env.WHOSAID_SHOTS ?? path.join(tmpdir(), 'whosaid-desk-shots');
let announced = false;
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  if (!announced) {
    console.log(`      screenshots: ${SHOTS}`);
    announced = true;
  }
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface Desk {
  t: TestApp;
  server: Server;
  base: string;
  close(): Promise<void>;
}

/** The demo newsroom served over HTTP at `host`. */
export async function startDesk(host = '127.0.0.1', t?: TestApp): Promise<Desk> {
  const app = t ?? (await makeTestApp({ demo: true }));
  const server = app.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://${host}:${(server.address() as AddressInfo).port}`;
  return { t: app, server, base, close: () => new Promise((r) => server.close(() => r())) };
}

/** Opens `path` and signs in with the role's key when the desk asks for one. */
export async function signIn(page: Page, desk: Desk, role: Role, opts: { path?: string; remember?: boolean } = {}): Promise<void> {
  await page.goto(desk.base + (opts.path ?? '/'));
  await page.getByLabel('API key').fill(desk.t.keys[role]);
  if (opts.remember) await page.getByLabel('Remember this key on this device').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.account .role').waitFor();
  assert.equal(await page.locator('.account .role').textContent(), role);
}

/** axe-core on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page, view: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`),
    [],
    `${view}: accessibility violations`,
  );
}

/** Errors the page itself raised (script errors, refused resources): a view must raise none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  return errors;
}

/** Selects the one occurrence of `phrase` in the article text, as a mouse drag would. */
export async function selectText(page: Page, phrase: string): Promise<void> {
  await page.evaluate((p) => {
    const root = document.getElementById('article-body');
    if (!root) throw new Error('no article text');
    const at = (root.textContent ?? '').indexOf(p);
    if (at < 0) throw new Error(`not in the text: ${p}`);
    const range = document.createRange();
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
      const len = n.data.length;
      if (seen <= at && at <= seen + len && range.startContainer === document) range.setStart(n, at - seen);
      if (seen <= at + p.length && at + p.length <= seen + len) {
        if (range.startContainer === document) range.setStart(n, at - seen);
        range.setEnd(n, at + p.length - seen);
        break;
      }
      seen += len;
    }
    const sel = window.getSelection()!;
    sel.removeAllRanges();
    sel.addRange(range);
  }, phrase);
}

/** One Chromium for the suite (launched before it, closed after); the getter is valid inside tests. */
export function withBrowser(): () => Browser {
  let browser: Browser | undefined;
  before(async function () {
    this.timeout(60000);
    browser = await launchDeskBrowser();
  });
  after(() => browser?.close());
  return () => browser!;
}

/** Declares the tests once per address in HOSTS, each test with a fresh demo desk. */
export function atEachHost(tests: (desk: () => Desk, host: string) => void): void {
  for (const host of HOSTS) {
    describe(`at ${host}`, () => {
      let desk: Desk | undefined;
      beforeEach(async function () {
        this.timeout(30000);
        desk = await startDesk(host);
      });
      afterEach(() => desk?.close());
      tests(() => desk!, host);
    });
  }
}
