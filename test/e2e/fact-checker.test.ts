import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { atEachHost, shot, signIn, watchErrors, withBrowser } from './desk.js';

// The fact-checker: pastes a quote as seen, learns who said it, how identifiable they are and how the
// words travelled; shares the URL, which opens on another visit with the key remembered.
describe('journey: fact-checker', () => {
  const getBrowser = withBrowser();

  atEachHost((getDesk, host) => {
    it('pastes a quote → speaker, match, chain diagram; the shared URL opens in a new context with the key remembered', async function () {
      this.timeout(60000);
      const desk = getDesk();
      const browser = getBrowser();
      const context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      const errors = watchErrors(page);
      await signIn(page, desk, 'reader', { remember: true });
      // style sheet and script loaded over plain HTTP (a CSP forcing HTTPS would break this at a LAN name)
      assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).margin), '8px');

      await page.getByLabel('Paste a quote or phrase as you saw it').fill('“I took them weapons from Makhachkala…”');
      await page.getByRole('button', { name: 'Who said this?' }).click();
      const first = page.locator('.hit').first();
      await first.waitFor();
      assert.match(page.url(), /\/search\?q=%E2%80%9CI\+took\+them\+weapons/);
      assert.equal(await first.locator('.who').textContent(), 'a detained man shown in an FSB video');
      assert.equal(await first.locator('.badge.unidentified').first().textContent(), 'unidentified');
      assert.equal(await first.locator('.badge.circ').first().textContent(), 'in custody');
      assert.match((await first.textContent()) ?? '', /published by Federal Security Service/);
      assert.ok((await first.locator('blockquote mark').count()) > 0, 'the matched words are marked');
      // How sure the search is shows on every result: a fragment of the statement is a partial match.
      const matchBadge = first.locator('.badge.match');
      assert.equal(await matchBadge.textContent(), 'partial match');
      const partialLook = await matchBadge.evaluate((el) => getComputedStyle(el).backgroundColor + getComputedStyle(el).borderStyle);
      await shot(page, `fact-checker-search-${host}`);

      // A paraphrase sharing a few words is a weak match, and says so.
      await page
        .getByLabel('Paste a quote or phrase as you saw it')
        .fill('A prisoner admitted he supplied guns to the Crocus gunmen from Makhachkala weapons depots');
      await page.getByRole('button', { name: 'Who said this?' }).click();
      await page.waitForURL(/prisoner/);
      const weak = page.locator('.hit').first().locator('.badge.match');
      await weak.waitFor();
      assert.equal(await weak.textContent(), 'weak match');
      const weakLook = await weak.evaluate((el) => getComputedStyle(el).backgroundColor + getComputedStyle(el).borderStyle);
      assert.notEqual(weakLook, partialLook, 'a weak match must not look like a closer one');
      await shot(page, `fact-checker-weak-match-${host}`);
      // The whole statement, pasted with typographic quotes, is verbatim, and looks unlike a weak match.
      await page
        .getByLabel('Paste a quote or phrase as you saw it')
        .fill('“I took weapons to them, these guys who attacked Crocus City Hall. I took them weapons from Makhachkala.”');
      await page.getByRole('button', { name: 'Who said this?' }).click();
      await page.waitForURL(/I\+took\+weapons\+to/);
      await page.locator('.hit').first().locator('.badge.match', { hasText: 'verbatim' }).waitFor();
      const verbatimLook = await first
        .locator('.badge.match')
        .evaluate((el) => getComputedStyle(el).backgroundColor + getComputedStyle(el).borderStyle);
      assert.notEqual(verbatimLook, weakLook, 'a weak match must not look like a verbatim one');

      // Filters live in the URL too.
      await page.locator('#identityStatus').selectOption('unidentified');
      await page.getByRole('button', { name: 'Who said this?' }).click();
      await page.waitForURL(/identityStatus=unidentified/);
      await page.locator('.hit').first().waitFor();

      // The results as a file for a spreadsheet: one row per hit, the speaker as columns.
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download as CSV' }).click()]);
      assert.equal(csv.suggestedFilename(), 'search.csv');
      const csvText = readFileSync((await csv.path()) ?? '', 'utf8');
      assert.match(csvText.split('\r\n')[0], /^statement\.id,.*,speaker\.description,/);
      assert.ok(csvText.includes(',a detained man shown in an FSB video,'));
      await page.getByRole('status').filter({ hasText: 'Saved search.csv.' }).waitFor();
      await shot(page, `fact-checker-csv-${host}`);

      await first.getByRole('link', { name: 'Statement and provenance diagram' }).click();
      await page.locator('.diagram .node').first().waitFor();
      const nodes = await page.locator('.diagram .node .relayer a').allTextContents();
      assert.deepEqual(nodes, ['a detained man shown in an FSB video', 'The Telegraph']);
      assert.match((await page.locator('.diagram .node.hop').textContent()) ?? '', /said · translation · 2024-04/);
      await shot(page, `fact-checker-diagram-${host}`);

      // The URL is the view: another visit (a new context with this device's storage) opens it, signed in.
      const shared = page.url();
      const again = await browser.newContext({ storageState: await context.storageState() });
      const other = await again.newPage();
      await other.goto(shared);
      await other.locator('.diagram .node').first().waitFor();
      assert.equal(await other.locator('.account .role').textContent(), 'reader');
      assert.equal(await other.locator('#key').count(), 0, 'no sign-in asked for');
      await again.close();

      // Without "remember", a new visit asks for the key again, and says why.
      const fresh = await browser.newContext();
      const stranger = await fresh.newPage();
      await stranger.goto(shared);
      await stranger.getByLabel('API key').waitFor();
      await fresh.close();

      assert.deepEqual(errors, []);
      await context.close();
    });

    it('follows a nested chain through a person and an agency, drawing the shared hop once', async function () {
      this.timeout(60000);
      const desk = getDesk();
      const browser = getBrowser();
      const page = await browser.newPage();
      await signIn(page, desk, 'reader', {
        path: `/search?q=${encodeURIComponent('some members of the group had already travelled to Russia')}`,
      });
      const first = page.locator('.hit').first();
      await first.waitFor();
      const chain = (await first.locator('.chain').first().locator('li').allTextContents()).map((s) => s.split(' “')[0].split(' (')[0]);
      assert.deepEqual(chain.slice(0, 4), ['an IS member arrested in Iran', 'a second source', 'Reuters', 'The Telegraph']);
      await first.getByRole('link', { name: 'Statement and provenance diagram' }).click();
      await page.locator('.diagram .node').first().waitFor();
      const names = await page.locator('.diagram .node .relayer a').allTextContents();
      assert.deepEqual(names, ['an IS member arrested in Iran', 'a second source', 'Reuters', 'The Telegraph']);
      // Left to right: each hop sits right of the one it came from.
      const xs = await page.locator('.diagram .node').evaluateAll((els) => els.map((e) => (e as HTMLElement).offsetLeft));
      assert.deepEqual(
        xs,
        [...xs].sort((a, b) => a - b),
      );
      await page.close();
    });
  });
});
