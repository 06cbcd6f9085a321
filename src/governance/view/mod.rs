//! What templates see of governance records: plain JSON values, computed once per build, and
//! the generated pages (a permalink per case, the decision register, the follow-up tracker).
//! What other code reads back is typed: `#[derive(Serialize)]` structs ([`TextLang`],
//! [`CaseRef`], the roadmap's and delivery plan's values) that templates get serialized, and
//! that search reads by field, so a renamed key cannot empty a search field unnoticed.
//!
//! Everything here reads the resolved [`Site`]; nothing renders templates. This file holds
//! [`View`] and the references every page kind shares (cases, pages, bodies, meetings); the
//! values of each kind of page are in the files beside it:
//!
//! - `meetings`: meetings, agenda cases, the archive, case pages, the registers.
//! - `documents`: governing documents and their versions; `diff`, the changes between two
//!   versions as the reader reads them.
//! - `plans`: the roadmap, delivery plans and meeting plans.
//! - `charts`: datasets and their SVG charts.
//! - `overview`: a body's section, each page's kind, the front page's `overview`.

mod charts;
mod diff;
mod documents;
mod meetings;
mod overview;
mod plans;

pub use charts::dataset;
pub use documents::document;
pub use overview::{body, is_document, overview, page_kind};
pub use plans::{delivery_plan, meeting_plan, roadmap};

use serde::Serialize;
use serde_json::{Value, json};

use super::model::*;
use super::registry::{BodyId, CaseId, CaseOrigin, MeetingId};
use crate::resolve::{Page, PageId, Section, SectionId, Site, Target};
use crate::site::ids::LangId;

/// Rendered Markdown as its HTML string, or null.
fn html(r: &Option<crate::markdown::Rendered>) -> Value {
    r.as_ref()
        .map_or(Value::Null, |r| Value::String(r.html.clone()))
}

/// The language of texts that are not in the view's language (a translation that leaves them
/// out, a stand-in): templates put `lang` and `dir` on the elements that hold them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextLang {
    pub lang: String,
    pub dir: &'static str,
}

/// A short reference to a case, for lists and links (`cites`, `decided_in`, the registers) and
/// for its search document.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRef {
    pub id: String,
    /// In this view's language where a translation gives it, else the original's.
    pub title: String,
    pub text_lang: Option<TextLang>,
    pub permalink: String,
}

/// What templates of one language see of the governance records: URLs in that language, and
/// texts from the translation where one carries the record (checked against the original),
/// otherwise the original's, marked with their language (`text_lang`).
pub struct View<'s> {
    pub site: &'s Site,
    pub lang: LangId,
    strings: Value,
}

impl<'s> View<'s> {
    pub fn new(site: &'s Site, lang: LangId) -> Self {
        View {
            site,
            lang,
            strings: site.strings.of(lang),
        }
    }

