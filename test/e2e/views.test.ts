import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoId } from '../helpers/test-app.js';
import { type Desk, expectAccessible, launchDeskBrowser, shot, signIn, startDesk, watchErrors } from './desk.js';

// Every view: what each role is offered, how refusals read, no markup from the data, no serious or
// critical axe-core violation, and a screenshot of each for a person to look at.
describe('desk views', () => {
  let browser: Browser;
  let desk: Desk;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  before(async function () {
    this.timeout(60000);
    browser = await launchDeskBrowser();
  });
  after(() => browser?.close());
  beforeEach(async function () {
    this.timeout(30000);
    desk = await startDesk();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = watchErrors(page);
  });
  afterEach(async () => {
    await context.close();
    await desk.close();
  });

  const id = (type: string, key: string) => demoId(desk.t.db, type, key);

  describe('access', () => {
    it('explains a missing key and renders no markup from the data', async function () {
      this.timeout(30000);
      await desk.t.http
        .post('/v1/statements')
        .send({ speakerId: 1, text: '<img src=x onerror="window.__pwned=1"> planted words', textForm: 'quote', kind: 'assertion' })
        .expect(201);
      await page.goto(`${desk.base}/search?q=planted+words`);
      await page.getByLabel('API key').waitFor();
      assert.match((await page.locator('main').textContent()) ?? '', /Use the API key your administrator gave you/);
      await page.getByLabel('API key').fill('wsk_not-a-real-key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.error').waitFor();
      assert.match((await page.locator('.error').textContent()) ?? '', /Your key was not accepted|needs an API key/);
      await shot(page, 'sign-in-refused');
      await expectAccessible(page, 'sign-in');
      await page.getByLabel('API key').fill(desk.t.keys.reader);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#results > li').first().waitFor();
      assert.match(page.url(), /\/search\?q=planted\+words$/);
      assert.equal(await page.locator('#results img').count(), 0);
      assert.equal(await page.evaluate(() => (window as Window & { __pwned?: number }).__pwned), undefined);
    });

    it('explains a 403: the change history is for editors; a revoked key is asked for again', async function () {
      this.timeout(30000);
      await signIn(page, desk, 'reader', { path: '/changes' });
      await page.locator('.error').waitFor();
      assert.match((await page.locator('.error').textContent()) ?? '', /Your key's role \(reader\) may not do this/);
      assert.equal(await page.getByRole('link', { name: 'Changes' }).count(), 0);
      await shot(page, 'forbidden');
      await expectAccessible(page, 'forbidden');
    });

    it('offers each role only what it may do', async function () {
      this.timeout(60000);
      const doc = await id('document', 'telegraph-article');
      const offers = async (role: 'reader' | 'journalist' | 'editor') => {
        const p = await context.newPage();
        await p.evaluate(() => undefined).catch(() => undefined);
        await signIn(p, desk, role, { path: `/documents/${doc}` });
        await p.locator('.article-body').waitFor();
        const out = {
          tag: await p.getByRole('button', { name: 'Tag selection (T)' }).count(),
          edit: await p.getByRole('button', { name: 'Edit the text' }).count(),
          changes: await p.getByRole('link', { name: 'Changes' }).count(),
          editable: await p.locator('.article-body[contenteditable="true"]').count(),
        };
        await p.close();
        return out;
      };
      assert.deepEqual(await offers('reader'), { tag: 0, edit: 0, changes: 0, editable: 0 });
      assert.deepEqual(await offers('journalist'), { tag: 1, edit: 1, changes: 0, editable: 1 });
      assert.deepEqual(await offers('editor'), { tag: 1, edit: 1, changes: 1, editable: 1 });
    });
  });

  describe('every view', () => {
    it('has no serious or critical accessibility violation, and is screenshotted', async function () {
      this.timeout(120000);
      const doc = await id('document', 'telegraph-article');
      const statement = await id('statement', 'already-travelled');
      const claim = ((await desk.t.db.queryFirst('SELECT min(id) AS id FROM claims')) as { id: number }).id;
      const actor = await id('actor', 'source-2');
      await signIn(page, desk, 'editor');
      const views: Array<[name: string, path: string, ready: string]> = [
        ['search', `/search?q=${encodeURIComponent('I took them weapons from Makhachkala')}`, '.hit'],
        ['documents', '/documents', 'table.list'],
        ['article', `/documents/${doc}`, '.article-body mark'],
        ['article-tag', `/documents/${doc}?tag=1`, '.tag-panel .chain'],
        ['statement-diagram', `/statements/${statement}`, '.diagram .node'],
        ['claims', '/claims', '.said li'],
        ['claim', `/claims/${claim}`, '.sides'],
        ['actor', `/actors/${actor}`, '.facts'],
        ['audits', '/audits', '.dropzone'],
        ['audit-document', `/audits/documents/${doc}`, '.findings'],
        ['changes', '/changes', 'table.changes tbody tr'],
        ['not-found', '/documents/99999', '.error'],
      ];
      for (const [name, path, ready] of views) {
        await page.goto(desk.base + path);
        await page.locator(ready).first().waitFor();
        await shot(page, name);
        await expectAccessible(page, name);
      }
      // The tagging form, opened from the keyboard shortcut.
      await page.goto(`${desk.base}/documents/${doc}`);
      await page.locator('.article-body').click();
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('Control+Shift+ArrowRight');
      await page.keyboard.press('Control+Shift+ArrowRight');
      await page.keyboard.press('t');
      await page.locator('.tag-form').waitFor();
      await shot(page, 'tag-form');
      await expectAccessible(page, 'tag-form');
      assert.deepEqual(
        errors.filter((e) => !e.includes('/documents/99999')),
        [],
      );
    });
  });
});
