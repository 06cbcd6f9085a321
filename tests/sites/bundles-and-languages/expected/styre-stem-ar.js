// Arabic stemmer for styre's in-browser search.
// Implements the Snowball "arabic" algorithm (https://snowballstem.org/algorithms/),
// written for styre so that query words are stemmed exactly like the Rust index
// (rust-stemmers 1.2, Algorithm::Arabic). Input: a lower-cased word.
//
// The algorithm is light stemming without regions (no R1/R2/RV): it strips
// suffixes, then prefixes, and checks the length of the whole word. A word is
// an array of code points, because Snowball counts lengths in characters.

// Letters, named as in the Snowball source (arabic.sbl), so tables read like it.
const LETTER = {
  o: '\u0621', 'a~': '\u0622', ao: '\u0623', wo: '\u0624', ao_: '\u0625', yo: '\u0626',
  a: '\u0627', b: '\u0628', t_: '\u0629', t: '\u062A', s: '\u0633', f: '\u0641',
  k: '\u0643', l: '\u0644', m: '\u0645', n: '\u0646', e: '\u0647', w: '\u0648',
  a_: '\u0649', y: '\u064A',
};
const ar = (names) => names.split(' ').map((n) => LETTER[n]).join('');

// ---- Normalization before stemming: one character at a time -----------------

// Maps a character to its replacement ('' deletes it); others stay as they are.
const PRE = new Map();
for (const ch of '.,;:?!/*%\\"\u060C\u061B\u061F\u066A\u066B\u066C\u0640') PRE.set(ch, ''); // punctuation, kasheeda
for (let cp = 0x064B; cp <= 0x0652; cp++) PRE.set(String.fromCharCode(cp), ''); // vowel marks, shadda, sukun
for (let d = 0; d <= 9; d++) PRE.set(String.fromCharCode(0x0660 + d), String(d)); // Arabic-Indic digits
{
  // Presentation Forms-B (U+FE80..U+FEFC) give the letters U+0621..U+063A and
  // U+0641..U+064A in order, each with 1, 2 or 4 shaped forms, then four lam-alef
  // ligatures with 2 forms each.
  const FORM_COUNTS = '12222424244444222244444444' + '4444444224';
  const BASES = [];
  for (let cp = 0x0621; cp <= 0x063A; cp++) BASES.push(String.fromCharCode(cp));
  for (let cp = 0x0641; cp <= 0x064A; cp++) BASES.push(String.fromCharCode(cp));
  const LIGATURES = [ar('l a~'), ar('l ao'), ar('l ao_'), ar('l a')];
  let cp = 0xFE80;
  BASES.forEach((base, i) => {
    for (let n = 0; n < Number(FORM_COUNTS[i]); n++) PRE.set(String.fromCharCode(cp++), base);
  });
  for (const lig of LIGATURES) for (let n = 0; n < 2; n++) PRE.set(String.fromCharCode(cp++), lig);
}

function normalizePre(chars) {
  return chars.flatMap((ch) => (PRE.has(ch) ? Array.from(PRE.get(ch)) : [ch]));
}

// ---- Normalization after stemming --------------------------------------------

const HAMZA_FORMS = { [ar('ao')]: ar('a'), [ar('ao_')]: ar('a'), [ar('a~')]: ar('a'), [ar('wo')]: ar('w'), [ar('yo')]: ar('y') };

// A final hamza carrier becomes a bare hamza; any other becomes its carrier letter.
// (Snowball loops word_len times here; word_len is never below the word's length
// at this point, so every character is visited.)
function normalizePost(w) {
  const last = w.length - 1;
  if (last >= 0 && w[last] in HAMZA_FORMS) w[last] = ar('o');
  return w.map((ch) => HAMZA_FORMS[ch] ?? ch);
}

