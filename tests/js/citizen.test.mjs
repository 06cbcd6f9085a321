// What a citizen reads, in a real browser (Debian's Chromium driven by playwright-core): the
// bundled portal served on loopback under the strict Content-Security-Policy. Each test reads the
// pages as a reader would and fails on a fault a public body cannot publish.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { usePortal } from './support/site.mjs';

const site = usePortal();

/** Whether the case page at `href` shows a recorded decision (and not "not published"). */
async function showsDecision(p, href) {
  await p.goto(href);
  const decision = await p.locator('.case-page .decision').count();
  const note = await p.locator('.case-page p.note').count();
  return decision > 0 && note === 0;
}

test('only cases with a recorded decision are listed as decisions', async () => {
  const { p, errors, context } = await site.page();
  for (const [front, register, none] of [
    ['/', '/vedtak/', 'Ingen vedtak er publisert ennå.'],
    ['/en/', '/en/decisions/', 'No decisions have been published yet.'],
  ]) {
    // The front page's latest decisions: each leads to a case page that shows its decision.
    await p.goto(`${site.base}${front}`);
    const latest = p.locator('section[aria-labelledby="latest-decisions"]');
    const links = await latest.locator('a.case-ref').evaluateAll((as) => as.map((a) => a.href));
    if (links.length === 0) assert.equal(await latest.locator('p').first().textContent(), none);
    for (const href of links) assert.ok(await showsDecision(p, href), `${href} is listed as a decision on ${front}`);

    // The register: the decisions list holds recorded decisions only; the cases put up for a
    // decision that is not recorded are listed apart, and their pages say so.
    await p.goto(`${site.base}${register}`);
    const decided = await p.locator('#decisions > li').evaluateAll((lis) =>
      lis.map((li) => ({ href: li.querySelector('a.case-ref').href, decision: !!li.querySelector('.decision') })));
    for (const d of decided) {
      assert.ok(d.decision, `${d.href} is in the register without its decision`);
      assert.ok(await showsDecision(p, d.href), `${d.href}: the register and the case page disagree`);
    }
    await p.goto(`${site.base}${register}`);
    if (decided.length === 0) assert.equal(await p.locator('.register > p.note').textContent(), none);
    const pending = await p.locator('#pending > li a.case-ref').evaluateAll((as) => as.map((a) => a.href));
    assert.ok(pending.length > 0, 'the seeds put cases up for decision without a recorded decision');
    for (const href of pending) assert.equal(await showsDecision(p, href), false, `${href} is pending but shows a decision`);
  }

  // The decision feed carries recorded decisions only, each with its text.
  const feed = await (await context.request.get(`${site.base}/vedtak/atom.xml`)).text();
  for (const entry of feed.split('<entry>').slice(1)) {
    assert.match(entry, /<content type="html">[^<]+<\/content>/, 'an entry without a decision');
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('the portal publishes /.well-known/security.txt', async () => {
  const { context } = await site.page();
  const res = await context.request.get(`${site.base}/.well-known/security.txt`);
  assert.equal(res.status(), 200);
  const text = await res.text();
  assert.match(text, /^Contact: mailto:/m);
  assert.match(text, /^Expires: \d{4}-\d\d-\d\dT/m);
  await context.close();
});

test('a meeting page folds each case background, opens by keyboard and prints in full', async () => {
  const { p, errors, context } = await site.page({ viewport: { width: 1280, height: 900 } });
  await p.goto(`${site.base}/produktstyret/moter/mote-42/`);
  // The agenda is the table of contents: each row links to its case on the page.
  const anchors = await p.locator('table.agenda a.case-ref').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.equal(anchors.length, 10);
  for (const a of anchors) assert.equal(await p.locator(`section.case${a}`).count(), 1, a);
  // Proposals stay in view; the long backgrounds are folded.
  const folded = p.locator('section.case details.case-background');
  const n = await folded.count();
  assert.ok(n >= 5, `${n} backgrounds folded`);
  assert.equal(await p.locator('section.case > .case-text:not(.proposal):not(.decision)').count(), 0, 'no background left unfolded');
  const proposals = await p.locator('section.case .proposal').evaluateAll((ps) => ps.map((x) => x.checkVisibility()));
  assert.ok(proposals.length >= 3 && proposals.every(Boolean), 'proposals are in view');
  const closed = await p.evaluate(() => document.documentElement.scrollHeight);
  await p.evaluate(() => document.querySelectorAll('details.case-background').forEach((d) => { d.open = true; }));
  const open = await p.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(closed < open * 0.7, `folded ${closed} px, unfolded ${open} px`);
  await p.evaluate(() => document.querySelectorAll('details.case-background').forEach((d) => { d.open = false; }));

  // A keyboard user opens one.
  const first = folded.first();
  await first.locator('summary').focus();
  await p.keyboard.press('Enter');
  assert.equal(await first.evaluate((d) => d.open), true);
  assert.ok(await first.locator('.case-text').isVisible());

  // On paper every background is printed, open or not.
  await p.evaluate(() => document.querySelectorAll('details.case-background').forEach((d) => { d.open = false; }));
  await p.emulateMedia({ media: 'print' });
  const printed = await folded.locator('.case-text').evaluateAll((ts) => ts.filter((t) => t.getBoundingClientRect().height > 0).length);
  assert.equal(printed, n, 'every background is printed');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the roadmap on a phone is a list per area and horizon; status is not told by colour alone', async () => {
  for (const path of ['/veikart/', '/en/roadmap/', '/ar/veikart/']) {
    const { p, errors, context } = await site.page({ viewport: { width: 375, height: 800 } });
    const res = await p.goto(`${site.base}${path}`);
    assert.equal(res.status(), 200, path);
    const grid = p.locator('table.roadmap-grid');
    assert.equal(await grid.evaluate((t) => getComputedStyle(t).display), 'block', `${path}: a list, not a table`);
    const { scroll, width } = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: innerWidth }));
    assert.ok(scroll <= width, `${path}: ${scroll} px wide on a ${width} px screen`);
    assert.ok(await p.locator('table.roadmap-grid caption').evaluate((c) => c.scrollWidth <= c.clientWidth), 'the caption is not clipped');
    // Each shown cell is labelled with its horizon, and every item is on the screen.
    const cells = await grid.locator('td:has(li)').evaluateAll((tds) => tds.map((td) => ({
      label: getComputedStyle(td, '::before').content, box: td.getBoundingClientRect(),
    })));
    assert.ok(cells.length > 5);
    for (const c of cells) {
      assert.notEqual(c.label, 'none', 'a horizon label');
      assert.ok(c.box.left >= 0 && c.box.right <= 375, 'on the screen');
    }
    const marks = await grid.locator('.status').evaluateAll((ss) => ss.map((s) => getComputedStyle(s, '::before').content));
    assert.ok(marks.length > 10 && marks.every((m) => m !== 'none' && m !== ''), 'every status has a shape');
    assert.ok(new Set(marks).size >= 2, 'statuses differ in shape');
    assert.deepEqual(errors, []);
    await context.close();
  }
  // On a wide screen it stays a grid.
  const { p, context } = await site.page({ viewport: { width: 1280, height: 900 } });
  await p.goto(`${site.base}/veikart/`);
  assert.equal(await p.locator('table.roadmap-grid').evaluate((t) => getComputedStyle(t).display), 'table');
  await context.close();
});

