//! What templates see of governance records: plain JSON values, computed once per build, and
//! the generated pages (a permalink per case, the decision register, the follow-up tracker).
//!
//! Everything here reads the resolved [`Site`]; nothing renders templates.

use crate::date::Date;
use serde_json::{Value, json};

use super::model::*;
use super::registry::CaseOrigin;
use crate::resolve::{Page, Site, Target};

fn html(r: &Option<crate::markdown::Rendered>) -> Value {
    r.as_ref()
        .map_or(Value::Null, |r| Value::String(r.html.clone()))
}

/// What templates of one language see of the governance records: URLs in that language, and
/// texts from the translation where one carries the record (checked against the original),
/// otherwise the original's, marked with their language (`text_lang`).
pub struct View<'s> {
    pub site: &'s Site,
    pub lang: &'s str,
    strings: Value,
}

impl<'s> View<'s> {
    pub fn new(site: &'s Site, lang: &'s str) -> Self {
        View {
            site,
            lang,
            strings: site.strings.of(lang),
        }
    }

    /// The page of a record (index of the original) as published in this language.
    pub fn page(&self, p: usize) -> &'s Page {
        let key = &self.site.pages[p].source.key;
        match self.site.get(key, self.lang) {
            Some(Target::Page(i)) => &self.site.pages[i],
            _ => &self.site.pages[p],
        }
    }

    /// The page whose governance table gives the record's texts in this language.
    fn texts(&self, p: usize) -> &'s Page {
        &self.site.pages[self.site.governance.text_page(p, self.lang)]
    }

    /// `{"lang", "dir"}` of texts written in `lang` when that is not this view's language
    /// (templates put it on the elements that hold those texts), else null.
    fn lang_mark(&self, lang: &str) -> Value {
        if lang == self.lang {
            return Value::Null;
        }
        let dir = self
            .site
            .config
            .language(lang)
            .map_or("ltr", |l| l.direction.as_str());
        json!({"lang": lang, "dir": dir})
    }

    /// The language mark of a file's texts: a stand-in's are in the default language.
    fn mark_of<M>(&self, source: &crate::load::Source<M>) -> Value {
        if source.fallback {
            self.lang_mark(&self.site.config.default_language)
        } else {
            self.lang_mark(&source.lang)
        }
    }

    /// The language mark of the texts of the record on page `p`.
    fn text_lang(&self, p: usize) -> Value {
        self.mark_of(&self.texts(p).source)
    }

    /// The text of page `p` (an original) in this language: its translation, or the original.
    fn translated(&self, p: usize) -> &'s Page {
        let page = self.page(p);
        if page.source.fallback {
            &self.site.pages[p]
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

    pub fn follow_ups_path(&self) -> String {
        self.site.governance.follow_ups_path(self.lang)
    }

    pub fn data_page_path(&self) -> String {
        self.site.governance.data_page_path(self.lang)
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
    fn case_title(&self, i: usize) -> (String, Value) {
        let reg = &self.site.governance;
        let c = &reg.cases[i];
        let (page, title) = match c.origin {
            CaseOrigin::Agenda { meeting, case } => {
                let p = reg.meetings[meeting].page;
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
            None => (
                c.title.clone(),
                self.lang_mark(&self.site.config.default_language),
            ),
        }
    }

    pub fn case_permalink(&self, i: usize) -> String {
        self.absolute(&self.site.governance.case_path(i, self.lang))
    }

    /// Short reference to a case, for lists and links.
    pub fn case_ref(&self, i: usize) -> Value {
        let c = &self.site.governance.cases[i];
        let (title, text_lang) = self.case_title(i);
        json!({"id": c.id, "title": title, "text_lang": text_lang, "permalink": self.case_permalink(i)})
    }

    fn page_ref(&self, p: usize) -> Value {
        let page = self.page(p);
        json!({
            "title": self.translated(p).title(),
            "text_lang": self.mark_of(&page.source),
            "permalink": page.permalink,
            "date": page.date().map(|d| d.ymd()),
        })
    }

    fn body_ref(&self, b: usize) -> Value {
        let site = self.site;
        let body = &site.governance.bodies[b];
        let section = self.section(body.section);
        let texts = &site.sections[site.governance.text_section(body.section, self.lang)];
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

    /// A section (index of the original) as published in this language.
    fn section(&self, s: usize) -> &'s crate::resolve::Section {
        let key = &self.site.sections[s].source.key;
        match self.site.get(key, self.lang) {
            Some(Target::Section(i)) => &self.site.sections[i],
            _ => &self.site.sections[s],
        }
    }

    /// One agenda case, complete.
    fn agenda_case(&self, m: usize, c: usize) -> Value {
        let site = self.site;
        let reg = &site.governance;
        let entry = &reg.meetings[m];
        let Some(Kind::Meeting(meeting)) = &self.texts(entry.page).source.meta.kind else {
            return Value::Null;
        };
        let Some(case) = meeting.cases.get(c) else {
            return Value::Null;
        };
        let texts = entry
            .texts
            .get(self.lang)
            .and_then(|t| t.get(c))
            .cloned()
            .unwrap_or_default();
        let index = entry.cases.get(c).copied().flatten();
        let refs =
            |list: &[usize]| -> Vec<Value> { list.iter().map(|&i| self.case_ref(i)).collect() };
        let (cites, cited_by, slug, permalink) = match index {
            Some(i) => (
                refs(&reg.cases[i].cites),
                refs(&reg.cases[i].cited_by),
                reg.cases[i].slug.clone(),
                self.case_permalink(i),
            ),
            None => (Vec::new(), Vec::new(), String::new(), String::new()),
        };
        let attachments: Vec<Value> = case
            .attachments
            .iter()
            .map(|a| {
                let href = match (&a.url, &a.path) {
                    (Some(url), _) => url.get_ref().clone(),
                    (None, Some(path)) => {
                        format!("{}{}", site.pages[entry.page].permalink, path.get_ref())
                    }
                    (None, None) => String::new(),
                };
                json!({"title": a.title, "href": href})
            })
            .collect();
        json!({
            "id": case.id.get_ref(),
            "slug": slug,
            "anchor": format!("sak-{slug}"),
            "title": case.title,
            "text_lang": self.text_lang(entry.page),
            "type": case.kind,
            "group": case.group,
            "start": case.start.as_ref().map(|t| t.get_ref().to_string()),
            "end": case.end.as_ref().map(|t| t.get_ref().to_string()),
            "presenters": case.presenters,
            "background": html(&texts.background),
            "proposal": html(&texts.proposal),
            "decision": html(&texts.decision),
            "cites": cites,
            "cited_by": cited_by,
            "attachments": attachments,
            "permalink": permalink,
            "meeting": self.meeting_ref(m),
        })
    }

    fn meeting_ref(&self, m: usize) -> Value {
        let entry = &self.site.governance.meetings[m];
        let Some(Kind::Meeting(meeting)) = &self.site.pages[entry.page].source.meta.kind else {
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

    /// A follow-up item: item `f` of the meeting on page `p` (an original).
    fn follow_up(&self, p: usize, f: usize) -> Value {
        let reg = &self.site.governance;
        let Some(Kind::Meeting(meeting)) = &self.texts(p).source.meta.kind else {
            return Value::Null;
        };
        let Some(item) = meeting.follow_ups.get(f) else {
            return Value::Null;
        };
        let case = reg.find_case(item.case.get_ref()).map(|i| self.case_ref(i));
        let resolved_by = item
            .resolved_by
            .as_ref()
            .and_then(|r| reg.find_case(r.get_ref()))
            .map(|i| self.case_ref(i));
        json!({
            "case_id": item.case.get_ref(),
            "case": case,
            "item": item.item,
            "response": item.response,
            "text_lang": self.text_lang(p),
            "status": item.status,
            "resolved_by": resolved_by,
            "meeting": self.page_ref(p),
        })
    }

    /// `page.meeting`.
    pub fn meeting(&self, m: usize) -> Value {
        let entry = &self.site.governance.meetings[m];
        let Some(Kind::Meeting(meeting)) = &self.texts(entry.page).source.meta.kind else {
            return Value::Null;
        };
        let cases: Vec<Value> = (0..meeting.cases.len())
            .map(|c| self.agenda_case(m, c))
            .collect();
        let follow_ups: Vec<Value> = (0..meeting.follow_ups.len())
            .map(|f| self.follow_up(entry.page, f))
            .collect();
        json!({
            "body": self.body_ref(entry.body),
            "number": meeting.number.get_ref(),
            "date": meeting.date.get_ref().ymd(),
            "year": meeting.date.get_ref().year(),
            "start": meeting.start.map(|t| t.to_string()),
            "end": meeting.end.map(|t| t.to_string()),
            "format": meeting.format,
            "place": meeting.place,
            "text_lang": self.text_lang(entry.page),
            "status": meeting.status,
            "cases": cases,
            "follow_ups": follow_ups,
            "jsonld": super::data::meeting_jsonld(self.site, m),
        })
    }

    /// The meeting archive of a body for one year.
    pub fn archive(&self, body: usize, year: i32) -> Value {
        let reg = &self.site.governance;
        let meetings: Vec<Value> = reg
            .meetings
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, m)| m.body == body && m.year == year)
            .map(|(i, _)| {
                let mut v = self.meeting_ref(i);
                let cases: Vec<Value> = reg.meetings[i]
                    .cases
                    .iter()
                    .flatten()
                    .map(|&c| self.case_ref(c))
                    .collect();
                v["cases"] = json!(cases);
                v
            })
            .collect();
        let years: Vec<Value> = reg
            .archive_years()
            .into_iter()
            .filter(|(b, _)| *b == body)
            .rev()
            .map(|(b, y)| json!({"year": y, "permalink": self.absolute(&reg.archive_path(b, y, self.lang)), "is_this": y == year}))
            .collect();
        json!({"body": self.body_ref(body), "year": year, "meetings": meetings, "years": years})
    }

    /// The context of a case's own page.
    pub fn case_page(&self, i: usize) -> Value {
        let site = self.site;
        let reg = &site.governance;
        let entry = &reg.cases[i];
        let refs =
            |list: &[usize]| -> Vec<Value> { list.iter().map(|&i| self.case_ref(i)).collect() };
        match entry.origin {
            CaseOrigin::Agenda { meeting, case } => {
                let mut v = self.agenda_case(meeting, case);
                if let Some(o) = v.as_object_mut() {
                    o.insert("declared".into(), Value::Bool(false));
                    o.insert("body".into(), self.body_ref(entry.body));
                    o.insert(
                        "jsonld".into(),
                        Value::String(super::data::case_jsonld(site, i)),
                    );
                }
                v
            }
            CaseOrigin::Declared { page, .. } => {
                // Every follow-up item, anywhere, that concerns this case.
                let mut items = Vec::new();
                for m in &reg.meetings {
                    if let Some(Kind::Meeting(meeting)) = &site.pages[m.page].source.meta.kind {
                        for (f, item) in meeting.follow_ups.iter().enumerate() {
                            if reg.find_case(item.case.get_ref()) == Some(i) {
                                items.push(self.follow_up(m.page, f));
                            }
                        }
                    }
                }
                let (title, text_lang) = self.case_title(i);
                json!({
                    "id": entry.id,
                    "slug": entry.slug,
                    "title": title,
                    "text_lang": text_lang,
                    "declared": true,
                    "declared_in": self.page_ref(page),
                    "body": self.body_ref(entry.body),
                    "cites": refs(&entry.cites),
                    "cited_by": refs(&entry.cited_by),
                    "follow_ups": items,
                    "permalink": self.case_permalink(i),
                })
            }
        }
    }

    /// Every case with a decision, or (when the decision is not published) of a type that asks
    /// for one, newest meeting first.
    pub fn decisions(&self) -> Value {
        let reg = &self.site.governance;
        let rows: Vec<Value> = self
            .decision_cases()
            .map(|(m, c)| self.agenda_case(m, c))
            .collect();
        let mut years: Vec<i64> = rows
            .iter()
            .filter_map(|r| r["meeting"]["year"].as_i64())
            .collect();
        years.sort_unstable();
        years.dedup();
        years.reverse();
        let bodies: Vec<Value> = (0..reg.bodies.len()).map(|b| self.body_ref(b)).collect();
        json!({"cases": rows, "years": years, "bodies": bodies})
    }

    /// The decision register's cases as (meeting, agenda position), newest meeting first.
    fn decision_cases(&self) -> impl Iterator<Item = (usize, usize)> + 's {
        let site = self.site;
        site.governance
            .meetings
            .iter()
            .enumerate()
            .rev()
            .flat_map(move |(m, entry)| {
                let cases = match &site.pages[entry.page].source.meta.kind {
                    Some(Kind::Meeting(meeting)) => meeting.cases.as_slice(),
                    _ => &[],
                };
                cases
                    .iter()
                    .enumerate()
                    .filter(|(_, case)| super::data::asks_for_decision(case))
                    .map(move |(c, _)| (m, c))
            })
    }

    /// Every follow-up item, with the status it had at the latest meeting that reviewed it.
    pub fn follow_ups(&self) -> Value {
        let reg = &self.site.governance;
        let mut latest: Vec<(String, String, Value)> = Vec::new();
        for entry in &reg.meetings {
            let Some(Kind::Meeting(meeting)) = &self.site.pages[entry.page].source.meta.kind else {
                continue;
            };
            for (f, item) in meeting.follow_ups.iter().enumerate() {
                let key_case = reg
                    .find_case(item.case.get_ref())
                    .map_or_else(|| item.case.get_ref().clone(), |i| reg.cases[i].id.clone());
                let value = self.follow_up(entry.page, f);
                // Meetings are in date order: a later review replaces an earlier one.
                match latest
                    .iter_mut()
                    .find(|(c, it, _)| *c == key_case && *it == item.item)
                {
                    Some(slot) => slot.2 = value,
                    None => latest.push((key_case, item.item.clone(), value)),
                }
            }
        }
        let (open, closed): (Vec<Value>, Vec<Value>) = latest
            .into_iter()
            .map(|(_, _, v)| v)
            .partition(|v| v["status"] == "open");
        json!({"open": open, "closed": closed})
    }
}

/// `page.document`: this version, the current one, and the whole history with diffs.
pub fn document(v: &View<'_>, d: usize) -> Value {
    let site = v.site;
    let reg = &site.governance;
    let Some(Kind::Document(doc)) = &v.texts(reg.documents[d].page).source.meta.kind else {
        return Value::Null;
    };
    // Walk to the newest version, then back through the history.
    let mut current = d;
    let mut guard = 0;
    while let Some(n) = reg.documents[current].next {
        current = n;
        guard += 1;
        if guard > 1000 {
            break;
        }
    }
    let mut versions = Vec::new();
    let mut at = Some(current);
    let mut guard = 0;
    while let Some(ver) = at {
        let entry = &reg.documents[ver];
        if let Some(Kind::Document(vdoc)) = &v.texts(entry.page).source.meta.kind {
            let diff = entry.previous.map(|p| {
                let (old, new) = (v.translated(reg.documents[p].page), v.translated(entry.page));
                // Compare texts of one language: both translated, or both originals.
                let (old, new, lang) = if old.source.lang == new.source.lang {
                    (old, new, old.source.lang.as_str())
                } else {
                    (
                        &site.pages[reg.documents[p].page],
                        &site.pages[entry.page],
                        site.config.default_language.as_str(),
                    )
                };
                json!({"html": word_diff(old.source.body(), new.source.body()), "text_lang": v.lang_mark(lang)})
            });
            let mut version = v.page_ref(entry.page);
            if let Some(o) = version.as_object_mut() {
                o.insert("version".into(), json!(vdoc.version));
                o.insert("adopted".into(), json!(vdoc.adopted.map(|a| a.ymd())));
                o.insert("decided_by".into(), json!(vdoc.decided_by));
                o.insert("decided_by_lang".into(), v.text_lang(entry.page));
                o.insert("is_this".into(), json!(ver == d));
                o.insert("is_current".into(), json!(ver == current));
                o.insert(
                    "previous_version".into(),
                    json!(entry.previous.and_then(|p| {
                        match &site.pages[reg.documents[p].page].source.meta.kind {
                            Some(Kind::Document(pd)) => Some(pd.version.clone()),
                            _ => None,
                        }
                    })),
                );
                o.insert("diff".into(), json!(diff));
            }
            versions.push(version);
        }
        at = entry.previous;
        guard += 1;
        if guard > 1000 {
            break;
        }
    }
    json!({
        "id": doc.id.get_ref(),
        "type": doc.kind,
        "version": doc.version,
        "adopted": doc.adopted.map(|a| a.ymd()),
        "decided_by": doc.decided_by,
        "text_lang": v.text_lang(reg.documents[d].page),
        "body": doc.body.as_ref().and_then(|b| reg.body(b.get_ref())).map(|b| v.body_ref(b)),
        "is_current": current == d,
        "current": v.page_ref(reg.documents[current].page),
        "versions": versions,
    })
}

/// A readable word-level diff of two Markdown texts, as HTML paragraphs: paragraphs are
/// matched first, then the words of each changed paragraph, and each run of changes is shown
/// as one `<del>` (the old words) followed by one `<ins>` (the new ones).
pub fn word_diff(old: &str, new: &str) -> String {
    use similar::{DiffOp, TextDiff};
    let paragraphs = |text: &str| -> Vec<String> {
        text.split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect()
    };
    let (old_p, new_p) = (paragraphs(old), paragraphs(new));
    let old_refs: Vec<&str> = old_p.iter().map(String::as_str).collect();
    let new_refs: Vec<&str> = new_p.iter().map(String::as_str).collect();
    let diff = TextDiff::from_slices(&old_refs, &new_refs);
    let mut out = Vec::new();
    for op in diff.ops() {
        match *op {
            DiffOp::Equal { old_index, len, .. } => {
                for p in &old_refs[old_index..old_index + len] {
                    out.push(format!("<p>{}</p>", crate::site::html::escape(p)));
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for p in &old_refs[old_index..old_index + old_len] {
                    out.push(format!(
                        "<p><del>{}</del></p>",
                        crate::site::html::escape(p)
                    ));
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for p in &new_refs[new_index..new_index + new_len] {
                    out.push(format!(
                        "<p><ins>{}</ins></p>",
                        crate::site::html::escape(p)
                    ));
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let pairs = old_len.min(new_len);
                for k in 0..pairs {
                    out.push(format!(
                        "<p>{}</p>",
                        paragraph_diff(old_refs[old_index + k], new_refs[new_index + k])
                    ));
                }
                for p in &old_refs[old_index + pairs..old_index + old_len] {
                    out.push(format!(
                        "<p><del>{}</del></p>",
                        crate::site::html::escape(p)
                    ));
                }
                for p in &new_refs[new_index + pairs..new_index + new_len] {
                    out.push(format!(
                        "<p><ins>{}</ins></p>",
                        crate::site::html::escape(p)
                    ));
                }
            }
        }
    }
    out.join("\n")
}

/// The words of one paragraph against its new version.
fn paragraph_diff(old: &str, new: &str) -> String {
    use similar::{ChangeTag, TextDiff};
    let escape = crate::site::html::escape;
    let diff = TextDiff::from_words(old, new);
    // Paragraphs that share little read better as a whole replacement than as confetti.
    if diff.ratio() < 0.5 {
        return format!("<del>{}</del> <ins>{}</ins>", escape(old), escape(new));
    }
    let changes: Vec<(ChangeTag, &str)> = diff
        .iter_all_changes()
        .map(|c| (c.tag(), c.value()))
        .collect();
    let mut out = String::new();
    let (mut del, mut ins) = (String::new(), String::new());
    let flush = |out: &mut String, del: &mut String, ins: &mut String| {
        let (d, i) = (del.trim_end(), ins.trim_end());
        if !d.is_empty() {
            out.push_str(&format!("<del>{}</del>", escape(d)));
        }
        if !i.is_empty() {
            out.push_str(&format!("<ins>{}</ins>", escape(i)));
        }
        // Keep the space that separated the run from what follows.
        if del.len() != d.len() || ins.len() != i.len() {
            out.push(' ');
        }
        del.clear();
        ins.clear();
    };
    for (i, (tag, text)) in changes.iter().enumerate() {
        match tag {
            ChangeTag::Delete => del.push_str(text),
            ChangeTag::Insert => ins.push_str(text),
            ChangeTag::Equal => {
                // A lone space between two changes joins them into one run.
                let in_run = !(del.is_empty() && ins.is_empty());
                let next_changes = changes
                    .get(i + 1)
                    .is_some_and(|(t, _)| *t != ChangeTag::Equal);
                if in_run && next_changes && text.trim().is_empty() {
                    del.push_str(text);
                    ins.push_str(text);
                    continue;
                }
                flush(&mut out, &mut del, &mut ins);
                out.push_str(&escape(text));
            }
        }
    }
    flush(&mut out, &mut del, &mut ins);
    out.trim_end().to_string()
}

/// `page.roadmap`: the grid of areas × horizons, and every item with the projects serving it.
pub fn roadmap(v: &View<'_>, r: usize) -> Value {
    let site = v.site;
    let reg = &site.governance;
    let original = reg.roadmaps[r];
    let Some(Kind::Roadmap(roadmap)) = &v.texts(original).source.meta.kind else {
        return Value::Null;
    };
    let texts = reg.roadmap_texts.get(r).and_then(|t| t.get(v.lang));
    let plans = delivery_plans_of(v, roadmap.id.get_ref());
    let text_lang = v.text_lang(original);
    let items: Vec<Value> = roadmap
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let projects: Vec<Value> = plans
                .iter()
                .flat_map(|(p, plan)| {
                    let permalink = v.page(*p).permalink.clone();
                    let project_lang = v.text_lang(*p);
                    plan.projects
                        .iter()
                        .filter(|pr| {
                            pr.roadmap_items
                                .iter()
                                .any(|x| x.get_ref() == item.id.get_ref())
                        })
                        .map(move |pr| {
                            json!({
                                "id": pr.id.get_ref(),
                                "title": pr.title,
                                "text_lang": project_lang,
                                "stage": pr.stage,
                                "permalink": format!("{}#{}", permalink, pr.id.get_ref()),
                            })
                        })
                })
                .collect();
            json!({
                "id": item.id.get_ref(),
                "title": item.title,
                "text_lang": text_lang,
                "area": item.area.get_ref(),
                "horizon": item.horizon.get_ref(),
                "status": item.status,
                "description": texts.and_then(|t| t.get(i)).map_or(Value::Null, html),
                "projects": projects,
            })
        })
        .collect();
    let areas: Vec<Value> = roadmap
        .areas
        .iter()
        .map(|a| {
            let cells: Vec<Value> = roadmap
                .horizons
                .iter()
                .map(|h| {
                    let in_cell: Vec<&Value> = items
                        .iter()
                        .filter(|i| i["area"] == a.id.as_str() && i["horizon"] == h.id.as_str())
                        .collect();
                    json!({"horizon": h, "items": in_cell})
                })
                .collect();
            json!({"id": a.id, "title": a.title, "cells": cells})
        })
        .collect();
    let decided_in = roadmap
        .decided_in
        .as_ref()
        .and_then(|c| reg.find_case(c.get_ref()))
        .map(|i| v.case_ref(i));
    json!({
        "id": roadmap.id.get_ref(),
        "version": roadmap.version,
        "adopted": roadmap.adopted.map(|a| a.ymd()),
        "decided_in": decided_in,
        "text_lang": text_lang,
        "areas": areas,
        "horizons": roadmap.horizons,
        "items": items,
        "delivery_plans": plans.iter().map(|(p, _)| v.page_ref(*p)).collect::<Vec<_>>(),
    })
}

/// The delivery plans serving a roadmap: (original page, plan in this view's language).
fn delivery_plans_of<'s>(v: &View<'s>, roadmap_id: &str) -> Vec<(usize, &'s DeliveryPlan)> {
    v.site
        .governance
        .delivery_plans
        .iter()
        .filter_map(|&p| match &v.texts(p).source.meta.kind {
            Some(Kind::DeliveryPlan(plan)) if plan.roadmap.get_ref() == roadmap_id => {
                Some((p, plan))
            }
            _ => None,
        })
        .collect()
}

/// The roadmap with this id: (original page, roadmap in this view's language).
fn roadmap_of<'s>(v: &View<'s>, id: &str) -> Option<(usize, &'s Roadmap)> {
    v.site
        .governance
        .roadmaps
        .iter()
        .find_map(|&p| match &v.texts(p).source.meta.kind {
            Some(Kind::Roadmap(r)) if r.id.get_ref() == id => Some((p, r)),
            _ => None,
        })
}

