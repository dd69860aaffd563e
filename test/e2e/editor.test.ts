import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demoId } from '../helpers/test-app.js';
import { atEachHost, shot, signIn, watchErrors, withBrowser } from './desk.js';

// The standards editor: audits a document, opens a finding and sees its span in the text, downloads
// the report, verifies the saved file (and sees a tampered copy fail), and checks the change history.
describe('journey: editor', () => {
  const getBrowser = withBrowser();

  atEachHost((getDesk, host) => {
    it('audits a document → opens a finding → sees its span → downloads → verifies the file; checks the history', async function () {
      this.timeout(90000);
      const desk = getDesk();
      const browser = getBrowser();
      const doc = await demoId(desk.t.db, 'document', 'telegraph-article');
      const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors = watchErrors(page);
      await signIn(page, desk, 'editor', { path: `/documents/${doc}` });
      await page.getByRole('link', { name: 'Audit this document' }).click();
      await page.locator('.findings').first().waitFor();
      assert.equal(new URL(page.url()).pathname, `/audits/documents/${doc}`);
      assert.ok((await page.locator('.finding').count()) > 0, 'the demo article has findings');
      assert.match((await page.locator('#sev-warning').textContent()) ?? '', /Warnings \(\d+\)/);

      // A finding's span opens the article with that span selected and its tag open.
      const span = page.locator('.finding').first().locator('.span-link').first();
      const spanText = ((await span.textContent()) ?? '').replace(/^“|”$/g, '');
      await span.click();
      await page.locator('.tag-panel').waitFor();
      assert.match(page.url(), new RegExp(`/documents/${doc}\\?tag=\\d+$`));
      assert.equal(await page.locator('.article-body mark.selected').first().isVisible(), true);
      assert.equal((await page.locator('.article-body mark.selected').allTextContents()).join(''), spanText);
      assert.equal(await page.locator('.tag-panel blockquote').first().textContent(), spanText);
      await shot(page, `editor-finding-span-${host}`);

      await page.goBack();
      await page.locator('.findings').first().waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download the report' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^whosaid-audit-document-\d+-\d{8}T\d{6}Z\.json$/);
      const saved = path.join(tmpdir(), `desk-${host}-${download.suggestedFilename()}`);
      await download.saveAs(saved);
      const report = JSON.parse(readFileSync(saved, 'utf8'));
      assert.equal(report.scope.type, 'document');
      assert.equal(report.scope.id, doc);

      await page.locator('#verify-file').setInputFiles(saved);
      await page.locator('.verdict').waitFor();
      assert.match((await page.locator('.verdict').textContent()) ?? '', /^Intact/);
      const tampered = saved.replace(/\.json$/, '-edited.json');
      report.findings[0].message = 'Nothing to see here.';
      writeFileSync(tampered, JSON.stringify(report, null, 2));
      await page.locator('#verify-file').setInputFiles(tampered);
      await page.locator('.verdict', { hasText: 'Not intact' }).waitFor();
      await shot(page, `editor-verify-${host}`);

      await page.getByRole('link', { name: 'Changes' }).click();
      await page.locator('table.changes tbody tr').first().waitFor();
      await page.getByRole('button', { name: 'Verify the history' }).click();
      await page.locator('.verdict').waitFor();
      assert.match((await page.locator('.verdict').textContent()) ?? '', /^Intact: \d+ entries checked/);
      await shot(page, `editor-changes-${host}`);
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
});
