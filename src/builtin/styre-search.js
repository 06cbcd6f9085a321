// The site search of styre: an ES module written for this project, with no third-party code.
//
// It reads the search data that `styre build` writes per language (docs/search.md): the
// language's meta.json, then only the parts of the elasticlunr index a query needs, processes a query exactly as the index side processed the text (the same
// tokenizer, trimmer, stop words and Snowball stemmer), ranks as elasticlunr 0.9.5 does (field
// boosts, tf-idf, field-length normalisation, coordination), and shows the results with the
// matched words marked. It loads nothing until the search is first used. Results are built with
// DOM methods and text nodes only, so no content can inject markup.

/** Identifiers (digits joined by - / .) and words (letters, marks, digits). */
const TOKEN = /(\p{N}+(?:[-/.]\p{N}+)+)|([\p{L}\p{M}\p{N}]+)/gu;

/**
 * The most characters (code points) a term keeps, as on the index side (`MAX_TERM_CHARS` in
 * src/render/search/mod.rs): a longer token is cut to its first 64.
 */
export const MAX_TERM = 64;

/** A token cut to `MAX_TERM` code points (a string of at most 64 UTF-16 units is never cut). */
const cut = (token) => (token.length <= MAX_TERM ? token : [...token].slice(0, MAX_TERM).join(''));

/** Splits text into tokens as the index side does: `4/42-23` → `4-42-23`, words lower-cased. */
export function tokenize(text) {
  const out = [];
  for (const m of String(text).toLowerCase().matchAll(TOKEN)) {
    out.push(cut(m[1] ? m[1].replace(/[/.]/g, '-') : m[0]));
  }
  return out;
}

const EDGE = /^[^\p{Alphabetic}\p{N}]+|[^\p{Alphabetic}\p{N}]+$/gu;

/** `styre-trimmer`: letters and digits only at either end. */
export function trim(token) {
  const t = token.replace(EDGE, '');
  return t === '' ? null : t;
}

/** The pipeline of a language: trimmer, stop words, stemmer (when the language has one). */
export function pipeline(stopWords, stem) {
  const stop = new Set(stopWords);
  return (tokens) => {
    const out = [];
    for (const token of tokens) {
      let t = trim(token);
      if (t === null || stop.has(t)) continue;
      if (stem && !/\p{N}/u.test(t)) t = stem(t);
      if (t) out.push(t);
    }
    return out;
  };
}

/**
 * Terms shorter than this are matched exactly, not expanded to every term they begin: a first
 * keystroke would otherwise fetch and rank a large share of the index.
 */
export const MIN_EXPAND = 2;

const expands = (term) => [...term].length >= MIN_EXPAND;

/** Field boosts: an identifier match outranks a title match, which outranks the text. */
export const BOOSTS = { title: 3, body: 1, ids: 10 };

/**
 * Ranks as elasticlunr 0.9.5 does with `{fields: BOOSTS, bool: "OR", expand}` (expanding terms
 * of at least `MIN_EXPAND` characters). `index` is the parsed index; returns `[{ref, score}]`,
 * best first (ties in ref order, as elasticlunr's).
 */
export function rank(index, terms, expand = false) {
  const total = index.documentStore.length;
  const results = new Map();
  for (const [field, boost] of Object.entries(BOOSTS)) {
    const root = index.index[field] && index.index[field].root;
    if (!root || boost === 0) continue;
    const scores = new Map();
    const matched = new Map();
    for (const token of terms) {
      const keys = expand && expands(token) ? expandToken(root, token) : [token];
      for (const key of keys) {
        const node = find(root, key);
        if (!node) continue;
        const idf = 1 + Math.log(total / ((node.df || 0) + 1));
        const penalty = key === token ? 1 : (1 - (key.length - token.length) / key.length) * 0.15;
        for (const [ref, posting] of Object.entries(node.docs || {})) {
          if (key === token) {
            matched.set(ref, (matched.get(ref) || 0) + 1);
          }
          const length = index.documentStore.docInfo[ref]?.[field] || 0;
          const norm = length === 0 ? 1 : 1 / Math.sqrt(length);
          const score = posting.tf * idf * norm * penalty;
          scores.set(ref, (scores.get(ref) || 0) + score);
        }
      }
    }
    for (const [ref, score] of scores) {
      const coord = matched.has(ref) ? matched.get(ref) / terms.length : 1;
      results.set(ref, (results.get(ref) || 0) + score * coord * boost);
    }
  }
  return [...results]
    .map(([ref, score]) => ({ ref, score }))
    .sort((a, b) => b.score - a.score || Number(a.ref) - Number(b.ref));
}

