// English stemmer for styre's browser search client.
// Implements the Snowball "english" (Porter2) algorithm
// (https://snowballstem.org/algorithms/), written for styre so that query words
// stem exactly as the Rust index builder (rust-stemmers 1.2, Algorithm::English)
// stems them. Input: a lower-cased word. Output: its stem.
//
// The word is handled as an array of code points, so that every "character"
// counted by the algorithm is the same one the Rust side counts.

const VOWELS = new Set('aeiouy');
const VOWELS_WXY = new Set('aeiouywxY');
const VALID_LI = new Set('cdeghkmnrt');

const isVowel = (c) => VOWELS.has(c);
// A non-vowel must be an actual character: undefined (outside the word) is neither.
const isNonVowel = (c) => c !== undefined && !VOWELS.has(c);

// Whole words handled before anything else (irregular or invariant forms).
const EXCEPTIONS1 = new Map([
  ['skis', 'ski'], ['skies', 'sky'], ['dying', 'die'], ['lying', 'lie'], ['tying', 'tie'],
  ['idly', 'idl'], ['gently', 'gentl'], ['ugly', 'ugli'], ['early', 'earli'],
  ['only', 'onli'], ['singly', 'singl'],
  ['sky', 'sky'], ['news', 'news'], ['howe', 'howe'],
  ['atlas', 'atlas'], ['cosmos', 'cosmos'], ['bias', 'bias'], ['andes', 'andes'],
]);

// Words left as they are after Step 1a.
const EXCEPTIONS2 = new Set([
  'inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed',
]);

// Prefixes after which R1 starts, whatever the usual rule says.
const R1_PREFIXES = ['gener', 'commun', 'arsen'];

// --- helpers on the word (an array of code points) ---

function endsWith(w, suffix) {
  return w.length >= suffix.length && w.slice(w.length - suffix.length).join('') === suffix;
}

// The longest of `suffixes` that ends the word, or '' if none does.
function longestSuffix(w, suffixes) {
  let best = '';
  for (const suffix of suffixes) {
    if (suffix.length > best.length && endsWith(w, suffix)) best = suffix;
  }
  return best;
}

function replaceEnd(w, length, replacement) {
  w.splice(w.length - length, length, ...replacement);
}

function hasVowelBefore(w, end) {
  for (let i = 0; i < end; i++) if (isVowel(w[i])) return true;
  return false;
}

// Does w[0..end) end in a short syllable? Either non-vowel, vowel, non-vowel
// other than w, x or Y; or, at the very start of the word, vowel, non-vowel.
function endsInShortSyllable(w, end) {
  const last = w[end - 1];
  if (end >= 3 && isNonVowel(w[end - 3]) && isVowel(w[end - 2]) &&
      last !== undefined && !VOWELS_WXY.has(last)) return true;
  return end === 2 && isVowel(w[0]) && isNonVowel(last);
}

// --- prelude, regions, postlude ---

// Drops a leading apostrophe and marks consonant y's as 'Y'. Returns whether any was marked.
function prelude(w) {
  let yFound = false;
  if (w[0] === "'") w.shift();
  if (w[0] === 'y') { w[0] = 'Y'; yFound = true; }
  for (let i = 1; i < w.length; i++) {
    if (w[i] === 'y' && isVowel(w[i - 1])) { w[i] = 'Y'; yFound = true; }
  }
  return yFound;
}

// Position just after the first non-vowel that follows a vowel, at or after `from`.
function afterVowelNonVowel(w, from) {
  let i = from;
  while (i < w.length && !isVowel(w[i])) i++;
  while (i < w.length && isVowel(w[i])) i++;
  return i < w.length ? i + 1 : w.length;
}

function markRegions(w) {
  const prefix = R1_PREFIXES.find((p) => w.slice(0, p.length).join('') === p);
  const p1 = prefix ? prefix.length : afterVowelNonVowel(w, 0);
  const p2 = afterVowelNonVowel(w, p1);
  return { p1, p2 };
}

// --- the steps; each works on state { w, p1, p2 } where R1 = w[p1..], R2 = w[p2..] ---

function step1a(s) {
  const { w } = s;
  const apostrophe = longestSuffix(w, ["'", "'s", "'s'"]);
  if (apostrophe) w.length -= apostrophe.length;

  const suffix = longestSuffix(w, ['sses', 'ied', 'ies', 's', 'us', 'ss']);
  const start = w.length - suffix.length;
  switch (suffix) {
    case 'sses':
      replaceEnd(w, 4, 'ss');
      break;
    case 'ied':
    case 'ies': // "ties" -> "tie", "cries" -> "cri"
      replaceEnd(w, 3, start >= 2 ? 'i' : 'ie');
      break;
    case 's': // drop it if a vowel comes before the letter preceding it
      if (hasVowelBefore(w, start - 1)) w.length -= 1;
      break;
    // 'us' and 'ss' stay as they are
  }
}

