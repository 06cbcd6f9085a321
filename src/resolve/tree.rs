//! Part of phase 2, **resolve**: the section tree. Each section gets its pages, in the order its
//! `sort_by` asks for, and its subsections, by weight then title. [`ancestors`] is the one walk
//! up the tree (section paths, the nearest `page_template`, render's breadcrumbs), with its
//! depth guard.

use std::collections::HashMap;

use crate::front_matter::SortBy;
use crate::load::LoadedSection;
use crate::site::ids::LangId;

use super::{Page, PageId, Pages, Section, SectionId, Site};

/// A section as the walk up the tree reads it: the key of its parent section (none for a home
/// section) and its language.
pub(crate) trait TreeNode {
    fn parent_key(&self) -> Option<&str>;
    fn lang(&self) -> LangId;
}

impl TreeNode for LoadedSection {
    fn parent_key(&self) -> Option<&str> {
        self.parent_key.as_deref()
    }
    fn lang(&self) -> LangId {
        self.source.lang
    }
}

impl TreeNode for Section {
    fn parent_key(&self) -> Option<&str> {
        self.parent_key.as_deref()
    }
    fn lang(&self) -> LangId {
        self.source.lang
    }
}

/// The most sections a walk up the tree visits. A section's folder is at most
/// [`crate::load::MAX_FOLDER_DEPTH`] folders below `content/` (load leaves deeper files out) and
/// its parent's folder is a strictly shorter one, so a real chain, the home section included, is
/// never longer: only a circle could be, and it is cut here.
pub(crate) const MAX_ANCESTORS: usize = crate::load::MAX_FOLDER_DEPTH + 1;

/// `start`, then its parent, its parent's parent, … up to a home section (it has no parent).
/// Each parent is what `find(parent key, the child's language)` gives, so the walk ends early
/// where `find` finds none; and after [`MAX_ANCESTORS`] sections, whatever the tree says.
pub(crate) fn ancestors<'a, S, F>(start: Option<&'a S>, find: F) -> Ancestors<'a, S, F>
where
    S: TreeNode,
    F: FnMut(&str, LangId) -> Option<&'a S>,
{
    Ancestors {
        next: start,
        find,
        left: MAX_ANCESTORS,
    }
}

/// The iterator of [`ancestors`].
pub(crate) struct Ancestors<'a, S, F> {
    next: Option<&'a S>,
    find: F,
    left: usize,
}

impl<'a, S, F> Iterator for Ancestors<'a, S, F>
where
    S: TreeNode,
    F: FnMut(&str, LangId) -> Option<&'a S>,
{
    type Item = &'a S;

    fn next(&mut self) -> Option<&'a S> {
        if self.left == 0 {
            return None;
        }
        let s = self.next.take()?;
        self.left -= 1;
        if self.left > 0 {
            self.next = s.parent_key().and_then(|k| (self.find)(k, s.lang()));
        }
        Some(s)
    }
}

/// Fills each section's ordered pages and subsections.
pub(crate) fn link_tree(site: &mut Site) {
    let mut pages_of: HashMap<(String, LangId), Vec<PageId>> = HashMap::new();
    for (i, p) in site.pages() {
        pages_of
            .entry((p.section_key.clone(), p.source.lang))
            .or_default()
            .push(i);
    }
    let mut subs_of: HashMap<(String, LangId), Vec<SectionId>> = HashMap::new();
    for (i, s) in site.sections() {
        if let Some(parent) = &s.parent_key {
            subs_of
                .entry((parent.clone(), s.source.lang))
                .or_default()
                .push(i);
        }
    }
    let pages = &site.pages;
    let sections = &site.sections;
    let mut ordered: Vec<(Vec<PageId>, Vec<String>)> = Vec::with_capacity(sections.len());
    for s in sections.values() {
        let key = (s.source.key.clone(), s.source.lang);
        let mut list = pages_of.remove(&key).unwrap_or_default();
        sort_pages(&mut list, pages, s.source.meta.sort_by);
        let mut subs = subs_of.remove(&key).unwrap_or_default();
        subs.sort_by(|a, b| {
            let (a, b) = (&sections[*a], &sections[*b]);
            (a.source.meta.weight.unwrap_or(0), a.title(), &a.source.key).cmp(&(
                b.source.meta.weight.unwrap_or(0),
                b.title(),
                &b.source.key,
            ))
        });
        ordered.push((
            list,
            subs.into_iter()
                .map(|i| sections[i].source.key.clone())
                .collect(),
        ));
    }
    for (s, (list, subs)) in site.sections.values_mut().zip(ordered) {
        s.pages = list;
        s.subsections = subs;
    }
}