/// `page.delivery_plan`: projects grouped by strategic area, each with its progress stage.
pub fn delivery_plan(v: &View<'_>, d: usize) -> Value {
    let site = v.site;
    let reg = &site.governance;
    let original = reg.delivery_plans[d];
    let Some(Kind::DeliveryPlan(plan)) = &v.texts(original).source.meta.kind else {
        return Value::Null;
    };
    let text_lang = v.text_lang(original);
    let roadmap = roadmap_of(v, plan.roadmap.get_ref());
    let roadmap_lang = roadmap.map(|(rp, _)| v.text_lang(rp));
    let project = |p: &Project| {
        let items: Vec<Value> = p
            .roadmap_items
            .iter()
            .map(|id| {
                let found = roadmap.and_then(|(rp, r)| {
                    r.items
                        .iter()
                        .find(|i| i.id.get_ref() == id.get_ref())
                        .map(|i| (rp, i))
                });
                match found {
                    Some((rp, i)) => json!({
                        "id": i.id.get_ref(),
                        "title": i.title,
                        "text_lang": roadmap_lang,
                        "permalink": format!("{}#{}", v.page(rp).permalink, i.id.get_ref()),
                    }),
                    None => json!({"id": id.get_ref(), "title": id.get_ref(), "permalink": null}),
                }
            })
            .collect();
        let stage_index = Stage::ALL.iter().position(|s| *s == p.stage).unwrap_or(0) + 1;
        json!({
            "id": p.id.get_ref(),
            "title": p.title,
            "text_lang": text_lang,
            "description": p.description,
            "actor": p.actor,
            "reference": p.reference,
            "stage": p.stage,
            "stage_number": stage_index,
            "note": p.note,
            "flags": p.flags,
            "roadmap_items": items,
        })
    };
    let areas: Vec<(String, String)> = match roadmap {
        Some((_, r)) => r
            .areas
            .iter()
            .map(|a| (a.id.clone(), a.title.clone()))
            .collect(),
        None => Vec::new(),
    };
    let groups: Vec<Value> = areas
        .iter()
        .filter_map(|(id, title)| {
            let projects: Vec<Value> = plan
                .projects
                .iter()
                .filter(|p| p.area.get_ref() == id)
                .map(project)
                .collect();
            (!projects.is_empty()).then(|| {
                json!({"area": {"id": id, "title": title, "text_lang": roadmap_lang}, "projects": projects})
            })
        })
        .collect();
    let decided_in = plan
        .decided_in
        .as_ref()
        .and_then(|c| reg.find_case(c.get_ref()))
        .map(|i| v.case_ref(i));
    json!({
        "roadmap": roadmap.map(|(p, r)| {
            let mut value = v.page_ref(p);
            value["version"] = json!(r.version);
            value
        }),
        "decided_in": decided_in,
        "text_lang": text_lang,
        "stages": Stage::ALL,
        "groups": groups,
        "project_count": plan.projects.len(),
    })
}