function step1b(s) {
  const { w } = s;
  const suffix = longestSuffix(w, ['eed', 'eedly', 'ed', 'edly', 'ing', 'ingly']);
  if (!suffix) return;
  const start = w.length - suffix.length;

  if (suffix === 'eed' || suffix === 'eedly') {
    if (start >= s.p1) replaceEnd(w, suffix.length, 'ee');
    return;
  }
  if (!hasVowelBefore(w, start)) return;
  w.length = start;

  const end = w.length;
  if (longestSuffix(w, ['at', 'bl', 'iz'])) {
    w.push('e'); // "luxuriat" -> "luxuriate"
  } else if (longestSuffix(w, ['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt'])) {
    w.pop(); // "hopp" -> "hop"
  } else if (end === s.p1 && endsInShortSyllable(w, end)) {
    w.push('e'); // short word: "hop" -> "hope"
  }
}

function step1c(s) {
  const { w } = s;
  const n = w.length;
  const last = w[n - 1];
  if ((last === 'y' || last === 'Y') && n >= 3 && isNonVowel(w[n - 2])) w[n - 1] = 'i';
}

// Suffix rules for steps 2-4: a replacement string, or a function of (state, start)
// returning the replacement or null when the rule does not apply.
const STEP2_RULES = {
  tional: 'tion', enci: 'ence', anci: 'ance', abli: 'able', entli: 'ent',
  izer: 'ize', ization: 'ize', ational: 'ate', ation: 'ate', ator: 'ate',
  alism: 'al', aliti: 'al', alli: 'al', fulness: 'ful', ousli: 'ous', ousness: 'ous',
  iveness: 'ive', iviti: 'ive', biliti: 'ble', bli: 'ble',
  ogi: (s, start) => (s.w[start - 1] === 'l' ? 'og' : null),
  fulli: 'ful', lessli: 'less',
  li: (s, start) => (VALID_LI.has(s.w[start - 1]) ? '' : null),
};

const STEP3_RULES = {
  tional: 'tion', ational: 'ate', alize: 'al',
  icate: 'ic', iciti: 'ic', ical: 'ic', ful: '', ness: '',
  ative: (s, start) => (start >= s.p2 ? '' : null),
};

const STEP4_RULES = {
  al: '', ance: '', ence: '', er: '', ic: '', able: '', ible: '', ant: '', ement: '',
  ment: '', ent: '', ism: '', ate: '', iti: '', ous: '', ive: '', ize: '',
  ion: (s, start) => (s.w[start - 1] === 's' || s.w[start - 1] === 't' ? '' : null),
};

// Finds the longest suffix of the rules; if it starts inside the region (from
// `regionStart`), applies its rule. A shorter suffix is never tried instead.
function applyRules(s, rules, regionStart) {
  const suffix = longestSuffix(s.w, Object.keys(rules));
  if (!suffix) return;
  const start = s.w.length - suffix.length;
  if (start < regionStart) return;
  const rule = rules[suffix];
  const replacement = typeof rule === 'function' ? rule(s, start) : rule;
  if (replacement !== null) replaceEnd(s.w, suffix.length, replacement);
}

const step2 = (s) => applyRules(s, STEP2_RULES, s.p1);
const step3 = (s) => applyRules(s, STEP3_RULES, s.p1);
const step4 = (s) => applyRules(s, STEP4_RULES, s.p2);

function step5(s) {
  const { w } = s;
  const start = w.length - 1;
  if (w[start] === 'e') {
    if (start >= s.p2 || (start >= s.p1 && !endsInShortSyllable(w, start))) w.length = start;
  } else if (w[start] === 'l') {
    if (start >= s.p2 && w[start - 1] === 'l') w.length = start;
  }
}

export function stem(word) {
  const exception = EXCEPTIONS1.get(word);
  if (exception !== undefined) return exception;

  const w = Array.from(word);
  if (w.length < 3) return word;

  const yFound = prelude(w);
  const s = { w, ...markRegions(w) };

  step1a(s);
  if (!EXCEPTIONS2.has(w.join(''))) {
    step1b(s);
    step1c(s);
    step2(s);
    step3(s);
    step4(s);
    step5(s);
  }

  const result = w.join('');
  return yFound ? result.replace(/Y/g, 'y') : result;
}
