//! Phase 3, render: one job run. [`Renderer`] builds the tera context of each job kind
//! (`base_context` for every page, `content_context` for pages and sections, `trail` for
//! breadcrumbs, `generated_context` for the pages generated in every language), renders it
//! (`render_template`) and minifies pages (`finish_html`). `run` hands each job to the method
//! of its kind (`page`, `section`, `case`, …).

use serde::Serialize;
use serde_json::{Value, json};

use crate::diagnostics::Diagnostic;
use crate::governance::registry::{BodyId, CaseId};
use crate::governance::view::{TextLang, View};
use crate::output::file_for;
use crate::render::JobResult;
use crate::render::feeds::{alias_html, feed_pages, sitemap_entries};
use crate::render::jobs::{DataFormat, Job};
use crate::render::values::{LanguageView, Lookup, TemplateStrings};
use crate::resolve::{PageId, SectionId, Site, Target};
use crate::site::ids::LangId;

/// One step of the breadcrumbs (`breadcrumbs`): a section on the way down from the home page.
#[derive(Serialize)]
struct Crumb {
    /// Empty for a home section without one.
    title: String,
    permalink: String,
    /// The original's language on a stand-in for a missing translation.
    text_lang: Option<TextLang>,
}

pub(crate) struct Renderer<'a> {
    pub(crate) site: &'a Site,
    pub(crate) tera: &'a tera::Tera,
    pub(crate) lookup: &'a Lookup,
    /// The search index of each language (in config order), when the site has search.
    pub(crate) search: &'a [crate::search::LanguageIndex],
    /// The open-data records, computed once (they feed the data files and the data page).
    pub(crate) data: &'a [Vec<Value>],
    pub(crate) strings: &'a TemplateStrings,
    /// The templates that cannot render because one they use did not load (reported once).
    pub(crate) unusable: &'a std::collections::BTreeSet<String>,
    /// How many jobs failed because of such a template.
    pub(crate) folded: &'a std::sync::atomic::AtomicUsize,
}

