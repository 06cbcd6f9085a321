//! `config.toml`: the site's settings, read once at the start of the load phase.
//!
//! Every key has a documented default (docs/configuration.md); unknown keys are errors with a
//! "did you mean" hint, like in front matter.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::site::ids::{LangId, Languages};
use crate::toml_input;

/// The themes bundled with syntect that `highlight_theme` may name.
pub const HIGHLIGHT_THEMES: &[&str] = &[
    "InspiredGitHub",
    "Solarized (dark)",
    "Solarized (light)",
    "base16-eighties.dark",
    "base16-mocha.dark",
    "base16-ocean.dark",
    "base16-ocean.light",
];

/// Writing direction of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Ltr,
    Rtl,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// One language of the site, as written under `[languages.<code>]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// The language's name in itself ("Norsk bokmål", "English", "Davvisámegiella").
    pub name: String,
    /// `ltr` (default) or `rtl`.
    #[serde(default)]
    pub direction: Direction,
    /// BCP 47 locale for dates and numbers; defaults to the language code.
    #[serde(default)]
    pub locale: Option<String>,
    /// Site title in this language; defaults to the site title.
    #[serde(default)]
    pub title: Option<String>,
    /// Site description in this language; defaults to the site description.
    #[serde(default)]
    pub description: Option<String>,
}

/// `config.toml` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub base_url: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_language")]
    pub default_language: String,
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageConfig>,
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default = "toml_input::yes")]
    pub minify_html: bool,
    #[serde(default = "toml_input::yes")]
    pub generate_feed: bool,
    #[serde(default = "default_feed_limit")]
    pub feed_limit: usize,
    #[serde(default = "toml_input::yes")]
    pub generate_sitemap: bool,
    #[serde(default = "toml_input::yes")]
    pub generate_robots_txt: bool,
    #[serde(default = "toml_input::yes")]
    pub build_search_index: bool,
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default = "toml_input::yes")]
    pub highlight_code: bool,
    #[serde(default = "default_light_theme")]
    pub highlight_theme: String,
    #[serde(default = "default_dark_theme")]
    pub highlight_theme_dark: String,
    /// What a language shows for a page that has no translation in it.
    #[serde(default)]
    pub untranslated: Untranslated,
    /// Open data: the licence the `/data/` files are published under.
    #[serde(default)]
    pub open_data: OpenData,
    #[serde(default)]
    pub extra: toml::Table,
}

fn default_language() -> String {
    "nb".into()
}
fn default_feed_limit() -> usize {
    20
}
fn default_timezone() -> String {
    "Europe/Oslo".into()
}
fn default_light_theme() -> String {
    "InspiredGitHub".into()
}
fn default_dark_theme() -> String {
    "base16-ocean.dark".into()
}

/// A language of the site with its code, after defaults are applied.
#[derive(Debug, Clone, Serialize)]
pub struct Language {
    pub code: String,
    pub name: String,
    pub direction: Direction,
    pub locale: String,
    pub title: String,
    pub description: String,
    pub is_default: bool,
}

/// What a language shows for a page that has no translation in it.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Untranslated {
    /// The page exists under every language's URL, with the original text under a notice.
    #[default]
    Fallback,
    /// The page exists only in the languages it is written in.
    Omit,
}

/// `[open_data]`: how the governance records are published as data.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OpenData {
    /// The licence's name, e.g. "Norsk lisens for offentlige data (NLOD) 2.0".
    pub licence: Option<String>,
    /// Where the licence text is.
    pub licence_url: Option<String>,
    /// Who publishes the data (the publisher named in the data files).
    pub publisher: Option<String>,
}

