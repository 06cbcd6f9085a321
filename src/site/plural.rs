//! The CLDR plural rules of a language: which plural categories a count string needs, and which
//! category a number takes. Shared vocabulary: load checks interface strings with it, render
//! picks forms with it.

/// The CLDR plural categories, in CLDR's order.
pub const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// The CLDR plural rules of a language. ICU4X (current CLDR, maintained) where its compiled
/// data has the language; its data leaves out some languages of this portal (Northern Sámi), and
/// for those the older `intl_pluralrules` tables (CLDR 37) are used. (`intl_pluralrules` alone
/// is not enough: its Lithuanian rule puts 22 in `other` instead of `few`.)
pub enum Rules {
    Icu(icu_plurals::PluralRules),
    Intl(intl_pluralrules::PluralRules),
}

impl Rules {
    pub fn category(&self, n: u64) -> &'static str {
        match self {
            Rules::Icu(r) => category_name(r.category_for(n)),
            Rules::Intl(r) => r.select(n).map_or("other", |c| {
                use intl_pluralrules::PluralCategory as P;
                match c {
                    P::ZERO => "zero",
                    P::ONE => "one",
                    P::TWO => "two",
                    P::FEW => "few",
                    P::MANY => "many",
                    P::OTHER => "other",
                }
            }),
        }
    }
}

/// The plural rules of `lang`, when they are known.
pub fn rules(lang: &str) -> Option<Rules> {
    let icu = icu_locale_core::Locale::try_from_str(lang)
        .ok()
        .and_then(|l| icu_plurals::PluralRules::try_new(l.into(), Default::default()).ok());
    // A language missing from ICU4X's data falls back to the root rules: only `other`.
    if let Some(r) = icu
        && r.categories().count() > 1
    {
        return Some(Rules::Icu(r));
    }
    let id: unic_langid::LanguageIdentifier = lang.parse().ok()?;
    intl_pluralrules::PluralRules::create(id, intl_pluralrules::PluralRuleType::CARDINAL)
        .ok()
        .map(Rules::Intl)
}

/// The plural categories a count string needs in `lang`: those whole numbers take, and
/// `other` (`one`, `other` for Norwegian; `one`, `two`, `other` for Northern Sámi; `one`, `few`,
/// `many`, `other` for Russian).
pub fn needed_categories(lang: &str) -> Vec<&'static str> {
    let Some(rules) = rules(lang) else {
        return vec!["other"];
    };
    // `other` is always wanted: it is the form of fractions and the fallback.
    let mut seen = vec!["other"];
    for n in 0..=1000u64 {
        let name = rules.category(n);
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen.sort_by_key(|c| CATEGORIES.iter().position(|x| x == c));
    seen
}

fn category_name(c: icu_plurals::PluralCategory) -> &'static str {
    use icu_plurals::PluralCategory as P;
    match c {
        P::Zero => "zero",
        P::One => "one",
        P::Two => "two",
        P::Few => "few",
        P::Many => "many",
        P::Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_categories_follow_cldr() {
        assert_eq!(needed_categories("nb"), ["one", "other"]);
        assert_eq!(needed_categories("se"), ["one", "two", "other"]);
        assert_eq!(needed_categories("ru"), ["one", "few", "many", "other"]);
        assert_eq!(
            needed_categories("ar"),
            ["zero", "one", "two", "few", "many", "other"]
        );
    }
}
