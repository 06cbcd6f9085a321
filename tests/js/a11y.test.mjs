// Accessibility of every page type, in a real browser: axe-core with the WCAG 2.0, 2.1 and 2.2
// A and AA rules reports no violation on any page type in bokmål, English, Northern Sámi and Arabic
// (reached through each page's own language switcher), in light and dark colour schemes; a
// keyboard-only reader goes from the skip link through search to a case and on to another
// language; screenshots at 375 and 1280 px are written for review (to $STYRE_SCREENSHOTS, by
// default target/screenshots/); no request leaves 127.0.0.1.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { servePortal } from './support/site.mjs';

const SHOTS = process.env.STYRE_SCREENSHOTS || 'target/screenshots';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Every page type of the portal, by its bokmål address. */
const PAGE_TYPES = {
  home: '/',
  body: '/produktstyret/',
  mandate: '/produktstyret/mandat/',
  'mandate-2016': '/produktstyret/mandat-2016/',
  strategy: '/strategi/',
  roadmap: '/veikart/',
  'delivery-plan': '/leveranseplan/',
  archive: '/produktstyret/moter/',
  'archive-year': '/produktstyret/arkiv/2023/',
  meeting: '/produktstyret/moter/mote-42/',
  case: '/produktstyret/saker/4-42-23/',
  'meeting-plan': '/produktstyret/moteplan-2024/',
  decisions: '/vedtak/',
  'follow-ups': '/oppfolging/',
  search: '/sok/',
  'open-data': '/data/',
  figures: '/tall/',
  dataset: '/tall/helsenorge-i-bruk-2023/',
  accessibility: '/tilgjengelighet/',
  'not-found': '/finnes-ikke/',
};
const LANGS = ['nb', 'en', 'se', 'ar'];

let site;

before(async () => {
  site = await servePortal();
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await site?.close();
  assert.deepEqual(site?.outside, [], 'no request leaves 127.0.0.1');
});

/** The address of bokmål page `path` in `lang`, as its language switcher links it. */
async function inLanguage(p, path, lang) {
  await p.goto(site.base + path);
  if (lang === 'nb') return site.base + path;
  const href = await p.locator(`nav .languages a[hreflang="${lang}"]`).getAttribute('href');
  assert.ok(href, `${path} links its ${lang} version`);
  return href;
}