/// `page.meeting_plan`.
pub fn meeting_plan(v: &View<'_>, original: usize) -> Value {
    let Some(Kind::MeetingPlan(plan)) = &v.texts(original).source.meta.kind else {
        return Value::Null;
    };
    let reg = &v.site.governance;
    json!({
        "body": reg.body(plan.body.get_ref()).map(|b| v.body_ref(b)),
        "year": plan.year,
        "text_lang": v.text_lang(original),
        "dates": plan.dates.iter().map(|d| json!({"date": d.date.ymd(), "format": d.format, "note": d.note})).collect::<Vec<_>>(),
    })
}

/// `page.dataset`, with its chart drawn as SVG at build time.
pub fn dataset(v: &View<'_>, original: usize) -> Value {
    let page = v.texts(original);
    let Some(Kind::Dataset(set)) = &page.source.meta.kind else {
        return Value::Null;
    };
    let reg = &v.site.governance;
    let rows: Vec<Vec<Value>> = set
        .rows
        .get_ref()
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    DataCell::Number(n) => json!(n),
                    DataCell::Text(t) => json!(t),
                })
                .collect()
        })
        .collect();
    let chart = match set.chart {
        Chart::Bar => Some(bar_chart(set, page, &v.strings)),
        Chart::Figures => Some(key_figures(set, page, &v.strings)),
        Chart::None => None,
    };
    json!({
        "id": set.id.get_ref(),
        "caption": set.caption,
        "unit": set.unit,
        "columns": set.columns,
        "rows": rows,
        "text_lang": v.text_lang(original),
        "chart": chart,
        "source": set.source.as_ref().and_then(|c| reg.find_case(c.get_ref())).map(|i| v.case_ref(i)),
    })
}

