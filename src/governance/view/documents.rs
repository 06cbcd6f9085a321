//! `page.document`: a governing document's versions, each with a readable word-level diff
//! against the one before it.

use serde_json::{Value, json};

use super::View;
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
                let (old, new) = (v.translated(reg.documents[p].page), v.translated(entry.page));
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
                json!({"html": word_diff(old.source.body(), new.source.body()), "text_lang": v.lang_mark(lang)})
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
}
