// Times the search client on a built site: loads a language's index and store as the browser
// would (parse the JSON), then runs each query many times through the same code the browser
// runs (tokenizer, pipeline, ranking) and prints the median time per query.
//
//     node bench/search-query.mjs SITE/public nb "veikart" "4-42/23" "budsjett høring"

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { tokenize, pipeline, rank } from '../src/builtin/styre-search.js';

const [publicDir, lang, ...queries] = process.argv.slice(2);
const STEM = { nb: 'no', nn: 'no', en: 'en', ru: 'ru', ar: 'ar' }[lang];
const stem = STEM ? (await import(`../src/builtin/search/stem-${STEM}.js`)).stem : null;
let t = performance.now();
const index = JSON.parse(readFileSync(join(publicDir, 'search', `${lang}.index.json`), 'utf8'));
const store = JSON.parse(readFileSync(join(publicDir, 'search', `${lang}.store.json`), 'utf8'));
const loadMs = performance.now() - t;
const process_ = pipeline(store.stop, stem);
console.log(`${lang}: ${store.docs.length} documents; parsing index and store: ${loadMs.toFixed(1)} ms`);
for (const q of queries) {
  const times = [];
  let hits = 0;
  for (let i = 0; i < 41; i += 1) {
    t = performance.now();
    hits = rank(index, process_(tokenize(q)), true).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`"${q}": ${hits} results, median ${times[20].toFixed(2)} ms (min ${times[0].toFixed(2)}, max ${times[40].toFixed(2)})`);
}