/// The label and first number of every row that has both.
fn labelled_numbers(set: &Dataset) -> Vec<(String, f64)> {
    set.rows
        .get_ref()
        .iter()
        .filter_map(|r| {
            let label = match r.first()? {
                DataCell::Text(t) => t.clone(),
                DataCell::Number(n) => n.to_string(),
            };
            match r.get(1)? {
                DataCell::Number(n) => Some((label, *n)),
                DataCell::Text(_) => None,
            }
        })
        .collect()
}

/// The opening of a chart's SVG, with its title as the text alternative.
fn chart_open(set: &Dataset, page: &Page, class: &str, width: f64, height: f64) -> String {
    let id = format!("chart-{}", set.id.get_ref());
    let title = set
        .caption
        .clone()
        .unwrap_or_else(|| page.title().to_string());
    format!(
        "<svg class=\"chart {class}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-title\" direction=\"ltr\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-title\">{}</title>",
        crate::site::html::escape(&title)
    )
}

/// `text` in lines of at most `width` characters, broken between words.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Text lines as SVG `<tspan>`s, one under the other from `y`.
fn text_lines(class: &str, x: f64, y: f64, lines: &[String]) -> String {
    let mut out = format!("<text class=\"{class}\" x=\"{x}\" y=\"{y:.1}\">");
    for (i, line) in lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { LINE_H };
        out.push_str(&format!(
            "<tspan x=\"{x}\" dy=\"{dy}\">{}</tspan>",
            crate::site::html::escape(line)
        ));
    }
    out.push_str("</text>");
    out
}

