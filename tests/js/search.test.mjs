// The search client against elasticlunr.js 0.9.5 (from npm): each language's index file loads
// in elasticlunr once our pipeline functions are registered, and our client's ranking gives the
// same top results as elasticlunr's own search on a set of queries. Reads the indexes of the
// bundled portal, built into `public/` (or $STYRE_PUBLIC) by `cargo run --release -- build`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import elasticlunr from 'elasticlunr';
import { tokenize, trim, pipeline, rank, BOOSTS, SearchData } from '../../src/builtin/styre-search.js';

const PUBLIC = process.env.STYRE_PUBLIC || 'public';
const STEMMERS = { nb: 'no', nn: 'no', en: 'en', ru: 'ru', ar: 'ar' };

const fetchJson = async (url) => JSON.parse(readFileSync(url, 'utf8'));

/** The language's search data as the client loads it; with `all`, every part of the index. */
async function load(lang, all = true) {
  const data = await new SearchData(join(PUBLIC, 'search', lang) + '/', fetchJson).init();
  if (all) await data.need(data.meta.parts.map(([prefix]) => prefix));
  const stem = STEMMERS[lang]
    ? (await import(`../../src/builtin/search/stem-${STEMMERS[lang]}.js`)).stem
    : null;
  return { data, index: data.index, store: { stop: data.meta.stop }, stem, process: pipeline(data.meta.stop, stem) };
}

/** elasticlunr.js with our tokenizer and pipeline functions registered under their names. */
function elasticlunrIndex({ index, store, stem }) {
  const stop = new Set(store.stop);
  const lang = index.pipeline.find((n) => n.startsWith('styre-stop-')).slice('styre-stop-'.length);
  const functions = {
    'styre-trimmer': (t) => trim(t),
    [`styre-stop-${lang}`]: (t) => (stop.has(t) ? undefined : t),
    [`styre-stem-${lang}`]: (t) => (/\p{N}/u.test(t) ? t : stem(t)),
  };
  for (const name of index.pipeline) {
    assert.ok(functions[name], `a function for ${name}`);
    elasticlunr.Pipeline.registerFunction(functions[name], name);
  }
  elasticlunr.tokenizer = tokenize;
  return elasticlunr.Index.load(index);
}

const CONFIG = {
  fields: Object.fromEntries(Object.entries(BOOSTS).map(([f, boost]) => [f, { boost }])),
  bool: 'OR',
  expand: true,
};

const QUERIES = {
  nb: ['4-42/23', '4/42-23', 'sak 4-42/23', '42/23', '12/21', 'veikart', 'helsenorge innbyggere', 'møteplan 2024', 'digitale tjenester', 'fastlege'],
  en: ['4-42/23', 'case 4/42-23', 'roadmap', 'delivery plan', 'citizens digital services', 'meeting plan'],
  ar: ['4-42/23', '12/21', 'veikart', 'helsenorge'],
  se: ['4-42/23', 'geaidnokárta', 'buvttastivra'],
  ru: ['4-42/23', 'helsenorge'],
};

for (const [lang, queries] of Object.entries(QUERIES)) {
  test(`${lang}: elasticlunr.js loads the index and ranks as our client does`, async () => {
    const data = await load(lang);
    const idx = elasticlunrIndex(data);
    for (const q of queries) {
      const theirs = idx.search(q, CONFIG).map((r) => r.ref);
      // Our client loads only the parts the query needs.
      const partial = await load(lang, false);
      const terms = partial.process(tokenize(q));
      await partial.data.need(terms);
      assert.ok(partial.data.loadedParts.size <= partial.data.meta.parts.length);
      const ours = rank(partial.index, terms, true).map((r) => r.ref);
      assert.ok(ours.length > 0, `${lang} "${q}" finds something`);
      assert.deepEqual(ours.slice(0, 10), theirs.slice(0, 10), `${lang} "${q}"`);
    }
  });
}

test('case IDs in every written form, and the meeting number, bring the case first', async () => {
  for (const lang of ['nb', 'en', 'ar', 'se']) {
    const data = await load(lang);
    for (const q of ['4-42/23', '4/42-23', 'sak 4-42/23', '42/23']) {
      const [first] = rank(data.index, data.process(tokenize(q)), true);
      assert.match((await data.data.doc(Number(first.ref))).t, /^4-42\/23 /, `${lang} "${q}"`);
    }
    // The meeting that presents the case comes next.
    const [, second] = rank(data.index, data.process(tokenize('4-42/23')), true);
    assert.equal((await data.data.doc(Number(second.ref))).k, 'meeting', `${lang} meeting`);
    const [first] = rank(data.index, data.process(tokenize('12/21')), true);
    assert.match((await data.data.doc(Number(first.ref))).t, /^12\/21 /, `${lang} 12/21`);
  }
});

test('the tokenizer and trimmer match the index side', () => {
  assert.deepEqual(tokenize('Sak 4-42/23 og 12/21.'), ['sak', '4-42-23', 'og', '12-21']);
  assert.deepEqual(tokenize('møtet 28.09.23'), ['møtet', '28-09-23']);
  assert.deepEqual(tokenize('الحالة 4-42/23'), ['الحالة', '4-42-23']);
  // Long tokens are cut to 64 code points, as the index cuts them (src/render/search/mod.rs).
  assert.deepEqual(tokenize('a'.repeat(100)), ['a'.repeat(64)]);
  assert.deepEqual(tokenize('\u{10400}'.repeat(100)), ['\u{10428}'.repeat(64)]);
  assert.equal(trim('--x--'), 'x');
  assert.equal(trim('…'), null);
});

test('every part of an index loads in elasticlunr.js on its own', async () => {
  const { data } = await load('nb', false);
  const parts = new Set(data.meta.parts.map(([, n]) => n));
  for (const n of parts) {
    const part = JSON.parse(readFileSync(join(PUBLIC, 'search', 'nb', `terms-${n}.json`), 'utf8'));
    const idx = elasticlunr.Index.load(part);
    assert.deepEqual(idx.getFields(), ['title', 'body', 'ids']);
  }
});

test('a one-letter term is matched exactly, not expanded', async () => {
  const data = await load('nb', false);
  await data.data.need(['s']);
  const all = new Set(data.data.meta.parts.map(([, n]) => n));
  assert.ok(data.data.loadedParts.size <= 1, `one part at most, of ${all.size}`);
  const full = await load('nb');
  const exact = rank(full.index, ['s'], true).length;
  const expanded = elasticlunrIndex(full).search('s', CONFIG).length;
  assert.ok(exact < expanded, `${exact} exact matches, ${expanded} by expansion`);
});