/// The validated configuration every later phase reads.
#[derive(Debug, Clone)]
pub struct Config {
    /// Without a trailing slash.
    pub base_url: String,
    pub title: String,
    pub description: String,
    pub default_language: String,
    /// Every language, the default first, then by code: `languages[id.index()]` is the
    /// language of a [`LangId`].
    pub languages: Vec<Language>,
    /// The same languages as ids: code ↔ [`LangId`], and each one's URL prefix.
    pub langs: Languages,
    pub theme: Option<String>,
    pub minify_html: bool,
    pub generate_feed: bool,
    pub feed_limit: usize,
    pub generate_sitemap: bool,
    pub generate_robots_txt: bool,
    /// Write a search index per language under `/search/`.
    pub build_search_index: bool,
    pub timezone: jiff::tz::TimeZone,
    pub timezone_name: String,
    pub highlight_code: bool,
    pub highlight_theme: String,
    pub highlight_theme_dark: String,
    pub untranslated: Untranslated,
    pub open_data: OpenData,
    pub extra: serde_json::Value,
}

pub const CONFIG_FILE: &str = "config.toml";

/// A plain folder name: letters, digits, `_`, `-` and `.`, not starting with a dot (so no
/// `..`, no separators, nothing hidden).
fn is_folder_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

impl Config {
    /// Reads and validates `config.toml` text. `file` is the name used in messages.
    pub fn parse(file: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        // Unknown keys are reported and dropped; the rest of the file is still checked, so one
        // run reports every mistake in it.
        let parsed = toml_input::parse::<RawConfig>(file, text, 0, "config.toml");
        let mut errors = parsed.errors;
        let Some(raw) = parsed.value else {
            return Err(errors);
        };
        // The checks run in this order: it is the order of their messages.
        let base_url = check_base_url(file, text, &raw, &mut errors);
        check_licence_url(file, text, &raw, &mut errors);
        let timezone = check_timezone(file, text, &raw, &mut errors);
        check_highlight_themes(file, text, &raw, &mut errors);
        check_theme(file, text, &raw, &mut errors);
        let languages = check_languages(file, text, &raw, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config::build(raw, base_url, timezone, languages))
    }

    /// The config from its checked parts.
    fn build(
        raw: RawConfig,
        base_url: String,
        timezone: jiff::tz::TimeZone,
        languages: Vec<Language>,
    ) -> Config {
        let langs = Languages::new(languages.iter().map(|l| l.code.as_str()));
        Config {
            base_url,
            title: raw.title,
            description: raw.description,
            default_language: raw.default_language,
            languages,
            langs,
            theme: raw.theme,
            minify_html: raw.minify_html,
            generate_feed: raw.generate_feed,
            feed_limit: raw.feed_limit,
            generate_sitemap: raw.generate_sitemap,
            generate_robots_txt: raw.generate_robots_txt,
            build_search_index: raw.build_search_index,
            timezone,
            timezone_name: raw.timezone,
            highlight_code: raw.highlight_code,
            highlight_theme: raw.highlight_theme,
            highlight_theme_dark: raw.highlight_theme_dark,
            untranslated: raw.untranslated,
            open_data: raw.open_data,
            extra: toml_input::to_json(&raw.extra),
        }
    }

    /// The language of an id.
    pub fn lang(&self, id: LangId) -> &Language {
        &self.languages[id.index()]
    }

