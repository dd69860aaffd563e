import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { type Desk, launchDeskBrowser, signIn, startDesk } from './desk.js';

// The desk's two heavy views, timed in Chromium: an article with 300 tags (fetch, render, and answer a
// click on a tag) and the provenance diagram of a 20-hop chain reaching 50 pages (fetch, lay out with
// dagre, render). Each is the median of several in-app navigations after a warm-up; the figures are printed
// for the README.
const ROUNDS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function article300(desk: Desk): Promise<number> {
  const http = desk.t.http;
  const outlet = (await http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'The Long Read' }).expect(201)).body
    .id;
  const sentences = Array.from(
    { length: 300 },
    (_, i) => `Witness ${i + 1} said the convoy passed at ${i % 24}:${String(i % 60).padStart(2, '0')}.`,
  );
  const doc = (
    await http
      .post('/v1/documents')
      .send({ outletId: outlet, title: 'Three hundred voices', body: sentences.join(' ') })
      .expect(201)
  ).body.id;
  const speaker = (
    await http.post('/v1/actors').send({ kind: 'person', identityStatus: 'anonymous', description: 'a witness' }).expect(201)
  ).body.id;
  for (const s of sentences) {
    const statement = (
      await http.post('/v1/statements').send({ speakerId: speaker, text: s, textForm: 'quote', kind: 'assertion' }).expect(201)
    ).body.id;
    await http
      .post(`/v1/documents/${doc}/tags`)
      .send({ selector: { exact: s }, statementId: statement })
      .expect(201);
  }
  return doc;
}

/** A chain 20 hops deep whose branches reach 50 pages, each page its own outlet's document. */
async function chain20x50(desk: Desk): Promise<number> {
  const http = desk.t.http;
  const speaker = (await http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'A. Speaker' }).expect(201)).body.id;
  const statement = (
    await http.post('/v1/statements').send({ speakerId: speaker, text: 'It will rain.', textForm: 'quote', kind: 'warning' }).expect(201)
  ).body.id;
  const trunk: number[] = [];
  for (let i = 0; i < 50; i++) {
    const outlet = (
      await http
        .post('/v1/actors')
        .send({ kind: 'outlet', identityStatus: 'named', name: `Outlet ${i + 1}` })
        .expect(201)
    ).body.id;
    const doc = (
      await http
        .post('/v1/documents')
        .send({ outletId: outlet, title: `Page ${i + 1}`, publishedOn: '2024-03' })
        .expect(201)
    ).body.id;
    // The first 20 hops form the trunk; the other 30 branch off it at every depth.
    const via = i === 0 ? null : i < 20 ? trunk[i - 1] : trunk[(i * 7) % 19];
    const relay = (
      await http
        .post(`/v1/statements/${statement}/relays`)
        .send({ relayedById: outlet, documentId: doc, viaRelayId: via, mode: 'verbatim', hedge: 'said', cue: `Outlet ${i + 1} reported` })
        .expect(201)
    ).body.id;
    if (i < 20) trunk.push(relay);
  }
  return statement;
}

/** Navigates in the app (as a link would) and times until `ready` holds, then `after` if given. */
async function timeNavigation(page: Page, url: string, selector: string, count: number, clickMark: boolean): Promise<number> {
  return page.evaluate(
    async ({ url, selector, count, clickMark }) => {
      const t0 = performance.now();
      history.pushState(null, '', url);
      dispatchEvent(new PopStateEvent('popstate'));
      // (No named functions in here: the test runner's transform would name them with a helper the page lacks.)
      await new Promise<void>((resolve) => {
        if (document.querySelectorAll(selector).length >= count) return resolve();
        const obs = new MutationObserver(() => {
          if (document.querySelectorAll(selector).length >= count) {
            obs.disconnect();
            resolve();
          }
        });
        obs.observe(document.body, { childList: true, subtree: true });
      });
      if (clickMark) {
        // Interactive: a click on the last tag opens its panel.
        const marks = document.querySelectorAll<HTMLElement>('.article-body mark');
        marks[marks.length - 1].click();
        await new Promise<void>((resolve) => {
          if (document.getElementById('tag-title')) return resolve();
          const obs = new MutationObserver(() => {
            if (document.getElementById('tag-title')) {
              obs.disconnect();
              resolve();
            }
          });
          obs.observe(document.body, { childList: true, subtree: true });
        });
      }
      return performance.now() - t0;
    },
    { url, selector, count, clickMark },
  );
}

/** Median time of in-app navigations from the documents list to `url`, after one uncounted warm-up round. */
async function medianNavigation(page: Page, url: string, selector: string, count: number, clickMark: boolean): Promise<number[]> {
  const times: number[] = [];
  for (let i = -1; i < ROUNDS; i++) {
    await page.evaluate(() => {
      history.pushState(null, '', '/documents');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    await page.locator('table.list').waitFor();
    const ms = await timeNavigation(page, url, selector, count, clickMark);
    if (i >= 0) times.push(ms);
  }
  return times;
}

describe('desk performance (Chromium)', () => {
  let browser: Browser;
  let desk: Desk;
  before(async function () {
    this.timeout(120000);
    browser = await launchDeskBrowser();
    desk = await startDesk();
  });
  after(async () => {
    await browser?.close();
    await desk?.close();
  });

  it('an article with 300 tags renders and answers a click (median reported; target 300 ms)', async function () {
    this.timeout(120000);
    const doc = await article300(desk);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, desk, 'journalist', { path: '/documents' });
    const times = await medianNavigation(page, `/documents/${doc}`, '.article-body mark', 300, true);
    console.log(
      `      300-tag article, open → rendered → tag opened: median ${median(times).toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`,
    );
    assert.equal(await page.locator('.tag-link').count(), 300);
    // The figure is reported, not asserted: wall-clock time on 2 shared cores is no pass/fail signal.
    await page.close();
  });

  it('the provenance diagram of a 20-hop chain reaching 50 pages renders readably (median reported; target 200 ms)', async function () {
    this.timeout(120000);
    const statement = await chain20x50(desk);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, desk, 'reader', { path: '/documents' });
    const times = await medianNavigation(page, `/statements/${statement}`, '.diagram .node', 51, false);
    console.log(
      `      20-hop, 50-page diagram, open → laid out and rendered: median ${median(times).toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`,
    );
    // Readable: every card keeps its size, none overlaps another, depth runs left to right.
    const boxes = await page.locator('.diagram .node').evaluateAll((els) =>
      els.map((e) => {
        const r = (e as HTMLElement).getBoundingClientRect();
        return { x: r.x, y: r.y, w: r.width, h: r.height };
      }),
    );
    assert.equal(boxes.length, 51);
    for (const a of boxes) {
      assert.ok(a.w >= 200, 'cards keep their width');
      for (const b of boxes)
        if (a !== b) assert.ok(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y, 'no overlap');
    }
    assert.equal(new Set(boxes.map((b) => Math.round(b.x))).size, 21, 'speaker plus 20 depths');
    await page.close();
  });
});