/// Charts are drawn 360 units wide, about a phone's width, so that their 13-unit text stays
/// readable when the picture is scaled to the screen; labels wrap at this many characters.
const CHART_W: f64 = 360.0;
const LABEL_CHARS: usize = 46;
const LINE_H: f64 = 16.0;

/// Key figures: a tile per row, its number large over its label, marked by a bar on the side.
fn key_figures(set: &Dataset, page: &Page, strings: &Value) -> String {
    let rows = labelled_numbers(set);
    let mut body = String::new();
    let mut y = 0.0;
    for (label, value) in &rows {
        let lines = wrap_words(label, LABEL_CHARS);
        let h = 40.0 + LINE_H * lines.len() as f64;
        body.push_str(&format!(
            "<rect class=\"chart-bar-rect\" x=\"0\" y=\"{:.1}\" width=\"5\" height=\"{:.1}\"></rect><text class=\"chart-figure-value\" x=\"14\" y=\"{:.1}\">{}</text>{}",
            y + 4.0,
            h - 12.0,
            y + 30.0,
            crate::site::html::escape(&crate::i18n::format_number(strings, *value)),
            text_lines("chart-label", 14.0, y + 50.0, &lines),
        ));
        y += h;
    }
    chart_open(set, page, "chart-figures", CHART_W, y) + &body + "</svg>"
}