function find(root, key) {
  let node = root;
  for (const ch of key) {
    node = node[ch];
    if (!node) return null;
  }
  return node;
}

/** Every indexed term that starts with `token` (elasticlunr's `expandToken`). */
function expandToken(root, token) {
  const start = find(root, token);
  if (!start) return [];
  const out = [];
  const walk = (node, prefix) => {
    if (node.docs && Object.keys(node.docs).length > 0) out.push(prefix);
    for (const [ch, child] of Object.entries(node)) {
      if (ch !== 'docs' && ch !== 'df') walk(child, prefix + ch);
    }
  };
  walk(start, token);
  return out;
}

/** Merges the trie `from` into `into` (each term's postings live in exactly one part). */
function mergeTrie(into, from) {
  for (const [key, value] of Object.entries(from)) {
    if (key === 'docs') {
      if (Object.keys(value).length > 0) into.docs = value;
    } else if (key === 'df') {
      if (value) into.df = value;
    } else {
      if (!into[key]) into[key] = { docs: {}, df: 0 };
      mergeTrie(into[key], value);
    }
  }
}

/**
 * A language's search data, loaded piece by piece from `base` (`/search/nb/`): `meta.json`
 * first, then the parts of the index that a query's terms need, and the summaries of the
 * results shown. `index` is an elasticlunr index holding the parts loaded so far.
 */
export class SearchData {
  constructor(base, fetchJson) {
    this.base = base;
    this.fetchJson = fetchJson;
    this.loadedParts = new Set();
    this.texts = new Map();
  }

  async init() {
    const meta = await this.fetchJson(`${this.base}meta.json`);
    this.meta = meta;
    // elasticlunr's documentStore, rebuilt from the compact field lengths (with an empty
    // entry per document in `docs`, as an index without saved documents has).
    const docInfo = {};
    const docs = {};
    for (let n = 0; n < meta.length; n += 1) {
      const info = {};
      for (const field of meta.fields) info[field] = meta.lengths[field][n];
      docInfo[n] = info;
      docs[n] = {};
    }
    const documentStore = { save: false, docs, docInfo, length: meta.length };
    this.index = { version: meta.version, fields: meta.fields, ref: meta.ref, pipeline: meta.pipeline, documentStore, index: {} };
    for (const field of meta.fields) this.index.index[field] = { root: { docs: {}, df: 0 } };
    return this;
  }

  /** Loads the parts holding terms that start with, or begin, any of `terms`. */
  async need(terms) {
    const wanted = new Set();
    for (const [prefix, part] of this.meta.parts) {
      if (terms.some((t) => t.startsWith(prefix) || (expands(t) && prefix.startsWith(t)))) wanted.add(part);
    }
    const missing = [...wanted].filter((p) => !this.loadedParts.has(p));
    const parts = await Promise.all(missing.map((p) => this.fetchJson(`${this.base}terms-${p}.json`)));
    parts.forEach((part, i) => {
      this.loadedParts.add(missing[i]);
      for (const field of this.meta.fields) mergeTrie(this.index.index[field].root, part.index[field].root);
    });
  }

  /** What the filters need of document `ref`: type, date, body. */
  facets(ref) {
    const [k, d, b] = this.meta.docs[ref];
    return { k, d, b };
  }

  /** Everything a result shows of document `ref` (loading the chunk that holds its texts). */
  async doc(ref) {
    const chunk = Math.floor(ref / this.meta.chunk);
    if (!this.texts.has(chunk)) this.texts.set(chunk, this.fetchJson(`${this.base}text-${chunk}.json`));
    const [t, u, s, l] = (await this.texts.get(chunk))[ref % this.meta.chunk];
    return { ...this.facets(ref), t, u, s, l };
  }
}

/** The words of `text` as text nodes, with those whose terms are in `terms` in `<mark>`. */
function highlight(text, terms, process) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const word = m[0];
    const hit = process(tokenize(word)).some((t) => terms.has(t));
    if (!hit) continue;
    if (m.index > last) frag.append(text.slice(last, m.index));
    const mark = document.createElement('mark');
    mark.textContent = word;
    frag.append(mark);
    last = m.index + word.length;
  }
  if (last < text.length) frag.append(text.slice(last));
  return frag;
}

function plural(forms, lang, n) {
  let category = 'other';
  try {
    category = new Intl.PluralRules(lang).select(n);
  } catch {
    category = n === 1 ? 'one' : 'other';
  }
  const form = forms[category] || forms.other || '{n}';
  return form.replace('{n}', new Intl.NumberFormat(lang).format(n));
}

