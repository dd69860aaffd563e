import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { AppDeps } from '../../src/app.js';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';
import { launchChromium } from './browser.js';

// A name that is not localhost, so Chromium treats the origin as an ordinary plain-HTTP site on a LAN
// (localhost and 127.0.0.1 are "potentially trustworthy" and would hide a CSP that forces HTTPS).
const HOST = 'whosaid.newsroom.test';

/** Serves the demo at http://HOST:port and opens the page there in Chromium. */
async function openOnLan(browser: Browser, deps: Partial<AppDeps> = {}) {
  const t = await makeTestApp({ demo: true, deps });
  const server = t.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://${HOST}:${(server.address() as AddressInfo).port}`;
  const page = await browser.newPage();
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  await page.goto(base + '/');
  return { t, server, page, failed };
}

describe('web page from a non-localhost address over plain HTTP', () => {
  let browser: Browser;
  let opened: { t: TestApp; server: Server; page: Page; failed: string[] } | undefined;
  before(async function () {
    this.timeout(60000);
    browser = await launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
  });
  after(() => browser?.close());
  afterEach(async () => {
    await opened?.page.close();
    if (opened) await new Promise((r) => opened?.server.close(r));
    opened = undefined;
  });

  it('loads its style sheet and script over http and answers a search', async function () {
    this.timeout(30000);
    opened = await openOnLan(browser);
    const { t, page, failed } = opened;
    assert.deepEqual(failed, []);
    // style.css applied: the body no longer has the browser's default 8px margin.
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).margin), '8px');
    await page.getByLabel('API key').fill(t.keys.reader);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Paste a quote or phrase as you saw it').fill('some members of the group had already travelled to Russia');
    await page.getByRole('button', { name: 'Who said this?' }).click();
    await page.locator('#results > li').first().waitFor({ timeout: 10000 });
    assert.match((await page.locator('#results > li').first().textContent()) ?? '', /an IS member arrested in Iran/);
    await page.screenshot({ path: '/tmp/whosaid-lan-page.png', fullPage: true });
  });

  it('would break with HTTPS-only headers, which is why they are off unless configured', async function () {
    this.timeout(30000);
    opened = await openOnLan(browser, { tls: true });
    // upgrade-insecure-requests sends the style sheet and script to https on a port that speaks http.
    assert.ok(
      opened.failed.some((u) => u.startsWith(`https://${HOST}`)),
      `expected the upgraded requests to fail: ${opened.failed.join(', ')}`,
    );
  });
});