    /// `base_url` joined with a site path that starts with `/`.
    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// `base_url` without a trailing slash; an error unless it is an http(s) URL or a `/` path.
fn check_base_url(
    file: &Path,
    text: &str,
    raw: &RawConfig,
    errors: &mut Vec<Diagnostic>,
) -> String {
    let base_url = raw.base_url.trim_end_matches('/').to_string();
    if let Some(problem) = crate::url_rules::base_url_problem(&base_url) {
        errors.push(
            Diagnostic::at(
                file,
                value_span(text, "base_url"),
                "base_url must be an absolute http(s) URL or a path starting with `/`",
                problem,
            )
            .hint("write it like base_url = \"https://example.no\" (or \"/portal\" for root-relative links)"),
        );
    }
    base_url
}

/// An error for an `[open_data] licence_url` of a scheme links may not have.
fn check_licence_url(file: &Path, text: &str, raw: &RawConfig, errors: &mut Vec<Diagnostic>) {
    if let Some(url) = &raw.open_data.licence_url
        && let Err(scheme) = crate::url_rules::check_url(url)
    {
        errors.push(
            Diagnostic::at(
                file,
                value_span(text, "licence_url"),
                format!("`{scheme}:` URLs are not allowed in licence_url"),
                "not an http(s), mailto or tel URL",
            )
            .hint(
                "link the licence with an https:// URL, e.g. \"https://data.norge.no/nlod/no/2.0\"",
            ),
        );
    }
}

/// The `timezone`; an error (and UTC) for a name that is not an IANA time zone.
fn check_timezone(
    file: &Path,
    text: &str,
    raw: &RawConfig,
    errors: &mut Vec<Diagnostic>,
) -> jiff::tz::TimeZone {
    match jiff::tz::TimeZone::get(&raw.timezone) {
        Ok(tz) => tz,
        Err(_) => {
            errors.push(
                Diagnostic::at(
                    file,
                    find_key(text, "timezone"),
                    format!("unknown time zone `{}`", raw.timezone),
                    "not an IANA time zone name",
                )
                .hint("use a name such as \"Europe/Oslo\" or \"UTC\""),
            );
            jiff::tz::TimeZone::UTC
        }
    }
}

/// An error for each highlight theme (light, dark) not in [`HIGHLIGHT_THEMES`].
fn check_highlight_themes(file: &Path, text: &str, raw: &RawConfig, errors: &mut Vec<Diagnostic>) {
    for key in [&raw.highlight_theme, &raw.highlight_theme_dark] {
        if !HIGHLIGHT_THEMES.contains(&key.as_str()) {
            errors.push(
                Diagnostic::at(
                    file,
                    find_value(text, key),
                    format!("unknown highlight theme `{key}`"),
                    "not a bundled theme",
                )
                .hint(format!("bundled themes: {}", HIGHLIGHT_THEMES.join(", "))),
            );
        }
    }
}

/// An error for a `theme` that is not a plain folder name.
fn check_theme(file: &Path, text: &str, raw: &RawConfig, errors: &mut Vec<Diagnostic>) {
    if let Some(theme) = &raw.theme
        && !is_folder_name(theme)
    {
        errors.push(
            Diagnostic::at(
                file,
                find_key(text, "theme"),
                format!("`{theme}` is not a theme name"),
                "not the name of a folder in themes/",
            )
            .hint("a theme is a folder directly under themes/: write theme = \"styre\" for themes/styre"),
        );
    }
}

/// The languages, the default first, then by code; errors for an undeclared default and bad codes.
fn check_languages(
    file: &Path,
    text: &str,
    raw: &RawConfig,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Language> {
    let mut languages = Vec::new();
    let default_code = &raw.default_language;
    if !raw.languages.is_empty() && !raw.languages.contains_key(default_code) {
        errors.push(
            Diagnostic::at(
                file,
                find_key(text, "default_language"),
                format!(
                    "default language `{default_code}` has no [languages.{default_code}] table"
                ),
                "not declared under [languages]",
            )
            .hint(format!("add [languages.{default_code}] with name = \"…\"")),
        );
    }
    for (code, lang) in &raw.languages {
        if !is_language_code(code) {
            errors.push(
                Diagnostic::at(
                    file,
                    find_value(text, &format!("languages.{code}")),
                    format!("`{code}` is not a language code"),
                    "not a BCP 47 language code",
                )
                .hint("use a code such as nb, nn, en, se or ar"),
            );
        }
        languages.push(Language {
            code: code.clone(),
            name: lang.name.clone(),
            direction: lang.direction,
            locale: lang.locale.clone().unwrap_or_else(|| code.clone()),
            title: lang.title.clone().unwrap_or_else(|| raw.title.clone()),
            description: lang
                .description
                .clone()
                .unwrap_or_else(|| raw.description.clone()),
            is_default: code == default_code,
        });
    }
    if !languages.iter().any(|l| l.is_default) {
        languages.push(Language {
            code: default_code.clone(),
            name: default_code.clone(),
            direction: Direction::Ltr,
            locale: default_code.clone(),
            title: raw.title.clone(),
            description: raw.description.clone(),
            is_default: true,
        });
    }
    languages.sort_by(|a, b| (!a.is_default, &a.code).cmp(&(!b.is_default, &b.code)));
    languages
}

fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Byte range of a top-level `key` in TOML text, for messages about a valid-but-wrong value.
fn find_key(text: &str, key: &str) -> std::ops::Range<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let start = offset + (line.len() - trimmed.len());
            return start..start + key.len();
        }
        offset += line.len();
    }
    0..0
}

