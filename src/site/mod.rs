//! The shared vocabulary of the pipeline: what every phase may use and that uses no phase.
//! Today: escaping (`html`), a language's stemmer (`lang`) and its CLDR plural rules (`plural`);
//! the slug policy (`slug`), site paths and their files (`url`) and the rules for author-written
//! URLs and ids (`url_rules`); typed identity (`ids`: a language is a `LangId`, and `Languages`
//! holds each one's code and URL prefix, computed once).

pub mod html;
pub mod ids;
pub mod lang;
pub mod plural;
pub mod slug;
pub mod url;
pub mod url_rules;
