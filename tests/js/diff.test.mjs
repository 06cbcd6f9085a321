// The changes between two versions of a governing document, as a citizen reads them in a real
// browser (Debian's Chromium driven by playwright-core, the bundled portal served on loopback
// under the strict Content-Security-Policy): the mandate of the Product Board, in Norwegian and
// in English. The diff must read as the document reads (headings, lists and tables, no Markdown
// syntax), mark removed and added words, say so to a screen reader, and sum the changes up.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { usePortal } from './support/site.mjs';

const site = usePortal();

const PAGES = [
  { path: '/produktstyret/mandat/', removed: 'fjernet:', added: 'lagt til:', summary: /^\d+ (del|deler) endret/ },
  { path: '/en/product-board/mandate/', removed: 'removed:', added: 'added:', summary: /^\d+ sections? changed/ },
];

for (const { path, removed, added, summary } of PAGES) {
  test(`the diff on ${path} reads as the document, with its changes marked and labelled`, async () => {
    const { p, errors, context } = await site.page();
    await p.goto(`${site.base}${path}`);
    const details = p.locator('details.diff').first();
    assert.equal(await details.count(), 1, 'the page shows a diff');
    await details.locator('summary').click();
    assert.equal(await details.evaluate((d) => d.open), true);
    const diff = details.locator('.diff-text');

    // What the reader sees holds no Markdown or raw HTML.
    const seen = await diff.innerText();
    assert.ok(seen.length > 500, 'the diff has the text');
    for (const [what, pattern] of [
      ['a heading marker', /(^|\n)\s*#{1,6}\s/],
      ['bold markers', /\*\*/],
      ['a table rule', /\|\s*:?-{3}/],
      ['table pipes', /\|/],
      ['a raw <br>', /<br\s*\/?>/i],
    ]) {
      assert.doesNotMatch(seen, pattern, `${path}: ${what} is shown as text`);
    }

    // The structure of the document: headings (below the page's own h2), lists, a table.
    const levels = await diff.locator('h1, h2, h3, h4, h5, h6').evaluateAll((hs) => hs.map((h) => Number(h.tagName[1])));
    assert.ok(levels.length >= 6, `${path}: the six chapters are headings (${levels})`);
    assert.ok(levels.every((l) => l >= 3), `${path}: headings inside the diff start at h3 (${levels})`);
    assert.equal(await diff.locator('[id]').count(), 0, 'no element of the diff repeats an id of the page');
    assert.ok(await diff.locator('ul > li').count() >= 4, `${path}: lists stay lists`);
    assert.ok(await diff.locator('table th').count() >= 3, `${path}: the table is a table`);
    assert.ok(await diff.locator('table td del').count() >= 1, `${path}: the removed table's cells are marked`);

    // Removed and added words are marked, and each run of them opens with a label that is
    // hidden on screen but read out.
    for (const [tag, label] of [['del', removed], ['ins', added]]) {
      const marks = diff.locator(tag);
      assert.ok(await marks.count() >= 5, `${path}: <${tag}> marks changes`);
      const first = marks.first().locator('.visually-hidden');
      assert.equal((await first.textContent()).trim(), label);
      const box = await first.boundingBox();
      assert.ok(box === null || (box.width <= 1 && box.height <= 1), `${path}: the label is visually hidden`);
    }
    const runs = await diff.evaluate((root) => {
      const unlabelled = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let previous = null;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const mark = node.parentElement.closest('del, ins');
        const kind = mark && root.contains(mark) ? mark.tagName : null;
        const isLabel = !!node.parentElement.closest('.visually-hidden');
        if (kind && kind !== previous && !isLabel) unlabelled.push(node.textContent.slice(0, 40));
        previous = kind;
      }
      return unlabelled;
    });
    assert.deepEqual(runs, [], `${path}: every run of removed or added text opens with its label`);
    const snapshot = await diff.locator('p.diff-changed').first().ariaSnapshot();
    assert.ok(snapshot.includes(removed) || snapshot.includes(added), `${path}: the label is in the accessibility tree: ${snapshot}`);

    // The summary line, above the diff.
    const line = details.locator('.diff-summary');
    assert.equal(await line.count(), 1, `${path}: a summary line`);
    assert.match((await line.innerText()).trim(), summary);
    assert.ok(await line.evaluate((el, d) => !!(el.compareDocumentPosition(d) & Node.DOCUMENT_POSITION_FOLLOWING), await diff.elementHandle()),
      'the summary comes before the diff');

    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('axe finds no WCAG 2.1 A/AA violation in an opened diff, light or dark, and it reflows', async () => {
  const found = [];
  for (const scheme of ['light', 'dark']) {
    const { p, context } = await site.page({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    for (const { path } of PAGES) {
      await p.goto(`${site.base}${path}`);
      await p.locator('details.diff summary').first().click();
      const result = await new AxeBuilder({ page: p }).include('details.diff').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      for (const v of result.violations) {
        found.push(`${scheme} ${path}: ${v.id} ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      }
      if (scheme === 'light') {
        await p.setViewportSize({ width: 320, height: 900 });
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) found.push(`${path}: the opened diff is ${overflow} px wider than a 320 px screen`);
        await p.setViewportSize({ width: 1280, height: 900 });
      }
    }
    await context.close();
  }
  assert.deepEqual(found, []);
});