/// A bar chart of the first number column on a common axis: each row's label above its bar,
/// the value at the bar's end. No styles in it: colours come from the stylesheet, so it
/// follows light and dark themes. Numbers are written as the language writes them.
fn bar_chart(set: &Dataset, page: &Page, strings: &Value) -> String {
    let rows = labelled_numbers(set);
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(1.0);
    // Room after the longest bar for the longest value (13-unit digits are about 8 units wide).
    let longest = rows
        .iter()
        .map(|(_, n)| crate::i18n::format_number(strings, *n).chars().count())
        .max()
        .unwrap_or(0);
    let bar_w = (CHART_W - 12.0 - 8.0 * longest as f64).max(CHART_W / 3.0);
    let mut body = String::new();
    let mut y = 0.0;
    for (label, value) in &rows {
        let lines = wrap_words(label, LABEL_CHARS);
        let bar_y = y + 6.0 + LINE_H * lines.len() as f64;
        let w = (value / max * bar_w).max(1.0);
        body.push_str(&format!(
            "{}<rect class=\"chart-bar-rect\" x=\"0\" y=\"{bar_y:.1}\" width=\"{w:.1}\" height=\"14\"></rect><text class=\"chart-value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            text_lines("chart-label", 0.0, y + 13.0, &lines),
            w + 6.0,
            bar_y + 12.0,
            crate::site::html::escape(&crate::i18n::format_number(strings, *value))
        ));
        y = bar_y + 26.0;
    }
    chart_open(set, page, "chart-bar", CHART_W, y) + &body + "</svg>"
}

/// A number as Norwegian tables write it: thin-space thousands, decimal comma.
pub fn format_number(n: f64) -> String {
    let negative = n < 0.0;
    let n = n.abs();
    let whole = n.trunc() as u64;
    let frac = n - n.trunc();
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    if frac > 1e-9 {
        let f = format!("{frac:.2}");
        out.push(',');
        out.push_str(f.trim_start_matches("0.").trim_end_matches('0'));
    }
    if negative { format!("-{out}") } else { out }
}

