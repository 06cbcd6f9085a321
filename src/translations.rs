//! `styre check --translations`: every page and section of the default language against every
//! other language — translated, outdated (the original was updated after the translation),
//! shown as a stand-in for a missing translation, or left out — as a table or as JSON.

use serde::Serialize;

use crate::date::Date;
use crate::resolve::{Site, Target};
use crate::site::ids::LangId;

/// The state of one content file in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// The default language's own file.
    Original,
    Translated,
    /// A translation whose original has an `updated` date later than the translation's
    /// `updated` (or `date`).
    Outdated,
    /// No translation: the original is shown under a notice.
    Fallback,
    /// No translation, and `untranslated = "omit"` leaves the page out.
    Missing,
}

impl State {
    fn mark(self) -> &'static str {
        match self {
            State::Original => "original",
            State::Translated => "ok",
            State::Outdated => "OUTDATED",
            State::Fallback => "fallback",
            State::Missing => "missing",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Row {
    /// The content key (`produktstyret/mandat.md`).
    pub key: String,
    /// The original's file.
    pub file: String,
    /// One state per language, in `Matrix::languages` order.
    pub states: Vec<State>,
}

#[derive(Debug, Serialize)]
pub struct Totals {
    pub language: String,
    pub translated: usize,
    pub outdated: usize,
    pub fallback: usize,
    pub missing: usize,
}

#[derive(Debug, Serialize)]
pub struct Matrix {
    pub default_language: String,
    pub languages: Vec<String>,
    pub rows: Vec<Row>,
    pub totals: Vec<Totals>,
}

/// The matrix of every page and section of the default language.
pub fn matrix(site: &Site) -> Matrix {
    let default = &site.config.default_language;
    let languages: Vec<String> = site
        .config
        .languages
        .iter()
        .map(|l| l.code.clone())
        .collect();
    let rows: Vec<Row> = originals(site)
        .into_iter()
        .map(|original| row(site, original))
        .collect();
    let totals = totals(&languages, default, &rows);
    Matrix {
        default_language: default.clone(),
        languages,
        rows,
        totals,
    }
}

/// A file of the default language: its content key, its file, its `updated` date (pages only).
type Original = (String, String, Option<Date>);

/// The sections (but synthetic ones) and pages of the default language, by content key.
fn originals(site: &Site) -> Vec<Original> {
    let mut originals: Vec<Original> = site
        .sections()
        .map(|(_, s)| s)
        .filter(|s| s.source.lang.is_default() && !s.synthetic)
        .map(|s| {
            (
                s.source.key.clone(),
                s.source.file.display().to_string(),
                None,
            )
        })
        .chain(
            site.pages()
                .map(|(_, p)| p)
                .filter(|p| p.source.lang.is_default())
                .map(|p| {
                    (
                        p.source.key.clone(),
                        p.source.file.display().to_string(),
                        p.updated(),
                    )
                }),
        )
        .collect();
    originals.sort_by(|a, b| a.0.cmp(&b.0));
    originals
}

/// The row of one original: its state in every language.
fn row(site: &Site, (key, file, updated): Original) -> Row {
    let states = (site.config.langs.ids())
        .map(|lang| state(site, &key, updated, lang))
        .collect();
    Row { key, file, states }
}

/// The state of the original with this key (last `updated` then) in one language.
fn state(site: &Site, key: &str, updated: Option<Date>, lang: LangId) -> State {
    if lang.is_default() {
        return State::Original;
    }
    match site.get(key, lang) {
        None => State::Missing,
        Some(t) if site.is_fallback(t) => State::Fallback,
        Some(Target::Page(i)) => {
            let tr = site.page(i);
            let translated_on = tr.updated().or_else(|| tr.date());
            match (updated, translated_on) {
                (Some(o), Some(t)) if o.date > t.date => State::Outdated,
                _ => State::Translated,
            }
        }
        Some(Target::Section(_)) => State::Translated,
    }
}

/// The count of each state, per language but the default.
fn totals(languages: &[String], default: &str, rows: &[Row]) -> Vec<Totals> {
    languages
        .iter()
        .enumerate()
        .filter(|(_, l)| *l != default)
        .map(|(i, l)| {
            let count = |s: State| rows.iter().filter(|r| r.states[i] == s).count();
            Totals {
                language: l.clone(),
                translated: count(State::Translated),
                outdated: count(State::Outdated),
                fallback: count(State::Fallback),
                missing: count(State::Missing),
            }
        })
        .collect()
}

/// The matrix as a plain-text table, one row per content file, then the totals.
pub fn table(m: &Matrix) -> String {
    let key_width = m.rows.iter().map(|r| r.key.len()).max().unwrap_or(0).max(7);
    let col = |lang: &str| lang.len().max(8);
    let mut out = format!("{:key_width$}", "content");
    for l in &m.languages {
        out.push_str(&format!("  {:w$}", l, w = col(l)));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    for r in &m.rows {
        out.push_str(&format!("{:key_width$}", r.key));
        for (l, s) in m.languages.iter().zip(&r.states) {
            out.push_str(&format!("  {:w$}", s.mark(), w = col(l)));
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    out.push('\n');
    for t in &m.totals {
        out.push_str(&format!(
            "{}: {} translated, {} outdated, {} fallback, {} missing\n",
            t.language, t.translated, t.outdated, t.fallback, t.missing
        ));
    }
    out
}

/// The matrix as JSON.
pub fn json(m: &Matrix) -> String {
    let mut s = serde_json::to_string_pretty(m).unwrap_or_default();
    s.push('\n');
    s
}
