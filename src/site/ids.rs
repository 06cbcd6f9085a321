//! Typed identity, shared by every phase: a language is a [`LangId`], resolved once from its
//! code, and [`Languages`] answers everything a language's id stands for (its code, its URL
//! prefix). An id is made only by the table that owns it, so a job cannot be handed a page
//! index as a language.

/// A language of the site: its place in the config's language order (the default first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LangId(u16);

impl LangId {
    /// The default language (the config lists it first).
    pub const DEFAULT: LangId = LangId(0);

    /// The position in the config's language order (`config.languages[id.index()]`).
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    pub fn is_default(self) -> bool {
        self == LangId::DEFAULT
    }
}

/// The site's language codes and their URL prefixes, computed once: `/` for the default,
/// `/<code>/` for the others.
#[derive(Debug, Clone, Default)]
pub struct Languages {
    codes: Vec<String>,
    prefixes: Vec<String>,
}

impl Languages {
    /// The table of `codes`, the default first. At most 65,536 languages (the config refuses
    /// codes that are not two or three letters with subtags long before that).
    pub fn new<'a>(codes: impl IntoIterator<Item = &'a str>) -> Self {
        let codes: Vec<String> = codes.into_iter().map(str::to_string).collect();
        let prefixes = codes
            .iter()
            .enumerate()
            .map(|(i, code)| {
                if i == 0 {
                    "/".to_string()
                } else {
                    format!("/{code}/")
                }
            })
            .collect();
        Languages { codes, prefixes }
    }

    /// The language with this code, if the site has it.
    pub fn id(&self, code: &str) -> Option<LangId> {
        self.codes
            .iter()
            .position(|c| c == code)
            .and_then(|i| u16::try_from(i).ok())
            .map(LangId)
    }

    pub fn code(&self, id: LangId) -> &str {
        &self.codes[id.index()]
    }

    /// The URL path prefix: `/` for the default language, `/<code>/` for the others.
    pub fn prefix(&self, id: LangId) -> &str {
        &self.prefixes[id.index()]
    }

    /// Every language's code, the default first.
    pub fn codes(&self) -> impl ExactSizeIterator<Item = &str> {
        self.codes.iter().map(String::as_str)
    }

    /// Every language, the default first.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = LangId> + use<> {
        (0..u16::try_from(self.codes.len()).unwrap_or(u16::MAX)).map(LangId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_ids_and_prefixes_agree() {
        let langs = Languages::new(["nb", "en", "se"]);
        let en = langs.id("en").unwrap();
        assert_eq!(langs.code(en), "en");
        assert_eq!(langs.prefix(en), "/en/");
        assert_eq!(langs.prefix(LangId::DEFAULT), "/");
        assert_eq!(langs.code(LangId::DEFAULT), "nb");
        assert!(LangId::DEFAULT.is_default() && !en.is_default());
        assert_eq!(langs.id("fr"), None);
        assert_eq!(
            langs.ids().map(|l| langs.code(l)).collect::<Vec<_>>(),
            ["nb", "en", "se"]
        );
    }
}