/// The section value's `body`: who the body is and everything it has published.
pub fn body(v: &View<'_>, section: usize) -> Value {
    let site = v.site;
    let reg = &site.governance;
    let key = &site.sections[section].source.key;
    let Some(b) = reg
        .bodies
        .iter()
        .position(|b| site.sections[b.section].source.key == *key)
    else {
        return Value::Null;
    };
    let entry = &reg.bodies[b];
    let section = entry.section;
    let texts = site.sections[reg.text_section(section, v.lang)]
        .source
        .meta
        .body
        .as_ref()
        .unwrap_or(&entry.body);
    let text_section = &site.sections[reg.text_section(section, v.lang)];
    let mut years: Vec<(i32, Vec<Value>)> = Vec::new();
    for (m, me) in reg.meetings.iter().enumerate().rev() {
        if me.body != b {
            continue;
        }
        let value = v.meeting_ref(m);
        let year = value["year"].as_i64().unwrap_or_default() as i32;
        match years.iter_mut().find(|(y, _)| *y == year) {
            Some((_, list)) => list.push(value),
            None => years.push((year, vec![value])),
        }
    }
    let documents: Vec<Value> = reg
        .documents
        .iter()
        .filter(|d| d.next.is_none())
        .filter_map(|d| match &site.pages[d.page].source.meta.kind {
            Some(Kind::Document(doc))
                if doc.body.as_ref().is_some_and(|x| *x.get_ref() == entry.id) =>
            {
                Some(v.page_ref(d.page))
            }
            _ => None,
        })
        .collect();
    let plans: Vec<Value> = reg
        .meeting_plans
        .iter()
        .filter_map(|&p| match &site.pages[p].source.meta.kind {
            Some(Kind::MeetingPlan(plan)) if *plan.body.get_ref() == entry.id => {
                Some(v.page_ref(p))
            }
            _ => None,
        })
        .collect();
    let related: Vec<Value> = entry
        .body
        .related
        .iter()
        .filter_map(|r| reg.body(r.get_ref()))
        .map(|r| v.body_ref(r))
        .collect();
    let text_lang = if text_section.source.meta.body.is_none() {
        v.lang_mark(&site.config.default_language)
    } else {
        v.mark_of(&text_section.source)
    };
    json!({
        "id": entry.id,
        "short_name": texts.short_name,
        "secretariat": texts.secretariat,
        "members": texts.members,
        "text_lang": text_lang,
        "related": related,
        "case_id_format": entry.body.case_id.get_ref(),
        "meetings_by_year": years.into_iter().map(|(y, list)| json!({
            "year": y,
            "meetings": list,
            "archive": v.absolute(&reg.archive_path(b, y, v.lang)),
        })).collect::<Vec<_>>(),
        "documents": documents,
        "meeting_plans": plans,
    })
}

/// Whether page `index` is a version of a governing document (or a translation of one): its
/// text is compared with the versions before and after it, so their pages show it too.
pub fn is_document(site: &Site, index: usize) -> bool {
    let page = &site.pages[index];
    let original = match site.get(&page.source.key, &site.config.default_language) {
        Some(Target::Page(i)) => i,
        _ => index,
    };
    matches!(page.source.meta.kind, Some(Kind::Document(_)))
        || matches!(
            site.pages[original].source.meta.kind,
            Some(Kind::Document(_))
        )
}