// ---- Affix tables -----------------------------------------------------------
// Each maps an affix to the minimum word length (in characters, whole word) for
// the rule to apply; prefix tables also give the replacement. As in Snowball's
// `among`, only the LONGEST affix that matches is considered: if the length test
// fails for it, the step fails (no fallback to a shorter affix).

function suffixTable(groups) {
  const table = new Map();
  for (const [minLen, ...suffixes] of groups) for (const s of suffixes) table.set(ar(s), minLen);
  return table;
}

const NOUN_STEP1A = suffixTable([[4, 'y', 'k', 'e'], [5, 'n a', 'k m', 'e a', 'e n', 'e m'], [6, 'k m a', 'e m a']]);
const NOUN_STEP1B = suffixTable([[6, 'n']]);
const NOUN_STEP2A = suffixTable([[5, 'a', 'y', 'w']]);
const NOUN_STEP2B = suffixTable([[5, 'a t']]);
const NOUN_STEP2C1 = suffixTable([[4, 't']]);
const NOUN_STEP2C2 = suffixTable([[4, 't_']]); // feminine teh marbuta
const NOUN_STEP3 = suffixTable([[3, 'y']]); // ya' nisbiya
const VERB_STEP1 = suffixTable([[4, 'e', 'k'], [5, 'n y', 'n a', 'e a', 'e m', 'e n', 'k m', 'k n'], [6, 'e m a', 'k m a', 'k m w']]);
const VERB_STEP2A = suffixTable([[4, 't', 'a', 'n', 'y'], [5, 'n a', 't a', 't n'], [6, 'a n', 'w n', 'y n', 't m a']]);
const VERB_STEP2B = suffixTable([[5, 'w a', 't m']]);
const VERB_STEP2C = suffixTable([[4, 'w'], [6, 't m w']]);

function prefixTable(rules) {
  return new Map(rules.map(([prefix, minLen, replacement]) => [ar(prefix), [minLen, replacement ? ar(replacement) : '']]));
}

const PREFIX_STEP1 = prefixTable([
  ['ao ao', 4, 'ao'], ['ao a~', 4, 'a~'], ['ao wo', 4, 'ao'], ['ao a', 4, 'a'], ['ao ao_', 4, 'ao_'],
]);
const PREFIX_STEP2 = prefixTable([['f', 4], ['w', 4]]); // conjunctions fa-, wa-
const PREFIX_STEP3A_NOUN = prefixTable([['b a l', 6], ['k a l', 6], ['l l', 5], ['a l', 5]]); // article
const PREFIX_STEP3B_NOUN = prefixTable([['b', 4], ['b b', 4, 'b'], ['k k', 4, 'k']]);
const PREFIX_STEP3_VERB = prefixTable([['s y', 5, 'y'], ['s t', 5, 't'], ['s n', 5, 'n'], ['s ao', 5, 'ao']]); // future sa-
const PREFIX_STEP4_VERB = prefixTable([['y s t', 5, 'a s t'], ['n s t', 5, 'a s t'], ['t s t', 5, 'a s t']]);

const MAX_AFFIX = 3;

// ---- Suffixes (Snowball's backward mode) -------------------------------------
// State: the word `w` and a cursor `c`; a suffix must end at `c`. The cursor is
// the word's end, except after one quirk in the noun branch (see nounSuffixes).

function dropSuffix(st, table) {
  for (let k = Math.min(MAX_AFFIX, st.c); k >= 1; k--) {
    const minLen = table.get(st.w.slice(st.c - k, st.c).join(''));
    if (minLen === undefined) continue;
    if (st.w.length < minLen) return false;
    st.w.splice(st.c - k, k);
    st.c -= k;
    return true;
  }
  return false;
}

function verbSuffixes(st) {
  if (dropSuffix(st, VERB_STEP1)) {
    while (dropSuffix(st, VERB_STEP1));
    dropSuffix(st, VERB_STEP2A) || dropSuffix(st, VERB_STEP2C);
    return true;
  }
  return dropSuffix(st, VERB_STEP2B) || dropSuffix(st, VERB_STEP2A);
}

