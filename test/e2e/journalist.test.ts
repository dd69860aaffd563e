import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { atEachHost, type Desk, selectText, shot, signIn, startDesk, watchErrors, withBrowser } from './desk.js';

const BODY = [
  'Officials braced for more unrest on Tuesday.',
  '',
  'A Western intelligence official, who asked not to be named, said: “The warning was specific enough to act on.” The official added that the report reached Moscow two weeks before the attack.',
  '',
  'A police spokesman said three people had been detained overnight. The mayor told reporters the city would reopen its metro on Friday.',
  '',
  'The interior ministry said it had received no such warning. “We were told nothing of the kind,” Olga Petrova, a ministry spokeswoman, told reporters.',
].join('\n');

/** A new article at the Evening Ledger, with one quote already tagged (the spokeswoman's). */
async function newArticle(desk: Desk): Promise<{ doc: number; spokeswoman: number }> {
  const http = desk.t.http;
  const outlet = (await http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'The Evening Ledger' }).expect(201))
    .body.id;
  const doc = (await http.post('/v1/documents').send({ outletId: outlet, title: 'Ministry denies it was warned', body: BODY }).expect(201))
    .body.id;
  const spokeswoman = (
    await http
      .post('/v1/actors')
      .send({ kind: 'person', identityStatus: 'named', name: 'Olga Petrova', affiliation: 'Interior ministry' })
      .expect(201)
  ).body.id;
  await http
    .post(`/v1/documents/${doc}/tags`)
    .send({
      selector: { exact: 'We were told nothing of the kind,' },
      statement: { speakerId: spokeswoman, textForm: 'quote', kind: 'denial' },
      hop: { cue: 'Olga Petrova, a ministry spokeswoman, told reporters', hedge: 'said' },
    })
    .expect(201);
  return { doc, spokeswoman };
}

const legend = async (page: Page) => (await page.locator('.legend').textContent()) ?? '';