impl Renderer<'_> {
    pub(crate) fn run(&self, job: Job) -> JobResult {
        match job {
            Job::Page(i) => self.page(i),
            Job::Section(i) => self.section(i),
            Job::NotFound(l) => self.not_found(l),
            Job::Feed(l) => self.feed(l),
            Job::Sitemap => self.sitemap(),
            Job::Robots => self.robots(),
            Job::Case(i, l) => self.case(i, l),
            Job::Decisions(l) => self.decisions(l),
            Job::FollowUps(l) => self.follow_ups(l),
            Job::Data(d, format) => Ok(self.data_file(d, format)),
            Job::DataPage(l) => self.data_page(l),
            Job::Calendar => Ok((
                "data/moter.ics".into(),
                crate::governance::data::icalendar(self.site).into_bytes(),
            )),
            Job::DecisionFeed(l) => self.decision_feed(l),
            Job::Archive(b, year, l) => self.archive(b, year, l),
            Job::Search(l) => self.search_page(l),
            Job::Alias(i) => Ok(self.alias(i)),
        }
    }

    /// A page, with its breadcrumbs.
    fn page(&self, i: PageId) -> JobResult {
        let page = self.site.page(i);
        let mut ctx = self.base_context(page.source.lang, &page.path);
        self.content_context(&mut ctx, self.lookup.page(i));
        ctx.insert("page", &**self.lookup.page(i));
        ctx.insert(
            "breadcrumbs",
            &self.trail(page.source.lang, Some(&page.section_key)),
        );
        let html = self.render_template(
            &page.template,
            page.source.lang,
            &mut ctx,
            &page.source.file,
        )?;
        let html = self.finish_html(html, &page.template, &page.source.file)?;
        Ok((file_for(&page.path), html))
    }

    /// A section; a home section also gets the governance overview.
    fn section(&self, i: SectionId) -> JobResult {
        let site = self.site;
        let section = site.section(i);
        let mut ctx = self.base_context(section.source.lang, &section.path);
        self.content_context(&mut ctx, self.lookup.section(i));
        ctx.insert("section", &**self.lookup.section(i));
        ctx.insert(
            "breadcrumbs",
            &self.trail(section.source.lang, section.parent_key.as_deref()),
        );
        if section.parent_key.is_none() {
            let view = crate::governance::view::View::new(site, section.source.lang);
            ctx.insert("overview", &crate::governance::view::overview(&view));
        }
        let html = self.render_template(
            &section.template,
            section.source.lang,
            &mut ctx,
            &section.source.file,
        )?;
        let html = self.finish_html(html, &section.template, &section.source.file)?;
        Ok((file_for(&section.path), html))
    }

    /// The 404 page of language `l`.
    fn not_found(&self, l: LangId) -> JobResult {
        let config = &self.site.config;
        let path = format!("{}404.html", config.langs.prefix(l));
        let mut ctx = self.base_context(l, &path);
        let file = self.site.templates.file_of("404.html");
        let html = self.render_template("404.html", l, &mut ctx, &file)?;
        Ok((file_for(&path), self.finish_html(html, "404.html", &file)?))
    }

    /// The Atom feed of language `l`.
    fn feed(&self, l: LangId) -> JobResult {
        let site = self.site;
        let config = &site.config;
        let path = format!("{}atom.xml", config.langs.prefix(l));
        let mut ctx = self.base_context(l, &path);
        let (pages, last_updated) = feed_pages(site, l);
        ctx.insert("pages", &pages);
        ctx.insert("last_updated", &last_updated);
        ctx.insert("feed_url", &config.absolute_url(&path));
        let xml =
            self.render_template("atom.xml", l, &mut ctx, &site.templates.file_of("atom.xml"))?;
        Ok((file_for(&path), xml.into_bytes()))
    }

    /// `sitemap.xml`.
    fn sitemap(&self) -> JobResult {
        let site = self.site;
        let mut ctx = self.base_context(LangId::DEFAULT, "/sitemap.xml");
        ctx.insert("entries", &sitemap_entries(site));
        let xml = self.render_template(
            "sitemap.xml",
            LangId::DEFAULT,
            &mut ctx,
            &site.templates.file_of("sitemap.xml"),
        )?;
        Ok(("sitemap.xml".into(), xml.into_bytes()))
    }

    /// `robots.txt`.
    fn robots(&self) -> JobResult {
        let site = self.site;
        let mut ctx = self.base_context(LangId::DEFAULT, "/robots.txt");
        let text = self.render_template(
            "robots.txt",
            LangId::DEFAULT,
            &mut ctx,
            &site.templates.file_of("robots.txt"),
        )?;
        Ok(("robots.txt".into(), text.into_bytes()))
    }

    /// The permalink page of case `i` in language `l`, its breadcrumbs through its meeting.
    fn case(&self, i: CaseId, l: LangId) -> JobResult {
        let site = self.site;
        let view = View::new(site, l);
        let (mut ctx, path) =
            self.generated_context(l, |lang| site.governance.case_path(i, lang).to_string());
        let case = view.case_page(i);
        let body = site.governance.body(site.governance.case(i).body);
        let mut trail: Vec<Value> = self
            .trail(l, Some(site.section(body.section).source.key.as_str()))
            .iter()
            .map(|c| json!(c))
            .collect();
        if case["meeting"].is_object() {
            trail.push(json!({"title": case["meeting"]["title"], "permalink": case["meeting"]["permalink"], "text_lang": case["meeting"]["text_lang"]}));
        }
        ctx.insert("breadcrumbs", &trail);
        ctx.insert("case", &case);
        self.generated("case.html", l, &mut ctx, &path)
    }

    /// The decision register of language `l`.
    fn decisions(&self, l: LangId) -> JobResult {
        let site = self.site;
        let view = View::new(site, l);
        let (mut ctx, path) =
            self.generated_context(l, |lang| site.governance.decisions_path(lang));
        ctx.insert("register", &view.decisions());
        self.generated("decisions.html", l, &mut ctx, &path)
    }

    /// The follow-up tracker of language `l`.
    fn follow_ups(&self, l: LangId) -> JobResult {
        let site = self.site;
        let view = View::new(site, l);
        let (mut ctx, path) =
            self.generated_context(l, |lang| site.governance.follow_ups_path(lang));
        ctx.insert("tracker", &view.follow_ups());
        self.generated("follow-ups.html", l, &mut ctx, &path)
    }

    /// An open-data file: dataset `d` (index into `DATASETS`) in `format`.
    fn data_file(&self, d: usize, format: DataFormat) -> (String, Vec<u8>) {
        use crate::governance::data;
        let site = self.site;
        let set = &data::DATASETS[d];
        let records = self.data.get(d).map_or(&[][..], Vec::as_slice);
        match format {
            DataFormat::Json => (
                format!("data/{}.json", set.name),
                data::json_file(site, set, records).into_bytes(),
            ),
            DataFormat::Csv => (
                format!("data/{}.csv", set.name),
                data::csv_file(set, records),
            ),
            DataFormat::Schema => (
                format!("data/{}.schema.json", set.name),
                data::schema(site, set).into_bytes(),
            ),
        }
    }

    /// The open-data page of language `l`.
    fn data_page(&self, l: LangId) -> JobResult {
        let site = self.site;
        let (mut ctx, path) =
            self.generated_context(l, |lang| site.governance.data_page_path(lang));
        ctx.insert(
            "catalogue",
            &crate::governance::data::catalogue(site, self.data),
        );
        self.generated("open-data.html", l, &mut ctx, &path)
    }

    /// The Atom feed of the decision register of language `l`.
    fn decision_feed(&self, l: LangId) -> JobResult {
        let site = self.site;
        let config = &site.config;
        let view = View::new(site, l);
        let register = view.decisions_path();
        let path = format!("{register}atom.xml");
        let mut ctx = self.base_context(l, &path);
        ctx.insert("register", &view.decisions());
        ctx.insert("feed_url", &config.absolute_url(&path));
        ctx.insert("register_url", &config.absolute_url(&register));
        let xml = self.render_template(
            "decisions.xml",
            l,
            &mut ctx,
            &site.templates.file_of("decisions.xml"),
        )?;
        Ok((path.trim_start_matches('/').to_string(), xml.into_bytes()))
    }

    /// The meeting archive of body `b` for `year` in language `l`.
    fn archive(&self, b: BodyId, year: i32, l: LangId) -> JobResult {
        let site = self.site;
        let (mut ctx, path) =
            self.generated_context(l, |lang| site.governance.archive_path(b, year, lang));
        let body = site.governance.body(b);
        ctx.insert(
            "breadcrumbs",
            &self.trail(l, Some(site.section(body.section).source.key.as_str())),
        );
        ctx.insert("archive", &View::new(site, l).archive(b, year));
        self.generated("archive.html", l, &mut ctx, &path)
    }

    /// The search page of language `l`; no file (and no message) without its search index.
    fn search_page(&self, l: LangId) -> JobResult {
        let site = self.site;
        let config = &site.config;
        let (mut ctx, path) = self.generated_context(l, |lang| site.governance.search_path(lang));
        let lang = &config.lang(l).code;
        let Some(index) = self.search.get(l.index()) else {
            return Err(None);
        };
        let bodies: Vec<Value> = site
            .governance
            .bodies()
            .map(|(_, b)| json!({"id": b.id, "title": site.section(b.section).title()}))
            .collect();
        ctx.insert(
            "search",
            &json!({
                "base": config.absolute_url(&format!("/search/{lang}/")),
                "stemmer": crate::search::stemmer_script(lang).map(|s| config.absolute_url(&format!("/{s}"))),
                "script": config.absolute_url("/styre-search.js"),
                "types": index.types,
                "years": index.years,
                "bodies": bodies,
                "dirs": config.languages.iter().map(|l| (l.code.clone(), l.direction.as_str())).collect::<std::collections::BTreeMap<_, _>>(),
            }),
        );
        self.generated("search.html", l, &mut ctx, &path)
    }

    /// The redirect page of alias `i`.
    fn alias(&self, i: usize) -> (String, Vec<u8>) {
        let alias = &self.site.aliases[i];
        (
            file_for(&alias.path),
            alias_html(&alias.target).into_bytes(),
        )
    }

    /// A generated page (case, register) in language `l`: its template, at `path`.
    fn generated(
        &self,
        template: &str,
        l: LangId,
        ctx: &mut tera::Context,
        path: &str,
    ) -> JobResult {
        if !self.site.templates.templates.contains_key(template) {
            // Built-in templates always exist; this guards the list of them.
            return Err(Some(Diagnostic::error(
                self.site.templates.file_of(template),
                format!("template `{template}` does not exist"),
            )));
        }
        let file = self.site.templates.file_of(template);
        let html = self.render_template(template, l, ctx, &file)?;
        Ok((file_for(path), self.finish_html(html, template, &file)?))
    }

    /// What `base.html` needs to know of the page or section it frames: its key (for the
    /// language switcher), its real translations (for `hreflang`), and, for a fallback, the
    /// attributes that mark its text as the original's language.
    fn content_context(&self, ctx: &mut tera::Context, value: &Value) {
        ctx.insert("current_key", &value["key"]);
        // Where the language switcher leads: this content in each language (a translation or
        // a stand-in), else that language's home (a page written only in another language).
        let key = value["key"].as_str().unwrap_or_default();
        let langs = &self.site.config.langs;
        let links: serde_json::Map<String, Value> = (langs.ids())
            .filter_map(|l| {
                let target = self
                    .lookup
                    .find(key, l)
                    .or_else(|| self.lookup.find("_index.md", l))?;
                let permalink = match target {
                    Target::Page(i) => self.site.page(i).permalink.clone(),
                    Target::Section(i) => self.site.section(i).permalink.clone(),
                };
                Some((langs.code(l).to_string(), Value::String(permalink)))
            })
            .collect();
        ctx.insert("language_links", &links);
        ctx.insert("translations", &value["translations"]);
        let fallback = &value["fallback"];
        ctx.insert("fallback", fallback);
        let attrs = match (fallback["lang"].as_str(), fallback["dir"].as_str()) {
            (Some(lang), Some(dir)) => format!(
                " lang=\"{}\" dir=\"{}\"",
                crate::site::html::escape(lang),
                crate::site::html::escape(dir)
            ),
            _ => String::new(),
        };
        ctx.insert("content_attrs", &attrs);
    }

    /// The way from the home page down to section `key` (included), for breadcrumbs: the
    /// sections of `lang` up the tree, as far as each is there.
    fn trail(&self, lang: LangId, key: Option<&str>) -> Vec<Crumb> {
        let site = self.site;
        let find = |k: &str, _: LangId| site.section_with_key(k, lang);
        let original = site.config.lang(LangId::DEFAULT);
        let start = key.and_then(|k| find(k, lang));
        let mut out: Vec<Crumb> = crate::resolve::ancestors(start, find)
            .map(|s| Crumb {
                title: s.title().to_string(),
                permalink: s.permalink.clone(),
                text_lang: s.source.fallback.then(|| TextLang {
                    lang: original.code.clone(),
                    dir: original.direction.as_str(),
                }),
            })
            .collect();
        out.reverse();
        out
    }

    fn base_context(&self, lang: LangId, path: &str) -> tera::Context {
        let config = &self.site.config;
        let language = config.lang(lang);
        let mut ctx = tera::Context::new();
        ctx.insert("config", &self.lookup.config);
        ctx.insert("lang", &language.code);
        ctx.insert("language", &LanguageView::from(language));
        ctx.insert("current_path", path);
        ctx.insert("current_key", &Value::Null);
        ctx.insert("language_links", &Value::Null);
        ctx.insert("breadcrumbs", &Value::Array(Vec::new()));
        ctx.insert("translations", &Value::Array(Vec::new()));
        ctx.insert("fallback", &Value::Null);
        ctx.insert("content_attrs", "");
        ctx.insert("current_url", &config.absolute_url(path));
        ctx.insert(
            "registers",
            self.lookup
                .registers
                .get(lang.index())
                .unwrap_or(&Value::Null),
        );
        ctx
    }

    /// The context of a generated page in language `l`: it exists in every language, at the
    /// path `path_in` gives for each, and those are its translations.
    fn generated_context(
        &self,
        l: LangId,
        path_in: impl Fn(LangId) -> String,
    ) -> (tera::Context, String) {
        let config = &self.site.config;
        let path = path_in(l);
        let mut ctx = self.base_context(l, &path);
        let translations: Vec<Value> = (config.langs.ids())
            .map(|other| json!({"lang": config.langs.code(other), "permalink": config.absolute_url(&path_in(other))}))
            .collect();
        ctx.insert("translations", &translations);
        ctx.insert("breadcrumbs", &self.trail(l, Some("_index.md")));
        (ctx, path)
    }

    /// Renders `name` with `ctx` (made by [`Self::base_context`] for `lang`), adding `t`, the
    /// interface strings of `lang`: those the template reads, or all.
    fn render_template(
        &self,
        name: &str,
        lang: LangId,
        ctx: &mut tera::Context,
        file: &std::path::Path,
    ) -> Result<String, Option<Diagnostic>> {
        let t = self
            .strings
            .get(name)
            .and_then(|by_lang| by_lang.get(lang.index()))
            .or_else(|| self.lookup.strings.get(lang.index()))
            .unwrap_or(&Value::Null);
        ctx.insert("t", t);
        crate::template_limits::begin_render();
        self.tera.render(name, ctx).map_err(|e| {
            if self.unusable.contains(name) {
                // It, or a template it uses, did not load: told once, under that error.
                self.folded
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return None;
            }
            if !self.tera.get_template_names().any(|n| n == name) {
                // The template is missing or did not parse: reported once, not per page.
                return None;
            }
            if let Some(too_deep) = crate::template_limits::macro_overflow() {
                // At the macro, the same for every page: reported once.
                return Some(too_deep);
            }
            let template_file = self.site.templates.file_of(name);
            let shown = if file.as_os_str().is_empty() {
                template_file.clone()
            } else {
                file.to_path_buf()
            };
            Some(
                Diagnostic::error(
                    shown,
                    format!(
                        "rendering with template `{name}` failed: {}",
                        crate::templates::error_chain(&e)
                    ),
                )
                .hint(format!(
                    "the problem is in {} or in the data this file gives it (docs/templates.md lists the context)",
                    template_file.display()
                )),
            )
        })
    }

    /// Minifies a page (unless `minify_html = false`). minify-html recurses once per level of
    /// nesting, so a page nested deeper than [`crate::nesting::PAGE_LIMIT`] is refused: an error
    /// on `file`, the page made with `template`.
    fn finish_html(
        &self,
        html: String,
        template: &str,
        file: &std::path::Path,
    ) -> Result<Vec<u8>, Option<Diagnostic>> {
        if !self.site.config.minify_html {
            return Ok(html.into_bytes());
        }
        let limit = crate::nesting::PAGE_LIMIT;
        if crate::nesting::Nesting::new(limit).feed(&html).is_some() {
            let template_file = self.site.templates.file_of(template);
            return Err(Some(
                Diagnostic::error(
                    file,
                    format!(
                        "the page made with template `{template}` nests elements more than {limit} levels deep"
                    ),
                )
                .hint(format!(
                    "styre minifies pages up to {limit} levels deep; flatten the markup {} writes (docs/templates.md)",
                    template_file.display()
                )),
            ));
        }
        let mut cfg = minify_html::Cfg::new();
        cfg.keep_closing_tags = true;
        cfg.keep_html_and_head_opening_tags = true;
        Ok(minify_html::minify(html.as_bytes(), &cfg))
    }
}
