// Norwegian stemmer for styre's browser search client.
// Implements the Snowball Norwegian algorithm (https://snowballstem.org/algorithms/),
// written for styre to stem query words exactly as the Rust index builder
// (rust-stemmers, Algorithm::Norwegian) does. Input: a lower-cased word.

const VOWELS = 'aeiouyæåø';
const S_ENDING = 'bcdfghjlmnoprtvyz';

// Step 1 suffixes, grouped by action. The longest suffix found in R1 wins.
const MAIN_DELETE = [
  'a', 'e', 'ede', 'ande', 'ende', 'ane', 'ene', 'hetene', 'en', 'heten', 'ar',
  'er', 'heter', 'as', 'es', 'edes', 'endes', 'enes', 'hetenes', 'ens',
  'hetens', 'ers', 'ets', 'et', 'het', 'ast',
];
const MAIN_TO_ER = ['erte', 'ert'];
const MAIN_S = 's';

const CONSONANT_PAIRS = ['dt', 'vt'];

const OTHER_SUFFIXES = [
  'leg', 'eleg', 'ig', 'eig', 'lig', 'elig', 'els', 'lov', 'elov', 'slov', 'hetslov',
];

const isVowel = (ch) => ch !== undefined && VOWELS.includes(ch);

// R1 starts after the first non-vowel that follows a vowel, but never before
// the third character. Returns a UTF-16 index into `word`; word.length if empty.
function findR1(word) {
  const chars = Array.from(word); // code points, so "3 characters" is exact
  if (chars.length < 3) return word.length;

  let offset = 0; // UTF-16 offset of chars[i]
  const offsets = chars.map((ch) => { const o = offset; offset += ch.length; return o; });
  const atLeast = offsets[3] ?? word.length; // position just after the 3rd character

  let i = 0;
  while (i < chars.length && !isVowel(chars[i])) i++;
  while (i < chars.length && isVowel(chars[i])) i++;
  if (i >= chars.length) return word.length;
  const p1 = i + 1 < chars.length ? offsets[i + 1] : word.length;
  return Math.max(p1, atLeast);
}

// The longest suffix from `list` that `word` ends with and that lies wholly in R1.
function longestSuffixInR1(word, r1, list) {
  let best = null;
  for (const suffix of list) {
    if (word.endsWith(suffix) && word.length - suffix.length >= r1
        && (best === null || suffix.length > best.length)) {
      best = suffix;
    }
  }
  return best;
}

// Step 1: remove inflectional endings; 'erte'/'ert' become 'er'; a final 's' is
// removed only after an s-ending letter, or after 'k' preceded by a non-vowel.
function mainSuffix(word, r1) {
  const suffix = longestSuffixInR1(word, r1, [...MAIN_DELETE, ...MAIN_TO_ER, MAIN_S]);
  if (suffix === null) return word;
  const stem = word.slice(0, word.length - suffix.length);

  if (MAIN_TO_ER.includes(suffix)) return stem + 'er';
  if (suffix === MAIN_S) {
    // The letters before the 's' may lie outside R1.
    const before = stem[stem.length - 1];
    const sEnding = before !== undefined && S_ENDING.includes(before);
    const kAfterConsonant = before === 'k' && stem.length >= 2 && !isVowel(stem[stem.length - 2]);
    return sEnding || kAfterConsonant ? stem : word;
  }
  return stem;
}

// Step 2: if the word ends in 'dt' or 'vt' within R1, drop the final 't'.
function consonantPair(word, r1) {
  return longestSuffixInR1(word, r1, CONSONANT_PAIRS) ? word.slice(0, -1) : word;
}

// Step 3: remove derivational endings in R1.
function otherSuffix(word, r1) {
  const suffix = longestSuffixInR1(word, r1, OTHER_SUFFIXES);
  return suffix ? word.slice(0, word.length - suffix.length) : word;
}

export function stem(word) {
  const r1 = findR1(word);
  let result = mainSuffix(word, r1);
  result = consonantPair(result, r1);
  result = otherSuffix(result, r1);
  return result;
}