fn sort_pages(list: &mut [PageId], pages: &Pages, by: SortBy) {
    let key_order = |a: &Page, b: &Page| a.source.key.cmp(&b.source.key);
    list.sort_by(|a, b| {
        let (a, b) = (&pages[*a], &pages[*b]);
        match by {
            SortBy::Weight => (a.source.meta.weight.unwrap_or(0), a.title())
                .cmp(&(b.source.meta.weight.unwrap_or(0), b.title()))
                .then_with(|| key_order(a, b)),
            SortBy::Date => b
                .date()
                .is_some()
                .cmp(&a.date().is_some())
                .then_with(|| b.date().cmp(&a.date()))
                .then_with(|| a.title().cmp(b.title()))
                .then_with(|| key_order(a, b)),
            SortBy::Title => a.title().cmp(b.title()).then_with(|| key_order(a, b)),
            SortBy::None => key_order(a, b),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{MAX_ANCESTORS, TreeNode, ancestors};
    use crate::site::ids::{LangId, Languages};

    /// A section of a test tree: its key, its parent's key, its language.
    struct Node(String, Option<String>, LangId);

    /// The id of `code` among the test languages (nb, en).
    fn id(code: &str) -> LangId {
        Languages::new(["nb", "en"]).id(code).unwrap()
    }

    impl TreeNode for Node {
        fn parent_key(&self) -> Option<&str> {
            self.1.as_deref()
        }
        fn lang(&self) -> LangId {
            self.2
        }
    }

    fn node(key: &str, parent: Option<&str>, lang: &str) -> Node {
        Node(key.into(), parent.map(str::to_string), id(lang))
    }

    /// The keys `ancestors` walks from `key` in `lang`, each parent found in the child's language.
    fn walk<'a>(tree: &'a [Node], key: &str, lang: &str) -> Vec<&'a str> {
        let find = |k: &str, l: LangId| tree.iter().find(|n| n.0 == k && n.2 == l);
        ancestors(find(key, id(lang)), find)
            .map(|n| n.0.as_str())
            .collect()
    }

    #[test]
    fn walks_up_to_the_home_section() {
        let tree = [
            node("_index.md", None, "nb"),
            node("a/_index.md", Some("_index.md"), "nb"),
            node("a/b/_index.md", Some("a/_index.md"), "nb"),
        ];
        assert_eq!(
            walk(&tree, "a/b/_index.md", "nb"),
            ["a/b/_index.md", "a/_index.md", "_index.md"]
        );
        assert_eq!(walk(&tree, "_index.md", "nb"), ["_index.md"]);
        assert!(walk(&tree, "c/_index.md", "nb").is_empty());
    }

    #[test]
    fn ends_where_a_parent_is_missing() {
        let tree = [
            node("_index.md", None, "nb"),
            node("a/b/_index.md", Some("a/_index.md"), "nb"),
            // The parent exists in another language only: the child's language is asked.
            node("a/_index.md", Some("_index.md"), "en"),
        ];
        assert_eq!(walk(&tree, "a/b/_index.md", "nb"), ["a/b/_index.md"]);
    }

    #[test]
    fn the_deepest_real_chain_is_walked_whole() {
        // A section MAX_FOLDER_DEPTH folders deep and every section above it.
        let depth = crate::load::MAX_FOLDER_DEPTH;
        let key = |d: usize| {
            let mut k: String = (0..d).map(|i| format!("f{i}/")).collect();
            k.push_str("_index.md");
            k
        };
        let tree: Vec<Node> = (0..=depth)
            .map(|d| Node(key(d), d.checked_sub(1).map(key), id("nb")))
            .collect();
        let walked = walk(&tree, &key(depth), "nb");
        assert_eq!(walked.len(), MAX_ANCESTORS);
        assert_eq!(walked.last(), Some(&"_index.md"));
    }

    #[test]
    fn a_circle_is_cut() {
        let tree = [
            node("a/_index.md", Some("b/_index.md"), "nb"),
            node("b/_index.md", Some("a/_index.md"), "nb"),
        ];
        let walked = walk(&tree, "a/_index.md", "nb");
        assert_eq!(walked.len(), MAX_ANCESTORS);
        assert_eq!(&walked[..3], ["a/_index.md", "b/_index.md", "a/_index.md"]);
        // A section that names itself as its parent, too.
        let tree = [node("a/_index.md", Some("a/_index.md"), "nb")];
        assert_eq!(walk(&tree, "a/_index.md", "nb").len(), MAX_ANCESTORS);
    }
}
