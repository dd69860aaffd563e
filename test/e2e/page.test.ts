import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';

describe('web page', () => {
  let t: TestApp;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let base: string;

  before(async function () {
    this.timeout(60000);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  beforeEach(async function () {
    this.timeout(30000);
    t = await makeTestApp({ demo: true });
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    page = await browser.newPage();
  });
  afterEach(async () => {
    await page?.close();
    await new Promise((r) => server.close(r));
  });

  describe('GET /', () => {
    it('answers "who said this?" for a pasted quote, with the speaker and the chain', async function () {
      this.timeout(30000);
      await page.goto(base + '/');
      await page.fill('#key', t.keys.reader);
      await page.click('#key-form button');
      await page.fill('#q', '“I took them weapons from Makhachkala…”');
      await page.click('#search-form button[type=submit]');
      const first = page.locator('#results > li').first();
      await first.waitFor();
      assert.equal(await first.locator('.who').textContent(), 'a detained man shown in an FSB video');
      assert.equal(await first.locator('.badge.unidentified').textContent(), 'unidentified');
      assert.equal(await first.locator('.badge.circ').first().textContent(), 'in custody');
      assert.match((await first.textContent()) ?? '', /published by Federal Security Service/);
      const chain = await first.locator('.chain li').allTextContents();
      assert.equal(chain[0], 'a detained man shown in an FSB video');
      assert.match(chain[1], /^The Telegraph/);
      assert.equal((await first.locator('blockquote mark').count()) > 0, true);
      await page.screenshot({ path: '/tmp/whosaid-page.png', fullPage: true });
    });

    it('shows the nested chain through a person and an agency', async function () {
      this.timeout(30000);
      await page.goto(base + '/');
      await page.fill('#key', t.keys.reader);
      await page.click('#key-form button');
      await page.fill('#q', 'some members of the group had already travelled to Russia');
      await page.click('#search-form button[type=submit]');
      const first = page.locator('#results > li').first();
      await first.waitFor();
      const chain = (await first.locator('.chain li').allTextContents()).map((s) => s.split(' “')[0].split(' (')[0]);
      assert.deepEqual(chain.slice(0, 4), ['an IS member arrested in Iran', 'a second source', 'Reuters', 'The Telegraph']);
    });

    it('says what is wrong without a key, and renders no markup from the data', async function () {
      this.timeout(30000);
      await t.http
        .post('/v1/statements')
        .send({ speakerId: 1, text: '<img src=x onerror="window.__pwned=1"> planted words', textForm: 'quote', kind: 'assertion' })
        .expect(201);
      await page.goto(base + '/');
      await page.fill('#q', 'planted words');
      await page.click('#search-form button[type=submit]');
      await page.locator('#message').waitFor();
      assert.match((await page.locator('#message').textContent()) ?? '', /Unauthorized/);
      await page.fill('#key', t.keys.reader);
      await page.click('#key-form button');
      await page.click('#search-form button[type=submit]');
      await page.locator('#results > li').first().waitFor();
      assert.equal(await page.locator('#results img').count(), 0);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    });
  });
});