/// The governance value a page's template gets, by its kind (`meeting`, `document`, …): the
/// record of the page's original, seen in the page's language.
pub fn page_kind(site: &Site, index: usize) -> Option<(&'static str, Value)> {
    let page = &site.pages[index];
    let reg = &site.governance;
    // Records are indexed by the original's page; translations and stand-ins share its key.
    let original = match site.get(&page.source.key, &site.config.default_language) {
        Some(Target::Page(i)) => i,
        _ => index,
    };
    let kind = site.pages[original].source.meta.kind.as_ref()?;
    let v = View::new(site, &page.source.lang);
    Some(match kind {
        Kind::Meeting(_) => (
            "meeting",
            reg.meetings
                .iter()
                .position(|m| m.page == original)
                .map_or(Value::Null, |m| v.meeting(m)),
        ),
        Kind::Document(_) => (
            "document",
            reg.documents
                .iter()
                .position(|d| d.page == original)
                .map_or(Value::Null, |d| document(&v, d)),
        ),
        Kind::Roadmap(_) => (
            "roadmap",
            reg.roadmaps
                .iter()
                .position(|&p| p == original)
                .map_or(Value::Null, |r| roadmap(&v, r)),
        ),
        Kind::DeliveryPlan(_) => (
            "delivery_plan",
            reg.delivery_plans
                .iter()
                .position(|&p| p == original)
                .map_or(Value::Null, |d| delivery_plan(&v, d)),
        ),
        Kind::MeetingPlan(_) => ("meeting_plan", meeting_plan(&v, original)),
        Kind::Dataset(_) => ("dataset", dataset(&v, original)),
    })
}
/// `overview`, on home sections: what the front page of the portal shows. Everything is
/// derived from the content, never from the clock, so that a build is reproducible: the next
/// meeting is the first planned one (a `planned` meeting, or a date of a meeting plan) after
/// its body's latest held meeting.
pub fn overview(v: &View<'_>) -> Value {
    let site = v.site;
    let reg = &site.governance;
    let meeting_of = |m: usize| match &site.pages[reg.meetings[m].page].source.meta.kind {
        Some(Kind::Meeting(meeting)) => Some(meeting),
        _ => None,
    };
    // The latest held meeting of each body.
    let mut last_held: Vec<Option<Date>> = vec![None; reg.bodies.len()];
    for (m, entry) in reg.meetings.iter().enumerate() {
        if let Some(meeting) = meeting_of(m).filter(|x| x.status == MeetingStatus::Held) {
            let date = *meeting.date.get_ref();
            let slot = &mut last_held[entry.body];
            if slot.is_none_or(|d| d < date) {
                *slot = Some(date);
            }
        }
    }
    let after_last = |body: usize, date: Date| last_held[body].is_none_or(|d| date > d);
    // Candidates: (date, value); the earliest wins, meetings before plan dates on a tie.
    let mut next: Option<(Date, Value)> = None;
    let mut offer = |date: Date, value: Value| {
        if next.as_ref().is_none_or(|(d, _)| date < *d) {
            next = Some((date, value));
        }
    };
    for (m, entry) in reg.meetings.iter().enumerate() {
        let Some(meeting) = meeting_of(m).filter(|x| x.status == MeetingStatus::Planned) else {
            continue;
        };
        let date = *meeting.date.get_ref();
        if after_last(entry.body, date) {
            let mut value = v.meeting_ref(m);
            value["format"] = json!(meeting.format);
            value["start"] = json!(meeting.start.map(|t| t.to_string()));
            offer(date, value);
        }
    }
    for &p in &reg.meeting_plans {
        let Some(Kind::MeetingPlan(plan)) = &v.texts(p).source.meta.kind else {
            continue;
        };
        let Some(body) = reg.body(plan.body.get_ref()) else {
            continue;
        };
        let taken = |date: Date| {
            reg.meetings.iter().enumerate().any(|(m, e)| {
                e.body == body && meeting_of(m).is_some_and(|x| *x.date.get_ref() == date)
            })
        };
        if let Some(d) = plan
            .dates
            .iter()
            .filter(|d| after_last(body, d.date) && !taken(d.date))
            .min_by_key(|d| d.date)
        {
            offer(
                d.date,
                json!({
                    "date": d.date.ymd(),
                    "body": v.body_ref(body),
                    "format": d.format,
                    "note": d.note,
                    "plan": v.page_ref(p),
                    "text_lang": v.text_lang(p),
                }),
            );
        }
    }

    let mut held: Vec<(Date, usize)> = reg
        .meetings
        .iter()
        .enumerate()
        .filter_map(|(m, _)| {
            meeting_of(m)
                .filter(|x| x.status == MeetingStatus::Held)
                .map(|x| (*x.date.get_ref(), m))
        })
        .collect();
    held.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let recent: Vec<Value> = held
        .iter()
        .take(3)
        .map(|&(_, m)| v.meeting_ref(m))
        .collect();

    let latest_decisions: Vec<Value> = v
        .decision_cases()
        .take(5)
        .map(|(m, c)| v.agenda_case(m, c))
        .collect();

    // The roadmap adopted last (its texts in this language), its items counted by status and
    // by area.
    let chosen = reg
        .roadmaps
        .iter()
        .enumerate()
        .filter_map(|(r, &p)| match &site.pages[p].source.meta.kind {
            Some(Kind::Roadmap(x)) => Some((r, x.adopted)),
            _ => None,
        })
        .max_by_key(|&(r, adopted)| (adopted, r))
        .map(|(r, _)| reg.roadmaps[r]);
    let roadmap = chosen.and_then(|p| match &v.texts(p).source.meta.kind {
        Some(Kind::Roadmap(r)) => Some((p, r)),
        _ => None,
    });
    let roadmap_value = roadmap.map(|(p, r)| {
        let statuses: Vec<Value> = [
            ItemStatus::InProgress,
            ItemStatus::NotStarted,
            ItemStatus::Delivered,
        ]
        .iter()
        .map(|s| (s, r.items.iter().filter(|i| i.status == *s).count()))
        .filter(|&(_, n)| n > 0)
        .map(|(s, n)| json!({"status": s, "count": n}))
        .collect();
        let areas: Vec<Value> = r
            .areas
            .iter()
            .map(|a| {
                let of_area = r.items.iter().filter(|i| *i.area.get_ref() == a.id);
                let (count, in_progress) = of_area.fold((0, 0), |(n, w), i| {
                    (n + 1, w + usize::from(i.status == ItemStatus::InProgress))
                });
                json!({"id": a.id, "title": a.title, "count": count, "in_progress": in_progress})
            })
            .collect();
        let mut out = v.page_ref(p);
        out["version"] = json!(r.version);
        out["item_count"] = json!(r.items.len());
        out["statuses"] = json!(statuses);
        out["areas"] = json!(areas);
        out
    });

    // The delivery plan of that roadmap (else the first), its projects counted by stage.
    let plan_of = |p: usize| match &v.texts(p).source.meta.kind {
        Some(Kind::DeliveryPlan(d)) => Some((p, d)),
        _ => None,
    };
    let delivery = reg
        .delivery_plans
        .iter()
        .filter_map(|&p| plan_of(p))
        .find(|(_, d)| roadmap.is_some_and(|(_, r)| d.roadmap.get_ref() == r.id.get_ref()))
        .or_else(|| reg.delivery_plans.first().and_then(|&p| plan_of(p)))
        .map(|(p, d)| {
            let stages: Vec<Value> = Stage::ALL
                .iter()
                .map(|s| {
                    let n = d.projects.iter().filter(|x| x.stage == *s).count();
                    json!({"stage": s, "count": n})
                })
                .collect();
            let mut out = v.page_ref(p);
            out["project_count"] = json!(d.projects.len());
            out["stages"] = json!(stages);
            out
        });

    json!({
        "next_meeting": next.map(|(_, value)| value),
        "recent_meetings": recent,
        "latest_decisions": latest_decisions,
        "roadmap": roadmap_value,
        "delivery_plan": delivery,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_marks_words_and_keeps_paragraphs() {
        let html = word_diff(
            "Styret har to år funksjonstid.\n\nSekretariat: Direktoratet for e-helse.",
            "Styret har fast funksjonstid.\n\nSekretariat: Norsk helsenett.",
        );
        assert_eq!(
            html,
            "<p>Styret har <del>to år</del><ins>fast</ins> funksjonstid.</p>\n<p>Sekretariat: <del>Direktoratet for e-helse.</del><ins>Norsk helsenett.</ins></p>"
        );
        assert!(!word_diff("<b>", "<i>").contains("<b>"));
    }

    #[test]
    fn numbers_as_norwegian_tables_write_them() {
        assert_eq!(format_number(210042.0), "210\u{202f}042");
        assert_eq!(format_number(5260000.0), "5\u{202f}260\u{202f}000");
        assert_eq!(format_number(80.0), "80");
        assert_eq!(format_number(4.9), "4,9");
    }
}