    /// The page of a record (given by the original) as published in this language.
    pub fn page(&self, p: PageId) -> &'s Page {
        let key = &self.site.page(p).source.key;
        match self.site.get(key, self.lang) {
            Some(Target::Page(i)) => self.site.page(i),
            _ => self.site.page(p),
        }
    }

    /// The page whose governance table gives the record's texts in this language.
    fn texts(&self, p: PageId) -> &'s Page {
        self.site.page(self.site.governance.text_page(p, self.lang))
    }

    /// The mark of texts written in `lang` when that is not this view's language, else none
    /// (null to templates).
    fn lang_mark(&self, lang: LangId) -> Option<TextLang> {
        if lang == self.lang {
            return None;
        }
        let language = self.site.config.lang(lang);
        Some(TextLang {
            lang: language.code.clone(),
            dir: language.direction.as_str(),
        })
    }

    /// The language mark of a file's texts: a stand-in's are in the default language.
    fn mark_of<M>(&self, source: &crate::load::Source<M>) -> Option<TextLang> {
        if source.fallback {
            self.lang_mark(LangId::DEFAULT)
        } else {
            self.lang_mark(source.lang)
        }
    }

    /// The language mark of the texts of the record on page `p`.
    fn text_lang(&self, p: PageId) -> Option<TextLang> {
        self.mark_of(&self.texts(p).source)
    }

    /// The text of page `p` (an original) in this language: its translation, or the original.
    fn translated(&self, p: PageId) -> &'s Page {
        let page = self.page(p);
        if page.source.fallback {
            self.site.page(p)
        } else {
            page
        }
    }

    fn absolute(&self, path: &str) -> String {
        self.site.config.absolute_url(path)
    }

    pub fn decisions_path(&self) -> String {
        self.site.governance.decisions_path(self.lang)
    }

    /// The generated pages every template can link to: `registers.decisions` and so on
    /// (the names of [`super::registry::Registry::GENERATED`], with `_` for `-`).
    pub fn registers(&self) -> Value {
        let reg = &self.site.governance;
        let mut out = serde_json::Map::new();
        for name in super::registry::Registry::GENERATED {
            if let Some(path) = reg.generated_path(name, self.lang) {
                out.insert(name.replace('-', "_"), Value::String(self.absolute(&path)));
            }
        }
        Value::Object(out)
    }

    /// The title of a case in this language, with its language mark.
    fn case_title(&self, i: CaseId) -> (String, Option<TextLang>) {
        let reg = &self.site.governance;
        let c = reg.case(i);
        let (page, title) = match c.origin {
            CaseOrigin::Agenda { meeting, case } => {
                let p = reg.meeting(meeting).page;
                let title = match &self.texts(p).source.meta.kind {
                    Some(Kind::Meeting(m)) => m.cases.get(case).map(|x| x.title.clone()),
                    _ => None,
                };
                (p, title)
            }
            CaseOrigin::Declared { page, item } => {
                let title = match &self.texts(page).source.meta.kind {
                    Some(Kind::Meeting(m)) => {
                        m.follow_ups.get(item).and_then(|f| f.case_title.clone())
                    }
                    _ => None,
                };
                (page, title)
            }
        };
        match title {
            Some(t) => (t, self.text_lang(page)),
            None => (c.title.clone(), self.lang_mark(LangId::DEFAULT)),
        }
    }

    pub fn case_permalink(&self, i: CaseId) -> String {
        self.absolute(self.site.governance.case_path(i, self.lang))
    }

    /// Short reference to a case, for lists and links.
    pub fn case_ref(&self, i: CaseId) -> CaseRef {
        let c = self.site.governance.case(i);
        let (title, text_lang) = self.case_title(i);
        CaseRef {
            id: c.id.clone(),
            title,
            text_lang,
            permalink: self.case_permalink(i),
        }
    }

    fn page_ref(&self, p: PageId) -> Value {
        let page = self.page(p);
        json!({
            "title": self.translated(p).title(),
            "text_lang": self.mark_of(&page.source),
            "permalink": page.permalink,
            "date": page.date().map(|d| d.ymd()),
        })
    }

    fn body_ref(&self, b: BodyId) -> Value {
        let site = self.site;
        let body = site.governance.body(b);
        let section = self.section(body.section);
        let texts = site.section(site.governance.text_section(body.section, self.lang));
        let short_name = texts
            .source
            .meta
            .body
            .as_ref()
            .map_or(body.body.short_name.as_str(), |x| x.short_name.as_str());
        json!({
            "id": body.id,
            "short_name": short_name,
            "title": section.title(),
            "permalink": section.permalink,
        })
    }

    /// A section (given by the original) as published in this language.
    fn section(&self, s: SectionId) -> &'s Section {
        let key = &self.site.section(s).source.key;
        match self.site.get(key, self.lang) {
            Some(Target::Section(i)) => self.site.section(i),
            _ => self.site.section(s),
        }
    }

    /// Short reference to a meeting: its page's, with number, date, status, body and case count.
    fn meeting_ref(&self, m: MeetingId) -> Value {
        let entry = self.site.governance.meeting(m);
        let Some(Kind::Meeting(meeting)) = &self.site.page(entry.page).source.meta.kind else {
            return Value::Null;
        };
        let mut v = self.page_ref(entry.page);
        if let Some(o) = v.as_object_mut() {
            o.insert("number".into(), json!(meeting.number.get_ref()));
            o.insert("date".into(), json!(meeting.date.get_ref().ymd()));
            o.insert("year".into(), json!(meeting.date.get_ref().year()));
            o.insert("status".into(), json!(meeting.status));
            o.insert("body".into(), self.body_ref(entry.body));
            o.insert("case_count".into(), json!(meeting.cases.len()));
        }
        v
    }
}
