// Russian stemmer for styre's in-browser search.
// Implements the Snowball "russian" algorithm (https://snowballstem.org/algorithms/),
// written for styre so that query words are stemmed exactly like the Rust index
// (rust-stemmers 1.2, Algorithm::Russian). Input: a lower-cased word.

const VOWELS = 'аеиоуыэюя'; // 'ё' is not a vowel in this version of the algorithm

const isVowel = (ch) => VOWELS.includes(ch);

// Suffix tables. Where two groups exist, the first group's suffixes may only be
// removed when preceded by 'а' or 'я' (which stays); the second group is removed outright.
const PERFECTIVE_GERUND = [
  ['в', 'вши', 'вшись'],
  ['ив', 'ивши', 'ившись', 'ыв', 'ывши', 'ывшись'],
];

const ADJECTIVE = [
  'ее', 'ие', 'ые', 'ое', 'ими', 'ыми', 'ей', 'ий', 'ый', 'ой', 'ем', 'им',
  'ым', 'ом', 'его', 'ого', 'ему', 'ому', 'их', 'ых', 'ую', 'юю', 'ая', 'яя',
  'ою', 'ею',
];

const PARTICIPLE = [
  ['ем', 'нн', 'вш', 'ющ', 'щ'],
  ['ивш', 'ывш', 'ующ'],
];

const REFLEXIVE = ['ся', 'сь'];

const VERB = [
  ['ла', 'на', 'ете', 'йте', 'ли', 'й', 'л', 'ем', 'н', 'ло', 'но', 'ет', 'ют',
    'ны', 'ть', 'ешь', 'нно'],
  ['ила', 'ыла', 'ена', 'ейте', 'уйте', 'ите', 'или', 'ыли', 'ей', 'уй', 'ил',
    'ыл', 'им', 'ым', 'ен', 'ило', 'ыло', 'ено', 'ят', 'ует', 'уют', 'ит', 'ыт',
    'ены', 'ить', 'ыть', 'ишь', 'ую', 'ю'],
];

const NOUN = [
  'а', 'ев', 'ов', 'ие', 'ье', 'е', 'иями', 'ями', 'ами', 'еи', 'ии', 'и',
  'ией', 'ей', 'ой', 'ий', 'й', 'иям', 'ям', 'ием', 'ем', 'ам', 'ом', 'о', 'у',
  'ах', 'иях', 'ях', 'ы', 'ь', 'ию', 'ью', 'ю', 'ия', 'ья', 'я',
];

const DERIVATIONAL = ['ост', 'ость'];

const SUPERLATIVE = ['ейш', 'ейше'];

/**
 * RV starts after the first vowel; R2 is the R1 of R1, where R1 starts after
 * the first non-vowel that follows a vowel. A region that cannot be found is empty.
 */
function markRegions(word) {
  const n = word.length;
  let rv = n;
  let r2 = n;
  let i = 0;
  const skipTo = (wantVowel) => {
    while (i < n && isVowel(word[i]) !== wantVowel) i++;
    if (i === n) return false;
    i++; // "gopast": move just past the character found
    return true;
  };
  if (skipTo(true)) {
    rv = i;
    if (skipTo(false) && skipTo(true) && skipTo(false)) r2 = i;
  }
  return { rv, r2 };
}

/** Longest suffix from `suffixes` that `word` ends with, lying wholly at or after `start`. */
function longestSuffix(word, suffixes, start) {
  let best = null;
  for (const s of suffixes) {
    if (word.length - s.length >= start && word.endsWith(s) &&
        (best === null || s.length > best.length)) {
      best = s;
    }
  }
  return best;
}

/** Removes the longest suffix of a plain table; null if none matches within RV. */
function removeAny(word, suffixes, rv) {
  const s = longestSuffix(word, suffixes, rv);
  return s === null ? null : word.slice(0, -s.length);
}

/**
 * Removes the longest suffix of a two-group table [afterA, plain]. A suffix of the
 * first group needs 'а' or 'я' (inside RV) before it; if it lacks one, nothing is
 * removed (a shorter suffix is not tried instead) and null is returned.
 */
function removeGrouped(word, [afterA, plain], rv) {
  const s = longestSuffix(word, [...afterA, ...plain], rv);
  if (s === null) return null;
  const stem = word.slice(0, -s.length);
  if (plain.includes(s)) return stem;
  const before = stem.length - 1;
  return before >= rv && (stem[before] === 'а' || stem[before] === 'я') ? stem : null;
}

function adjectival(word, rv) {
  const stem = removeAny(word, ADJECTIVE, rv);
  if (stem === null) return null;
  return removeGrouped(stem, PARTICIPLE, rv) ?? stem;
}

// Step 1: a perfective gerund ending; otherwise an optional reflexive ending
// followed by an adjectival, verb or noun ending.
function step1(word, rv) {
  const gerund = removeGrouped(word, PERFECTIVE_GERUND, rv);
  if (gerund !== null) return gerund;
  const w = removeAny(word, REFLEXIVE, rv) ?? word;
  return adjectival(w, rv) ?? removeGrouped(w, VERB, rv) ?? removeAny(w, NOUN, rv) ?? w;
}

// Step 2: a final 'и'.
function step2(word, rv) {
  return removeAny(word, ['и'], rv) ?? word;
}

// Step 3: a derivational ending 'ост(ь)' lying in R2.
function step3(word, rv, r2) {
  return removeAny(word, DERIVATIONAL, Math.max(rv, r2)) ?? word;
}

// Step 4: drop a superlative ending and undouble 'нн'; or undouble 'нн'; or drop a soft sign.
function step4(word, rv) {
  const undouble = (w) => (w.endsWith('нн') && w.length - 2 >= rv ? w.slice(0, -1) : w);
  const s = longestSuffix(word, [...SUPERLATIVE, 'н', 'ь'], rv);
  if (s === null) return word;
  if (s === 'н') return undouble(word);
  const stem = word.slice(0, -s.length);
  return s === 'ь' ? stem : undouble(stem);
}

export function stem(word) {
  const { rv, r2 } = markRegions(word);
  let w = step1(word, rv);
  w = step2(w, rv);
  w = step3(w, rv, r2);
  return step4(w, rv);
}
