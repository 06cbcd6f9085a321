//! The shared vocabulary of the pipeline: what every phase may use and that uses no phase.
//! Today: escaping (`html`), a language's stemmer (`lang`) and its CLDR plural rules (`plural`);
//! the slug policy (`slug`), site paths and their files (`url`) and the rules for author-written
//! URLs and ids (`url_rules`). The redesign (issue 16) moves the site's identities here next:
//! languages, pages, sections, cases, URLs.

pub mod html;
pub mod lang;
pub mod plural;
pub mod slug;
pub mod url;
pub mod url_rules;