/**
 * `ymd` (`2023-11-30`) as the page's language writes a date: the pattern (`{d}`, `{month}`,
 * `{yyyy}`) and month names of its interface strings, as the server's `format_date` does.
 */
export function formatDate(ymd, pattern, months) {
  const [y, m, d] = ymd.slice(0, 10).split('-');
  const month = months[Number(m) - 1];
  if (!pattern || !month || !d) return ymd;
  return pattern.replace('{d}', String(Number(d))).replace('{month}', month).replace('{yyyy}', y);
}

/** Connects a search form (`form[data-styre-search]`) to its results list. */
function connect(form) {
  const d = form.dataset;
  const input = form.querySelector('input[type=search]');
  const status = document.getElementById('search-status');
  const list = document.getElementById('search-results');
  const title = document.getElementById('search-results-title');
  const types = JSON.parse(d.types || '{}');
  const dirs = JSON.parse(d.dirs || '{}');
  const counts = JSON.parse(d.count || '{}');
  const months = JSON.parse(d.months || '[]');
  let loaded = null;

  const load = () => {
    if (!loaded) {
      if (status) status.textContent = d.loading || '';
      const fetchJson = (url) => fetch(url).then((r) => r.json());
      loaded = Promise.all([
        new SearchData(d.base, fetchJson).init(),
        d.stemmer ? import(d.stemmer).then((m) => m.stem) : Promise.resolve(null),
      ]).then(([data, stem]) => ({ data, process: pipeline(data.meta.stop, stem) }));
    }
    return loaded;
  };

  const run = async () => {
    const query = input.value.trim();
    const { data, process } = await load();
    const terms = process(tokenize(query));
    await data.need(terms);
    const filters = Object.fromEntries(
      [...form.querySelectorAll('select')].filter((s) => s.value).map((s) => [s.name, s.value]),
    );
    const hits = terms.length === 0 ? [] : rank(data.index, terms, true)
      .filter(({ ref }) => {
        const f = data.facets(Number(ref));
        return (!filters.type || f.k === filters.type)
          && (!filters.body || f.b === filters.body)
          && (!filters.year || (f.d || '').startsWith(filters.year));
      });
    const shown = await Promise.all(hits.slice(0, 20).map((h) => data.doc(Number(h.ref))));
    if (input.value.trim() !== query) return; // a newer query is on its way
    list.replaceChildren();
    const wanted = new Set(terms);
    for (const doc of shown) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = doc.u;
      link.append(highlight(doc.t, wanted, process));
      // Texts in another language carry its lang and direction (a Norwegian title on an
      // Arabic page reads left to right).
      const foreign = (el) => {
        if (!doc.l) return;
        el.lang = doc.l;
        el.dir = dirs[doc.l] || 'auto';
      };
      foreign(link);
      const heading = document.createElement('h3');
      heading.append(link);
      const meta = document.createElement('p');
      meta.className = 'meta';
      meta.append(types[doc.k] || doc.k);
      if (doc.d) {
        const time = document.createElement('time');
        time.dateTime = doc.d;
        time.dir = 'auto';
        time.textContent = formatDate(doc.d, d.datePattern, months);
        meta.append(' · ', time);
      }
      const summary = document.createElement('p');
      summary.append(highlight(doc.s || '', wanted, process));
      foreign(summary);
      item.append(heading, meta, summary);
      list.append(item);
    }
    if (title) title.hidden = query === '';
    if (status) {
      status.textContent = query === '' ? '' : hits.length === 0 ? d.none || '' : plural(counts, d.lang, hits.length);
    }
    const url = new URL(window.location.href);
    if (query) url.searchParams.set('q', query); else url.searchParams.delete('q');
    window.history.replaceState(null, '', url);
  };

  let timer = 0;
  input.addEventListener('focus', load, { once: true });
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  // Filters apply at once; the field's own change event (on leaving it) must not rebuild the
  // list under the reader's focus.
  form.addEventListener('change', (event) => {
    if (event.target instanceof HTMLSelectElement) run();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  form.hidden = false;
  for (const fallback of document.querySelectorAll('[data-search-fallback]')) fallback.hidden = true;
  const initial = new URL(window.location.href).searchParams.get('q');
  if (initial) {
    input.value = initial;
    run();
  }
}

if (typeof document !== 'undefined') {
  for (const form of document.querySelectorAll('form[data-styre-search]')) connect(form);
}