/**
 * The dates, times, numbers and IDs on the page whose text the bidi algorithm splits apart: on
 * some line, the element's pieces are not next to each other (other text sits between them).
 */
function splitApart() {
  const parts = document.querySelectorAll('time, .case-id, .case-ref, .time, td.number, .count');
  return [...parts].filter((e) => {
    const lines = {};
    for (const r of e.getClientRects()) if (r.width > 0) (lines[Math.round(r.top)] ||= []).push(r);
    return Object.values(lines).some((line) => {
      line.sort((a, b) => a.left - b.left);
      return line.some((r, i) => i > 0 && r.left - line[i - 1].right > 1);
    });
  }).map((e) => e.outerHTML.slice(0, 100));
}

test('in Arabic every date, number and ID reads as one piece, on every page', async () => {
  const { p, errors, context } = await site.page({ viewport: { width: 1280, height: 900 } });
  // Every Arabic page of the build, stand-ins and generated pages included.
  const pages = readdirSync(join(site.out, 'ar'), { recursive: true })
    .filter((f) => f === 'index.html' || f.endsWith('/index.html'))
    .map((f) => `/ar/${f.slice(0, -'index.html'.length)}`)
    .sort();
  assert.ok(pages.length > 40, `${pages.length} Arabic pages`);
  const kinds = new Set();
  for (const width of [1280, 375]) {
    await p.setViewportSize({ width, height: 900 });
    for (const path of pages) {
      await p.goto(`${site.base}${path}`);
      assert.equal(await p.getAttribute('html', 'dir'), 'rtl', path);
      kinds.add(await p.evaluate(() => document.querySelector('main article')?.className || document.querySelector('main > *')?.className));
      const split = await p.evaluate(splitApart);
      assert.deepEqual(split, [], `${path} at ${width} px`);
      // Every date is isolated from the text around it, in the markup (not only in CSS).
      const loose = await p.locator('time:not([dir])').count();
      assert.equal(loose, 0, `${path}: a date without dir`);
    }
  }
  assert.ok(kinds.size >= 8, `page types seen: ${[...kinds].join(', ')}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('one breadcrumb trail per page, named as its JSON-LD names it, with no step repeated', async () => {
  const { p, errors, context } = await site.page({ viewport: { width: 1280, height: 900 } });
  const paths = [
    '/produktstyret/moter/mote-42/', '/produktstyret/saker/4-42-23/', '/produktstyret/', '/produktstyret/mandat/',
    '/veikart/', '/vedtak/', '/produktstyret/arkiv/2023/', '/en/product-board/meetings/meeting-42/',
    '/en/product-board/cases/4-42-23/', '/se/produktstyret/moter/mote-42/', '/ar/produktstyret/cases/4-42-23/',
  ];
  for (const path of paths) {
    const res = await p.goto(`${site.base}${path}`);
    assert.equal(res.status(), 200, path);
    const navs = p.locator('nav.breadcrumbs');
    assert.equal(await navs.count(), 1, `${path}: one trail`);
    assert.ok(await navs.getAttribute('aria-label'), `${path}: the trail is named`);
    const crumbs = await navs.locator('li a').evaluateAll((as) => as.map((a) => ({ name: a.textContent, item: a.href })));
    const names = crumbs.map((c) => c.name);
    assert.equal(new Set(names).size, names.length, `${path}: a step repeats: ${names.join(' › ')}`);
    const h1 = await p.locator('h1').first().textContent();
    assert.ok(!names.includes(h1), `${path}: the trail repeats the heading`);
    // No second line of the same links above the heading (the case pages' kicker).
    assert.equal(await p.locator('main .kicker').count(), 0, `${path}: a kicker`);
    // The BreadcrumbList says the same.
    const lists = (await p.locator('script[type="application/ld+json"]').evaluateAll((ss) => ss.map((s) => JSON.parse(s.textContent))))
      .filter((j) => j['@type'] === 'BreadcrumbList');
    assert.equal(lists.length, 1, `${path}: one BreadcrumbList`);
    assert.deepEqual(lists[0].itemListElement.map((e) => ({ name: e.name, item: e.item })), crumbs);
    assert.deepEqual(lists[0].itemListElement.map((e) => e.position), crumbs.map((_, i) => i + 1));
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('every language has a feed with entries; the sitemap names an x-default', async () => {
  const { context } = await site.page();
  const entries = async (path) => {
    const xml = await (await context.request.get(`${site.base}${path}`)).text();
    return [...xml.matchAll(/<entry xml:lang="([^"]+)">[\s\S]*?<link rel="alternate" type="text\/html" href="([^"]+)"/g)].map((m) => ({ lang: m[1], href: m[2] }));
  };
  const nb = await entries('/atom.xml');
  assert.ok(nb.length > 0);
  for (const code of ['se', 'ar', 'uk']) {
    const feed = await entries(`/${code}/atom.xml`);
    assert.equal(feed.length, nb.length, `${code}: the untranslated pages are in the feed too`);
    for (const e of feed) {
      assert.ok(new URL(e.href).pathname.startsWith(`/${code}/`), `${code}: ${e.href} is the page in ${code}`);
      assert.ok(e.lang === code || e.lang === 'nb', `${code}: an entry marked ${e.lang}`);
    }
  }
  const sitemap = await (await context.request.get(`${site.base}/sitemap.xml`)).text();
  const urls = sitemap.split('<url>').slice(1);
  const withAlternates = urls.filter((u) => u.includes('hreflang="nb"'));
  assert.ok(withAlternates.length > 20);
  for (const u of withAlternates) {
    const nbHref = u.match(/hreflang="nb" href="([^"]+)"/)[1];
    const xDefault = [...u.matchAll(/hreflang="x-default" href="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(xDefault, [nbHref], u);
  }
  await context.close();
});

test('the front page tells the delivery plan in words and leads into it by area', async () => {
  const { p, errors, context } = await site.page({ viewport: { width: 1280, height: 900 } });
  for (const front of ['/', '/en/']) {
    await p.goto(`${site.base}${front}`);
    const glance = p.locator('section[aria-labelledby="roadmap-glance"]');
    const summary = await glance.locator('h3 + p').textContent();
    assert.match(summary, /^30 \S+: [^0-9]+ 30\.$/, `${front}: ${summary}`);
    assert.doesNotMatch(await glance.textContent(), /(^|\D)0 \//, 'no bare zero tiles');
    const links = await glance.locator('.area-links a').evaluateAll((as) => as.map((a) => a.href));
    assert.ok(links.length >= 3);
    for (const href of links) {
      await p.goto(href);
      assert.equal(await p.locator(`[id="${new URL(href).hash.slice(1)}"]`).count(), 1, href);
    }
  }
  assert.deepEqual(errors, []);
  await context.close();
});
