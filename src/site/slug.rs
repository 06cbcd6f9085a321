//! The one slug policy for URLs and heading ids.
//!
//! - Letters and digits are kept, lower-cased; everything else becomes a separator, and runs of
//!   separators collapse into one `-` (none at the ends).
//! - Norwegian letters are spelt out the way Norwegians write them without the letter:
//!   `æ → ae`, `ø → o`, `å → a`.
//! - Northern Sámi letters lose their diacritic: `á → a`, `č → c`, `đ → d`, `š → s`, `ŧ → t`,
//!   `ž → z`, and `ŋ → ng`.
//! - Other Latin letters with diacritics are decomposed (NFD) and lose the mark (`é → e`);
//!   `ß → ss`, `œ → oe`, `ł → l`.
//! - Letters of other scripts (Cyrillic, Arabic, …) are kept as they are: a Russian heading
//!   gets a Russian id, which browsers show readably.
//! - `§` and other symbols are dropped (they are separators).
//!
//! A page can pin its slug in front matter, so a URL never moves when a title is edited.

use unicode_normalization::UnicodeNormalization;

/// Turns text into a slug according to the policy above. Returns an empty string when the text
/// has no letters or digits.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    let push = |s: &str, out: &mut String, pending: &mut bool| {
        if *pending && !out.is_empty() {
            out.push('-');
        }
        *pending = false;
        out.push_str(s);
    };
    for c in text.chars() {
        if let Some(spelt) = spell_out(c) {
            push(spelt, &mut out, &mut pending_dash);
            continue;
        }
        if c.is_ascii_alphanumeric() {
            let lower = c.to_ascii_lowercase();
            push(lower.encode_utf8(&mut [0; 4]), &mut out, &mut pending_dash);
        } else if c.is_alphanumeric() {
            let mut base = String::new();
            for d in c.nfd() {
                if d.is_alphanumeric() {
                    base.extend(d.to_lowercase());
                }
            }
            if base.is_empty() {
                pending_dash = true;
            } else {
                push(&base, &mut out, &mut pending_dash);
            }
        } else if c == '\'' || c == '’' || c == '\u{00AD}' {
            // Apostrophes and soft hyphens join: "Helsenorge's" → "helsenorges".
        } else {
            pending_dash = true;
        }
    }
    out
}

fn spell_out(c: char) -> Option<&'static str> {
    Some(match c {
        'æ' | 'Æ' => "ae",
        'ø' | 'Ø' => "o",
        'å' | 'Å' => "a",
        'ŋ' | 'Ŋ' => "ng",
        'đ' | 'Đ' => "d",
        'ŧ' | 'Ŧ' => "t",
        'ß' => "ss",
        'œ' | 'Œ' => "oe",
        'ł' | 'Ł' => "l",
        _ => return None,
    })
}

/// Hands out unique ids within one page: the second "Bakgrunn" heading becomes `bakgrunn-1`.
#[derive(Debug, Default)]
pub struct UniqueIds {
    seen: std::collections::HashSet<String>,
}

impl UniqueIds {
    /// Reserves `id` (or, when taken, `id-1`, `id-2`, …) and returns what was reserved. An empty
    /// id becomes `section`.
    pub fn claim(&mut self, id: &str) -> String {
        let base = if id.is_empty() { "section" } else { id };
        if self.seen.insert(base.to_string()) {
            return base.to_string();
        }
        (1..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| !self.seen.contains(candidate))
            .inspect(|unique| {
                self.seen.insert(unique.clone());
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_and_sami_letters() {
        assert_eq!(slugify("Møteplan for året 2024"), "moteplan-for-aret-2024");
        assert_eq!(slugify("Ærlig talt"), "aerlig-talt");
        assert_eq!(slugify("Sámediggi čoahkkin"), "samediggi-coahkkin");
        assert_eq!(slugify("Đ ŋ š ŧ ž á"), "d-ng-s-t-z-a");
        assert_eq!(slugify("skábmamánnu"), "skabmamannu");
    }

    #[test]
    fn symbols_are_separators_and_never_letters() {
        assert_eq!(slugify("§ 3 Oppgaver og ansvar"), "3-oppgaver-og-ansvar");
        assert_eq!(slugify("Sak 4-42/23: Veikart"), "sak-4-42-23-veikart");
        assert_eq!(slugify("  --Hei!!  "), "hei");
        assert_eq!(slugify("Helsenorge's plattform"), "helsenorges-plattform");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn other_scripts_are_kept() {
        assert_eq!(slugify("Мандат совета"), "мандат-совета");
        assert_eq!(slugify("ولاية المجلس"), "ولاية-المجلس");
        assert_eq!(slugify("Crème brûlée"), "creme-brulee");
    }

    #[test]
    fn unique_ids_count_up() {
        let mut ids = UniqueIds::default();
        assert_eq!(ids.claim("a"), "a");
        assert_eq!(ids.claim("a"), "a-1");
        assert_eq!(ids.claim("a-1"), "a-1-1");
        assert_eq!(ids.claim("a"), "a-2");
        assert_eq!(ids.claim(""), "section");
    }
}