for (const lang of LANGS) {
  test(`${lang}: axe finds no WCAG 2.2 A/AA violation on any page type, light or dark`, async () => {
    const found = [];
    for (const scheme of ['light', 'dark']) {
      const { p, errors, context } = await site.page({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
      for (const [name, path] of Object.entries(PAGE_TYPES)) {
        const missing = name === 'not-found';
        const url = missing ? `${site.base}${lang === 'nb' ? '' : `/${lang}`}${path}` : await inLanguage(p, path, lang);
        errors.splice(0);
        const response = await p.goto(url);
        const problems = [];
        if (response.status() !== (missing ? 404 : 200)) problems.push(`status ${response.status()}`);
        if (await p.getAttribute('html', 'lang') !== lang) problems.push('<html lang>');
        if (await p.getAttribute('html', 'dir') !== (lang === 'ar' ? 'rtl' : 'ltr')) problems.push('<html dir>');
        // Script errors and Content-Security-Policy violations of the page itself (axe, run
        // next, injects what the policy forbids); the 404 page's own status is not one.
        problems.push(...errors.splice(0).filter((e) => !(missing && e.includes('status of 404'))));
        for (const problem of problems) found.push(`${scheme} ${name} ${url}: ${problem}`);
        const result = await new AxeBuilder({ page: p }).withTags(TAGS).analyze();
        for (const v of result.violations) {
          found.push(`${scheme} ${name} ${url}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\n/g, ' ')).join('\n    ')}`);
        }
        if (scheme === 'light') {
          // Reflow (WCAG 1.4.10): nothing wider than a 320 px screen but what scrolls inside
          // its own box (wide tables, code).
          await p.setViewportSize({ width: 320, height: 900 });
          const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (overflow > 0) found.push(`${name} ${url}: ${overflow} px wider than a 320 px screen`);
          for (const width of [375, 1280]) {
            await p.setViewportSize({ width, height: 900 });
            await p.screenshot({ path: join(SHOTS, `${lang}-${name}-${width}.png`), fullPage: true });
          }
          await p.setViewportSize({ width: 1280, height: 900 });
        }
      }
      await context.close();
    }
    assert.deepEqual(found, [], found.join('\n'));
  });
}

test('axe is live: a page made to fail is reported', async () => {
  const { p, context } = await site.page();
  await p.goto(`${site.base}/`);
  await p.evaluate(() => {
    const img = document.createElement('img');
    img.src = '/missing.png';
    document.querySelector('main').append(img);
    document.documentElement.removeAttribute('lang');
  });
  const result = await new AxeBuilder({ page: p }).withTags(TAGS).analyze();
  assert.deepEqual(result.violations.map((v) => v.id).sort(), ['html-has-lang', 'image-alt']);
  await context.close();
});

/** What has keyboard focus: tag, id, text, href and whether a focus ring is drawn. */
function focused(p) {
  return p.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      text: el.textContent.trim().replace(/\s+/g, ' ').slice(0, 80),
      href: el.getAttribute('href'),
      hreflang: el.getAttribute('hreflang'),
      ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/** Presses Tab until `want(focused)` holds, at most `limit` times; every stop shows a ring. */
async function tabTo(p, want, limit = 40) {
  for (let i = 0; i < limit; i += 1) {
    await p.keyboard.press('Tab');
    const f = await focused(p);
    if (f.tag !== 'body' && f.tag !== 'main') assert.ok(f.ring, `focus is visible on ${JSON.stringify(f)}`);
    if (want(f)) return f;
  }
  assert.fail(`not reached by Tab within ${limit} presses`);
}

test('keyboard only: skip link, search, a case, another language', async () => {
  const { p, errors, context } = await site.page({ viewport: { width: 1280, height: 900 } });
  await p.goto(`${site.base}/`);
  // The first Tab lands on the skip link, which moves focus to the main content.
  await p.keyboard.press('Tab');
  let f = await focused(p);
  assert.equal(f.text, 'Hopp til innholdet');
  assert.ok(f.ring, 'the skip link shows its focus');
  assert.ok(await p.locator('.skip-link').isVisible(), 'and is visible when focused');
  await p.keyboard.press('Enter');
  assert.equal((await focused(p)).id, 'main');
  // From the main content, the way to search.
  await tabTo(p, (x) => x.href?.endsWith('/sok/'));
  await p.keyboard.press('Enter');
  await p.waitForURL(`${site.base}/sok/`);
  await tabTo(p, (x) => x.id === 'search-query');
  await p.keyboard.type('4/42-23');
  await p.locator('#search-results li a').first().waitFor();
  assert.match(await p.locator('#search-status').textContent(), /treff/);
  f = await tabTo(p, (x) => x.href?.endsWith('/produktstyret/saker/4-42-23/'));
  await p.keyboard.press('Enter');
  await p.waitForURL(`${site.base}/produktstyret/saker/4-42-23/`);
  assert.match(await p.locator('h1').textContent(), /4-42\/23/);
  // The language picker opens from the keyboard; English is one Tab away from its neighbours.
  await tabTo(p, (x) => x.tag === 'summary');
  await p.keyboard.press('Enter');
  await tabTo(p, (x) => x.hreflang === 'en');
  await p.keyboard.press('Enter');
  await p.waitForURL(`${site.base}/en/product-board/cases/4-42-23/`);
  assert.equal(await p.getAttribute('html', 'lang'), 'en');
  assert.match(await p.locator('h1').textContent(), /Roadmap for Helsenorge/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the meeting prints on A4 without navigation, each case on a new page', async () => {
  const { p, context } = await site.page();
  await p.goto(`${site.base}/produktstyret/moter/mote-42/`);
  await p.emulateMedia({ media: 'print' });
  for (const hidden of ['.main-nav', '.tools', '.breadcrumbs', '.skip-link', '.permalink']) {
    assert.ok(await p.locator(hidden).count() > 0, `${hidden} is on the page`);
    assert.equal(await p.locator(hidden).first().isVisible(), false, `${hidden} is not printed`);
  }
  const breaks = await p.locator('.case').evaluateAll((cases) => cases.map((c) => getComputedStyle(c).breakBefore));
  assert.ok(breaks.length >= 10 && breaks.every((b) => b === 'page'), breaks.join());
  const pdf = await p.pdf({ format: 'A4' });
  await import('node:fs').then((fs) => fs.writeFileSync(join(SHOTS, 'nb-meeting-print.pdf'), pdf));
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g).length;
  assert.ok(pages >= 11, `the agenda and a page per case: ${pages} pages`);
  await context.close();
});

test('text at 200 %, forced colours and reduced motion, on every page type in nb and ar', async () => {
  const found = [];
  for (const lang of ['nb', 'ar']) {
    for (const forced of ['none', 'active']) {
      const { p, context } = await site.page({ forcedColors: forced, reducedMotion: 'reduce', viewport: { width: 1280, height: 900 } });
      for (const [name, path] of Object.entries(PAGE_TYPES)) {
        const missing = name === 'not-found';
        const url = missing ? `${site.base}${lang === 'nb' ? '' : `/${lang}`}${path}` : await inLanguage(p, path, lang);
        await p.goto(url);
        if (forced === 'active') {
          // Windows high contrast: screenshots for review; every status, focus ring and
          // roadmap mark keeps a visible border or text (not a background colour alone).
          await p.screenshot({ path: join(SHOTS, `forced-${lang}-${name}-1280.png`), fullPage: true });
          // A status badge keeps its outline (a tinted background is dropped in this mode).
          const bare = await p.locator('.status').evaluateAll((ss) => ss.filter((s) => {
            const st = getComputedStyle(s);
            return st.borderStyle === 'none' || parseFloat(st.borderWidth) === 0;
          }).length);
          if (bare > 0) found.push(`forced ${lang} ${name}: ${bare} statuses without an outline`);
          continue;
        }
        // Reduced motion: nothing moves, nothing scrolls smoothly.
        const moving = await p.evaluate(() => [...document.querySelectorAll('*')].filter((e) => {
          const st = getComputedStyle(e);
          return parseFloat(st.transitionDuration) > 0 || (st.animationName !== 'none' && parseFloat(st.animationDuration) > 0);
        }).map((e) => e.tagName).slice(0, 5));
        if (moving.length) found.push(`${lang} ${name}: moves with reduced motion: ${moving.join(', ')}`);
        if (await p.evaluate(() => getComputedStyle(document.documentElement).scrollBehavior) === 'smooth') found.push(`${lang} ${name}: smooth scrolling with reduced motion`);
        // Text at 200 % (WCAG 1.4.4): nothing sideways beyond the screen, nothing cut off.
        await p.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) found.push(`${lang} ${name}: ${overflow} px sideways at 200 % text`);
        const clipped = await p.evaluate(() => [...document.querySelectorAll('h1, h2, nav a, main p, label, button')].filter((e) => {
          const st = getComputedStyle(e);
          return (st.overflow === 'hidden' || st.textOverflow === 'ellipsis') && e.scrollWidth > e.clientWidth + 1 && !e.closest('.visually-hidden, .skip-link');
        }).map((e) => e.textContent.trim().slice(0, 30)));
        if (clipped.length) found.push(`${lang} ${name}: text cut off at 200 %: ${clipped.join(' | ')}`);
        if (name === 'meeting' || name === 'roadmap') await p.screenshot({ path: join(SHOTS, `zoom200-${lang}-${name}-1280.png`), fullPage: true });
      }
      await context.close();
    }
  }
  assert.deepEqual(found, [], found.join('\n'));
});

test('focus is never hidden under the header (WCAG 2.4.11): every Tab stop on a long page is in view', async () => {
  const { p, context } = await site.page({ viewport: { width: 1280, height: 700 } });
  for (const path of ['/produktstyret/moter/mote-42/', '/veikart/']) {
    await p.goto(`${site.base}${path}`);
    for (let i = 0; i < 60; i += 1) {
      await p.keyboard.press('Tab');
      // The page may scroll smoothly to the focused element: wait until it has come to rest.
      await p.evaluate(() => new Promise((done) => {
        let last = -1;
        const tick = () => (scrollY === last ? done() : ((last = scrollY), setTimeout(tick, 50)));
        tick();
      }));
      const hidden = await p.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) return null;
        const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
        const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
        const hit = document.elementFromPoint(x, y);
        return hit && (hit === el || el.contains(hit) || hit.contains(el)) ? null : `${el.tagName} ${el.textContent.trim().slice(0, 40)} under ${hit?.tagName}.${hit?.className}`;
      });
      assert.equal(hidden, null, `${path}: Tab stop ${i + 1} is covered: ${hidden}`);
    }
  }
  await context.close();
});