// The journalist: opens an article, tags a quote by selecting it (with a new anonymous source), accepts
// two suggestions, edits the text, and repairs the tags the edit broke; and does the tagging again with the keyboard alone.
describe('journey: journalist', () => {
  const getBrowser = withBrowser();

  atEachHost((getDesk, host) => {
    it('opens an article → tags a selection with a new anonymous source → accepts two suggestions → edits the text → repairs the orphaned and fuzzy tags', async function () {
      this.timeout(90000);
      const desk = getDesk();
      const browser = getBrowser();
      const { doc } = await newArticle(desk);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await signIn(page, desk, 'journalist', { path: '/documents' });
      await page.getByRole('link', { name: 'Ministry denies it was warned' }).click();
      await page.locator('.article-body').waitFor();
      assert.equal(new URL(page.url()).pathname, `/documents/${doc}`);
      assert.match(await legend(page), /1 anchored/);

      await selectText(page, 'The warning was specific enough to act on.');
      await page.getByRole('button', { name: 'Tag selection (T)' }).click();
      const form = page.locator('.tag-form');
      await form.waitFor();
      // Prefilled from the text: a quote (quote marks around it), its cue and hedge from the sentence.
      assert.equal(await form.getByLabel('Form').inputValue(), 'quote');
      assert.equal(
        await form.getByLabel('Cue (the words that attribute it)').inputValue(),
        'A Western intelligence official, who asked not to be named, said',
      );
      assert.equal(await form.getByLabel('Hedge').inputValue(), 'said');
      assert.equal(await form.getByLabel('Mode').inputValue(), 'verbatim');
      await form.getByLabel('A new anonymous source').check();
      await form.getByLabel('How the story describes them').fill('a Western intelligence official');
      await form.getByLabel('Affiliation').fill('a European intelligence service');
      await form.getByLabel('Why anonymity was granted').fill('not authorised to brief the press');
      await shot(page, `journalist-tag-form-${host}`);
      await form.getByRole('button', { name: 'Save tag' }).click();
      await page.locator('.tag-panel').waitFor();
      assert.match(
        (await page.locator('.note').textContent()) ?? '',
        /Tagged “The warning was specific enough to act on\.” as said by a Western intelligence official/,
      );
      assert.match(await legend(page), /2 anchored/);
      assert.match((await page.locator('.tag-panel').textContent()) ?? '', /a Western intelligence official.*anonymous/);
      const tags = (await desk.t.http.get(`/v1/documents/${doc}/tags`).expect(200)).body.items;
      const anon = tags.find((t: { exact: string }) => t.exact === 'The warning was specific enough to act on.');
      assert.equal(anon.speaker.identityStatus, 'anonymous');
      const actor = (await desk.t.http.get(`/v1/actors/${anon.speaker.id}`).expect(200)).body;
      assert.deepEqual(
        [actor.description, actor.affiliation, actor.anonymityReason],
        ['a Western intelligence official', 'a European intelligence service', 'not authorised to brief the press'],
      );
      const hop = (await desk.t.http.get(`/v1/relays/${anon.relayId}`).expect(200)).body;
      assert.deepEqual(
        [hop.cue, hop.hedge, hop.mode],
        ['A Western intelligence official, who asked not to be named, said', 'said', 'verbatim'],
      );

      // Two of the engine's suggestions, accepted as read.
      const suggestions = page.locator('.suggestions');
      await suggestions.locator('.suggestion').first().waitFor();
      assert.match((await suggestions.textContent()) ?? '', /confidence \d+%/);
      await shot(page, `journalist-suggestions-${host}`);
      for (const words of ['three people had been detained overnight', 'it had received no such warning']) {
        const item = suggestions.locator('.suggestion', { hasText: words });
        await item.getByRole('button', { name: /^Accept/ }).click();
        await page.locator('.note', { hasText: `Suggestion accepted: “${words}` }).waitFor();
        await suggestions.locator('.suggestion', { hasText: words }).waitFor({ state: 'detached' });
      }
      await page.locator('.legend', { hasText: '4 anchored' }).waitFor();
      const accepted = (await desk.t.http.get(`/v1/documents/${doc}/tags`).expect(200)).body.items.map(
        (t: { exact: string; speaker: { description: string } }) => [t.exact, t.speaker.description],
      );
      assert.deepEqual(
        accepted.filter(([e]: string[]) => e.startsWith('three') || e.startsWith('it had')),
        [
          ['three people had been detained overnight', 'a police spokesman'],
          ['it had received no such warning', 'the interior ministry'],
        ],
      );

      // An edit rewrites the tagged quote (orphaned) and touches the spokeswoman's words (fuzzy).
      await page.getByRole('button', { name: 'Edit the text' }).click();
      const edited = BODY.replace(
        '“The warning was specific enough to act on.”',
        'The official described the warning as actionable.',
      ).replace('told nothing of the kind', 'told nothing at all of the kind');
      await page.getByLabel('Article text (saving re-anchors its tags)').fill(edited);
      await page.getByRole('button', { name: 'Save text' }).click();
      await page.locator('.article-body').waitFor();
      const note = (await page.locator('.note').textContent()) ?? '';
      assert.match(note, /1 orphaned/);
      assert.match(note, /1 fuzzy/);
      await page.locator('.legend', { hasText: '1 orphaned' }).waitFor();
      assert.match(await legend(page), /1 fuzzy.*1 orphaned/);
      await shot(page, `journalist-after-edit-${host}`);

      // Repair the orphan: open it, select where its words went, re-anchor.
      await page.locator('.tag-link.s-orphaned').click();
      await page.locator('.tag-panel').getByText('orphaned', { exact: true }).waitFor();
      await selectText(page, 'The official described the warning as actionable.');
      await page.getByRole('button', { name: 'Re-anchor at the selection' }).click();
      await page.locator('.note', { hasText: 're-anchored' }).waitFor();
      await page.locator('.legend', { hasText: '0 orphaned' }).waitFor();
      assert.match(await legend(page), /1 fuzzy.*0 orphaned/);
      // Accept the fuzzy match.
      await page.locator('.tag-link.s-fuzzy').click();
      await page.getByRole('button', { name: 'Accept the match' }).click();
      await page.locator('.note', { hasText: 'match accepted' }).waitFor();
      await page.locator('.legend', { hasText: '0 fuzzy' }).waitFor();
      assert.match(await legend(page), /0 fuzzy.*0 orphaned/);
      await shot(page, `journalist-repaired-${host}`);

      const after = (await desk.t.http.get(`/v1/documents/${doc}/tags`).expect(200)).body;
      assert.deepEqual([after.total, after.counts.fuzzy, after.counts.orphaned], [4, 0, 0]);
      assert.deepEqual(after.items.map((t: { exact: string }) => t.exact).sort(), [
        'The official described the warning as actionable.',
        'We were told nothing at all of the kind,',
        'it had received no such warning',
        'three people had been detained overnight',
      ]);
      assert.deepEqual(errors, []);
      await page.close();
    });
  });

  describe('with the keyboard alone', () => {
    let desk: Desk;
    before(async function () {
      this.timeout(30000);
      desk = await startDesk();
    });
    after(() => desk.close());

    it('reaches the text, selects words with Shift+arrows, presses T, fills the form and saves', async function () {
      this.timeout(60000);
      const browser = getBrowser();
      const { doc } = await newArticle(desk);
      const page = await browser.newPage();
      await signIn(page, desk, 'journalist', { path: `/documents/${doc}` });
      await page.locator('.article-body').waitFor();
      for (let i = 0; i < 40; i++) {
        if (await page.evaluate(() => document.activeElement?.id === 'article-body')) break;
        await page.keyboard.press('Tab');
      }
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'article-body');
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('Shift+End');
      await page.keyboard.press('t');
      await page.locator('.tag-form').waitFor();
      assert.equal(await page.locator('.selected-text').textContent(), 'Officials braced for more unrest on Tuesday.');
      // Focus is in the form: choose "a new anonymous source" with the arrow keys, then type.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Tab');
      await page.keyboard.type('officials at the ministry');
      await page.keyboard.press('Enter');
      await page.locator('.tag-panel').waitFor();
      const tags = (await desk.t.http.get(`/v1/documents/${doc}/tags`).expect(200)).body.items;
      const made = tags.find((t: { exact: string }) => t.exact === 'Officials braced for more unrest on Tuesday.');
      assert.equal(made?.speaker.description, 'officials at the ministry');
      // Escape closes the tag, and focus returns to the text.
      await page.keyboard.press('Escape');
      await page.locator('.tag-panel').waitFor({ state: 'detached' });
      await page.close();
    });
  });
});
