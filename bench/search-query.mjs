// The search client on a built site, as a first query in the browser would run it: which
// files it downloads (and their gzipped size) and how long the query takes.
//
//     node bench/search-query.mjs SITE/public nb "veikart" "4-42/23" "budsjett høring"
//
// For each query, in a fresh client: meta.json, the parts of the index its terms need and the
// texts of the 20 results shown (gzip -9 sizes), then the ranking run 41 times (median).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { tokenize, pipeline, rank, SearchData } from '../src/builtin/styre-search.js';

const [publicDir, lang, ...queries] = process.argv.slice(2);
const STEM = { nb: 'no', nn: 'no', en: 'en', ru: 'ru', ar: 'ar' }[lang];
const stem = STEM ? (await import(`../src/builtin/search/stem-${STEM}.js`)).stem : null;
const client = ['styre-search.js', STEM ? `styre-stem-${STEM}.js` : null]
  .filter(Boolean)
  .reduce((n, f) => n + gzipSync(readFileSync(join(publicDir, f)), { level: 9 }).length, 0);

for (const q of queries) {
  let bytes = client;
  const fetched = [];
  const fetchJson = async (path) => {
    const raw = readFileSync(path);
    bytes += gzipSync(raw, { level: 9 }).length;
    fetched.push(path.split('/').pop());
    return JSON.parse(raw);
  };
  const data = await new SearchData(join(publicDir, 'search', lang) + '/', fetchJson).init();
  const process_ = pipeline(data.meta.stop, stem);
  const terms = process_(tokenize(q));
  await data.need(terms);
  const hits = rank(data.index, terms, true);
  await Promise.all(hits.slice(0, 20).map((h) => data.doc(Number(h.ref))));
  const times = [];
  for (let i = 0; i < 41; i += 1) {
    const t = performance.now();
    rank(data.index, process_(tokenize(q)), true);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${lang} "${q}": ${hits.length} results; first query downloads ${(bytes / 1024).toFixed(1)} kB gzipped in ${fetched.length + 1 + (STEM ? 1 : 0)} files (${data.loadedParts.size} of ${new Set(data.meta.parts.map((p) => p[1])).size} index parts); query median ${times[20].toFixed(2)} ms (min ${times[0].toFixed(2)}, max ${times[40].toFixed(2)})`);
}
