// The search page in a real browser: Debian's Chromium driven by playwright-core. The bundled
// portal is built for a loopback address and served by a small static server; no request may
// leave 127.0.0.1. A reader types a word and a case ID, sees results, filters them and follows
// one; without JavaScript the page explains itself and offers the registers; Arabic works
// right to left.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePortal } from './support/site.mjs';

const site = usePortal();

test('a word and a case ID find results, which filter and lead to the case', async () => {
  const { p, errors, context } = await site.page();
  const fetched = [];
  p.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await p.goto(`${site.base}/sok/`);
  assert.ok(!fetched.some((f) => f.startsWith('/search/')), 'nothing is loaded before search is used');
  const input = p.getByLabel('Søk i saker, vedtak og dokumenter');
  await input.focus();
  await input.fill('veikart');
  await p.locator('#search-results li').first().waitFor();
  assert.ok(fetched.includes('/search/nb/meta.json') && fetched.includes('/styre-stem-no.js'));
  assert.ok(fetched.some((f) => /^\/search\/nb\/terms-\d+\.json$/.test(f)), 'a part of the index');
  const status = await p.locator('#search-status').textContent();
  assert.match(status, /^\d+ treff$/, status);
  assert.ok(await p.locator('#search-results mark').count() > 0, 'matched words are marked');

  await p.getByLabel('Type').selectOption('roadmap_item');
  await p.waitForFunction(() => [...document.querySelectorAll('#search-results .meta')].every((m) => m.textContent.startsWith('Tiltak i veikartet')));

  await p.getByLabel('Type').selectOption('');
  await input.fill('4/42-23');
  await p.waitForFunction(() => document.querySelector('#search-results li a')?.textContent.startsWith('4-42/23'));
  assert.equal(await p.locator('#search-results li time').first().textContent(), '30. november 2023', 'dates read as Norwegian');
  // Followed by keyboard.
  await p.locator('#search-results li a').first().focus();
  await p.keyboard.press('Enter');
  await p.waitForURL(`${site.base}/produktstyret/saker/4-42-23/`);
  assert.match(await p.locator('h1').textContent(), /4-42\/23/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an Arabic reader searches right to left', async () => {
  const { p, errors, context } = await site.page();
  await p.goto(`${site.base}/ar/search/`);
  assert.equal(await p.getAttribute('html', 'dir'), 'rtl');
  const input = p.locator('#search-query');
  await input.fill('12/21');
  await p.waitForFunction(() => document.querySelector('#search-results li a')?.textContent.startsWith('12/21'));
  const first = p.locator('#search-results li a').first();
  assert.equal(await first.getAttribute('lang'), 'nb', 'the Norwegian title is marked');
  assert.equal(await first.getAttribute('dir'), 'ltr', 'and reads left to right');
  // The date as the page's language writes it, isolated from the text around it.
  const time = p.locator('#search-results li time').first();
  assert.equal(await time.getAttribute('dir'), 'auto');
  assert.equal(await time.getAttribute('datetime'), '2021-05-06');
  assert.equal(await time.textContent(), '6 مايو 2021');
  assert.equal(await p.locator('.search-page > p span[dir="ltr"]').first().textContent(), '4-42/23');
  assert.deepEqual(errors, []);
  await context.close();
});

test('without JavaScript the page explains itself and offers the registers', async () => {
  const { p, context } = await site.page({ javaScriptEnabled: false });
  await p.goto(`${site.base}/en/search/`);
  assert.equal(await p.locator('form.search').isVisible(), false);
  assert.match(await p.locator('.search-fallback').textContent(), /needs JavaScript/);
  assert.equal(await p.locator('.search-fallback a[href$="/en/decisions/"]').count(), 1);
  await context.close();
});
