//! Part of phase 2, **resolve**: the section tree. Each section gets its pages, in the order its
//! `sort_by` asks for, and its subsections, by weight then title.

use std::collections::HashMap;

use crate::front_matter::SortBy;
use crate::site::ids::LangId;

use super::{Page, Site};

/// Fills each section's ordered pages and subsections.
pub(crate) fn link_tree(site: &mut Site) {
    let mut pages_of: HashMap<(String, LangId), Vec<usize>> = HashMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        pages_of
            .entry((p.section_key.clone(), p.source.lang))
            .or_default()
            .push(i);
    }
    let mut subs_of: HashMap<(String, LangId), Vec<usize>> = HashMap::new();
    for (i, s) in site.sections.iter().enumerate() {
        if let Some(parent) = &s.parent_key {
            subs_of
                .entry((parent.clone(), s.source.lang))
                .or_default()
                .push(i);
        }
    }
    let pages = &site.pages;
    let sections = &site.sections;
    let mut ordered: Vec<(Vec<usize>, Vec<String>)> = Vec::with_capacity(sections.len());
    for s in sections.iter() {
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
    for (s, (list, subs)) in site.sections.iter_mut().zip(ordered) {
        s.pages = list;
        s.subsections = subs;
    }
}

fn sort_pages(list: &mut [usize], pages: &[Page], by: SortBy) {
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
