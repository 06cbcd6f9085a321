//! `page.document`: a governing document's versions, each with the changes since the one
//! before it (`diff`: the text as it reads with words struck and inserted, and a summary).

use serde_json::{Value, json};

use super::View;
use super::diff::{Labels, Summary, diff};
use crate::governance::model::Kind;
use crate::site::ids::LangId;

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
                let (old, new) = (
                    v.translated(reg.documents[p].page),
                    v.translated(entry.page),
                );
                // Compare texts of one language: both translated, or both originals.
                let (old, new, lang) = if old.source.lang == new.source.lang {
                    (old, new, old.source.lang)
                } else {
                    (
                        site.page(reg.documents[p].page),
                        site.page(entry.page),
                        LangId::DEFAULT,
                    )
                };
                let text_lang = v.lang_mark(lang);
                let d = diff(
                    old.source.body(),
                    new.source.body(),
                    &labels(v, text_lang.is_some()),
                );
                json!({
                    "html": d.html,
                    "text_lang": text_lang,
                    "summary": summary(v, d.summary),
                })
            });
            let mut version = v.page_ref(entry.page);
            if let Some(o) = version.as_object_mut() {
                o.insert("version".into(), json!(vdoc.version));
                o.insert("adopted".into(), json!(vdoc.adopted.map(|a| a.ymd())));
                o.insert("decided_by".into(), json!(vdoc.decided_by));
                o.insert("decided_by_lang".into(), json!(v.text_lang(entry.page)));
                o.insert("is_this".into(), json!(ver == d));
                o.insert("is_current".into(), json!(ver == current));
                o.insert(
                    "previous_version".into(),
                    json!(entry.previous.and_then(|p| {
                        match &site.page(reg.documents[p].page).source.meta.kind {
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
        "body": doc.body.as_ref().and_then(|b| reg.find_body(b.get_ref())).map(|b| v.body_ref(b)),
        "is_current": current == d,
        "current": v.page_ref(reg.documents[current].page),
        "versions": versions,
    })
}

/// The labels of the marks in the view's language, marked with it when the compared texts are
/// in another (`foreign`).
fn labels(v: &View<'_>, foreign: bool) -> Labels {
    let text = |key: &str| {
        v.strings
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let language = v.site.config.lang(v.lang);
    Labels {
        removed: text("removed_label").to_string(),
        added: text("added_label").to_string(),
        lang: foreign.then(|| (language.code.clone(), language.direction.as_str())),
    }
}

/// `diff.summary`: the counts, and `text`, a line that says them in the view's language ("2
/// sections changed and 1 section added").
fn summary(v: &View<'_>, s: Summary) -> Value {
    let code = v.site.config.langs.code(v.lang);
    let parts: Vec<String> = [
        ("sections_changed", s.changed),
        ("sections_added", s.added),
        ("sections_removed", s.removed),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(key, n)| crate::i18n::plural(&v.strings, &v.strings["count"][key], code, n as i64))
    .collect();
    let text = if parts.is_empty() {
        v.strings
            .get("text_unchanged")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    } else {
        crate::i18n::format_list(&v.strings, &parts)
    };
    json!({"changed": s.changed, "added": s.added, "removed": s.removed, "text": text})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{config, site};

    const OLD: &str = "+++\ntitle = \"Mandat 2016\"\n[document]\nid = \"mandat\"\nversion = \"2016\"\n+++\n\
        ## 1. Bakgrunn\n\nStyret har to år funksjonstid.\n\n## 2. Sekretariat\n\nDirektoratet.\n";
    const NEW: &str = "+++\ntitle = \"Mandat\"\n[document]\nid = \"mandat\"\nversion = \"2020\"\n\
        previous = \"@/mandat-2016.md\"\n+++\n\
        ## 1. Bakgrunn\n\nStyret har fast funksjonstid.\n\n## 3. Oppgaver\n\n- gi råd\n- følge opp\n";
    const NEW_EN: &str = "+++\ntitle = \"Mandate\"\n+++\n## 1. Background\n\nThe board serves.\n";

    /// The diff of the newest version as the view of `lang` shows it.
    fn diff_in(lang: &str) -> Value {
        let config = config("");
        let site = site(&[
            ("config.toml", &config),
            ("content/mandat-2016.md", OLD),
            ("content/mandat.md", NEW),
            ("content/mandat.en.md", NEW_EN),
        ]);
        let lang = site.config.langs.id(lang).unwrap();
        let v = View::new(&site, lang);
        let reg = &site.governance;
        let d = (0..reg.documents.len())
            .find(|&d| reg.documents[d].previous.is_some())
            .unwrap();
        let doc = document(&v, d);
        doc["versions"][0]["diff"].clone()
    }

    #[test]
    fn the_diff_has_a_summary_and_labels_in_the_page_language() {
        let nb = diff_in("nb");
        assert_eq!(nb["summary"]["changed"], 1);
        assert_eq!(nb["summary"]["added"], 1);
        assert_eq!(nb["summary"]["removed"], 1);
        assert_eq!(
            nb["summary"]["text"],
            "1 del endret, 1 del lagt til og 1 del fjernet"
        );
        assert_eq!(nb["text_lang"], Value::Null);
        let html = nb["html"].as_str().unwrap();
        assert!(
            html.contains("<del><span class=\"visually-hidden\">fjernet: </span>to år</del>"),
            "{html}"
        );
        assert!(html.contains("<ul class=\"diff-added\"><li>"), "{html}");
        // The English view has a translation of the new version only: the originals are
        // compared, in Norwegian, and the labels (in English) say which language they are in.
        let en = diff_in("en");
        assert_eq!(en["text_lang"]["lang"], "nb");
        assert_eq!(
            en["summary"]["text"],
            "1 section changed, 1 section added and 1 section removed"
        );
        let html = en["html"].as_str().unwrap();
        assert!(
            html.contains("<ins><span class=\"visually-hidden\" lang=\"en\" dir=\"ltr\">added: </span>fast</ins>"),
            "{html}"
        );
    }
}