/// Byte range of the value of the first `key = value` line for `key` (at any table level),
/// for messages about the value; the key's range when the value cannot be found.
fn value_span(text: &str, key: &str) -> std::ops::Range<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && let Some(value) = rest.trim_start().strip_prefix('=')
        {
            let mut value = value.trim();
            if let Some(end) = value.strip_prefix('"').and_then(|v| v.find('"')) {
                value = &value[..end + 2];
            }
            let start = offset + (line.len() - line.trim_start().len()) + key.len();
            let start = start + line[start - offset..].find(value).unwrap_or(0);
            return start..start + value.len();
        }
        offset += line.len();
    }
    find_key(text, key)
}

/// Byte range of the first occurrence of `needle` in the text (used to point at a value).
fn find_value(text: &str, needle: &str) -> std::ops::Range<usize> {
    text.find(needle)
        .map_or(0..0, |start| start..start + needle.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(Path::new("config.toml"), text)
    }

    #[test]
    fn defaults_apply() {
        let c = parse("base_url = \"https://example.no/\"\ntitle = \"T\"\n").unwrap();
        assert_eq!(c.base_url, "https://example.no");
        assert_eq!(c.default_language, "nb");
        assert_eq!(c.languages.len(), 1);
        assert!(c.minify_html && c.generate_feed && c.highlight_code);
        assert_eq!(c.feed_limit, 20);
        assert_eq!(c.timezone_name, "Europe/Oslo");
    }

    #[test]
    fn languages_default_first_then_by_code() {
        let c = parse(
            "base_url = \"https://x.no\"\ntitle = \"T\"\n[languages.nb]\nname = \"Norsk\"\n\
             [languages.ar]\nname = \"العربية\"\ndirection = \"rtl\"\n[languages.en]\nname = \"English\"\n",
        )
        .unwrap();
        let codes: Vec<&str> = c.languages.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["nb", "ar", "en"]);
        let (ar, en) = (c.langs.id("ar").unwrap(), c.langs.id("en").unwrap());
        assert_eq!(c.lang(ar).direction, Direction::Rtl);
        assert_eq!(c.langs.prefix(en), "/en/");
        assert_eq!(c.langs.prefix(LangId::DEFAULT), "/");
    }

    #[test]
    fn mistakes_are_positioned() {
        let errors = parse(
            "base_url = \"https://x.no\"\ntitle = \"T\"\ntimezone = \"Mars/Olympus\"\n\
             [languages.en]\nname = \"English\"\n",
        )
        .unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown time zone `Mars/Olympus`",
                "default language `nb` has no [languages.nb] table"
            ]
        );
        assert_eq!(errors[0].span, Some(38..46));
    }

    #[test]
    fn unknown_nested_keys_get_hints() {
        let errors =
            parse("base_url = \"https://x.no\"\ntitle = \"T\"\n[languages.nb]\nnmae = \"Norsk\"\n")
                .unwrap_err();
        assert_eq!(errors[0].message, "unknown key `nmae` in config.toml");
        assert!(
            errors[0].hints[0].contains("`name`"),
            "{:?}",
            errors[0].hints
        );
    }
}