// Note that a step's deletion stays even when the alternative it belongs to fails.
function nounSuffixes(st, isDefined) {
  const step2 = () => dropSuffix(st, NOUN_STEP2A) || dropSuffix(st, NOUN_STEP2B) || dropSuffix(st, NOUN_STEP2C1);
  if (dropSuffix(st, NOUN_STEP2C2)) {
    // done
  } else if (!isDefined && dropSuffix(st, NOUN_STEP1A)) {
    // Snowball's `or next`: with no step-2 suffix the cursor steps back one
    // letter, so step 3 then looks for a yeh just before the last letter. (Kept
    // for fidelity; unreachable in practice, as verb step 1 takes every suffix
    // that step 1a would, and the verb branch runs first for undefined words.)
    if (!step2()) st.c -= 1;
  } else if (dropSuffix(st, NOUN_STEP1B) && step2()) {
    // done (a lone step-1b deletion of final noon is kept, and we go on)
  } else if (!isDefined && dropSuffix(st, NOUN_STEP2A)) {
    // done
  } else {
    dropSuffix(st, NOUN_STEP2B);
  }
  return dropSuffix(st, NOUN_STEP3);
}

function stripSuffixes(w, isVerb, isDefined) {
  const st = { w, c: w.length };
  if (isVerb && verbSuffixes(st)) return;
  st.c = w.length;
  if (nounSuffixes(st, isDefined)) return; // every word is (also) taken as a noun here
  st.c = w.length;
  if (w[st.c - 1] === ar('a_')) w[st.c - 1] = ar('y'); // alef maqsura, a spelling variant of yeh
}

// ---- Prefixes (forward mode) -------------------------------------------------
// A prefix must start at the cursor `c`. Snowball does not reset the cursor
// between steps, so after a replacement the next step looks past it.

const startsWith = (st, s) => st.w.slice(st.c, st.c + s.length).join('') === s;

function replacePrefix(st, table) {
  for (let k = Math.min(MAX_AFFIX, st.w.length - st.c); k >= 1; k--) {
    const rule = table.get(st.w.slice(st.c, st.c + k).join(''));
    if (rule === undefined) continue;
    const [minLen, replacement] = rule;
    if (st.w.length < minLen) return false;
    st.w.splice(st.c, k, ...replacement);
    st.c += replacement.length;
    return true;
  }
  return false;
}

function stripPrefixes(w, isVerb) {
  const st = { w, c: 0 };
  replacePrefix(st, PREFIX_STEP1);
  if (!startsWith(st, ar('f a')) && !startsWith(st, ar('w a'))) replacePrefix(st, PREFIX_STEP2);
  const c = st.c;
  if (replacePrefix(st, PREFIX_STEP3A_NOUN)) return;
  if (!startsWith(st, ar('b a')) && replacePrefix(st, PREFIX_STEP3B_NOUN)) return;
  st.c = c;
  if (isVerb) {
    replacePrefix(st, PREFIX_STEP3_VERB); // kept even if step 4 fails
    replacePrefix(st, PREFIX_STEP4_VERB);
  }
}

// ---- The stemmer -------------------------------------------------------------

// A word starting with the article (checked before normalization, on the raw
// word) is a defined noun, not a verb.
function isDefinedNoun(chars) {
  const head = (n) => chars.slice(0, n).join('');
  if (head(3) === ar('b a l') || head(3) === ar('k a l')) return chars.length > 4;
  if (head(2) === ar('l l') || head(2) === ar('a l')) return chars.length > 3;
  return false;
}

export function stem(word) {
  const raw = Array.from(word);
  const isDefined = isDefinedNoun(raw);
  const w = normalizePre(raw);
  stripSuffixes(w, !isDefined, isDefined);
  stripPrefixes(w, !isDefined);
  return normalizePost(w).join('');
}
