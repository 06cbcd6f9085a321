//! The plans' values: `page.roadmap` (areas × horizons, each item with the projects serving
//! it), `page.delivery_plan` (projects by area and stage) and `page.meeting_plan`.

use serde::Serialize;
use serde_json::{Value, json};

use super::{CaseRef, TextLang, View};
use crate::governance::model::{
    DeliveryPlan, ItemStatus, Kind, Labelled, Project, Roadmap, RoadmapItem, Stage,
};
use crate::resolve::PageId;

/// `page.roadmap`: the grid of areas × horizons, and every item with the projects serving it.
#[derive(Debug, Serialize)]
pub struct RoadmapValue {
    pub id: String,
    pub version: String,
    pub adopted: Option<String>,
    pub decided_in: Option<CaseRef>,
    pub text_lang: Option<TextLang>,
    pub areas: Vec<GridArea>,
    pub horizons: Vec<Labelled>,
    pub items: Vec<RoadmapItemValue>,
    /// The delivery plans serving the roadmap (page references).
    pub delivery_plans: Vec<Value>,
}

/// One roadmap item: its texts in the view's language where a translation has them.
#[derive(Debug, Clone, Serialize)]
pub struct RoadmapItemValue {
    pub id: String,
    pub title: String,
    pub text_lang: Option<TextLang>,
    pub area: String,
    pub horizon: String,
    pub status: ItemStatus,
    /// The description's HTML.
    pub description: Option<String>,
    pub projects: Vec<ServingProject>,
}

/// A project of a delivery plan, as the roadmap item it serves lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ServingProject {
    pub id: String,
    pub title: String,
    pub text_lang: Option<TextLang>,
    pub stage: Stage,
    pub permalink: String,
}

/// A strategic area of the roadmap's grid, with a cell per horizon.
#[derive(Debug, Serialize)]
pub struct GridArea {
    pub id: String,
    pub title: String,
    pub cells: Vec<GridCell>,
}

/// The items of one area in one horizon.
#[derive(Debug, Serialize)]
pub struct GridCell {
    pub horizon: Labelled,
    pub items: Vec<RoadmapItemValue>,
}

/// `page.roadmap`, or none when page `r` of the roadmaps holds no roadmap in this view's
/// language (null to templates).
pub fn roadmap(v: &View<'_>, r: usize) -> Option<RoadmapValue> {
    let site = v.site;
    let reg = &site.governance;
    let original = reg.roadmaps[r];
    let Some(Kind::Roadmap(roadmap)) = &v.texts(original).source.meta.kind else {
        return None;
    };
    let texts = reg.roadmap_texts_in(r, v.lang);
    let plans = delivery_plans_of(v, roadmap.id.get_ref());
    let text_lang = v.text_lang(original);
    let items: Vec<RoadmapItemValue> = roadmap
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| RoadmapItemValue {
            id: item.id.get_ref().clone(),
            title: item.title.clone(),
            text_lang: text_lang.clone(),
            area: item.area.get_ref().clone(),
            horizon: item.horizon.get_ref().clone(),
            status: item.status,
            description: texts
                .get(i)
                .and_then(Option::as_ref)
                .map(|d| d.html.clone()),
            projects: item_projects(v, &plans, item),
        })
        .collect();
    let areas = roadmap_grid(roadmap, &items);
    let decided_in = roadmap
        .decided_in
        .as_ref()
        .and_then(|c| reg.find_case(c.get_ref()))
        .map(|i| v.case_ref(i));
    Some(RoadmapValue {
        id: roadmap.id.get_ref().clone(),
        version: roadmap.version.clone(),
        adopted: roadmap.adopted.map(|a| a.ymd()),
        decided_in,
        text_lang,
        areas,
        horizons: roadmap.horizons.clone(),
        items,
        delivery_plans: plans.iter().map(|(p, _)| v.page_ref(*p)).collect(),
    })
}

/// The projects of the delivery plans `plans` that serve the roadmap item `item`.
fn item_projects(
    v: &View<'_>,
    plans: &[(PageId, &DeliveryPlan)],
    item: &RoadmapItem,
) -> Vec<ServingProject> {
    plans
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
                .map(move |pr| ServingProject {
                    id: pr.id.get_ref().clone(),
                    title: pr.title.clone(),
                    text_lang: project_lang.clone(),
                    stage: pr.stage,
                    permalink: format!("{}#{}", permalink, pr.id.get_ref()),
                })
        })
        .collect()
}

/// The roadmap's areas, each with a cell per horizon holding its items (of `items`, the
/// values of the roadmap's items).
fn roadmap_grid(roadmap: &Roadmap, items: &[RoadmapItemValue]) -> Vec<GridArea> {
    roadmap
        .areas
        .iter()
        .map(|a| GridArea {
            id: a.id.clone(),
            title: a.title.clone(),
            cells: roadmap
                .horizons
                .iter()
                .map(|h| GridCell {
                    horizon: h.clone(),
                    items: items
                        .iter()
                        .filter(|i| i.area == a.id && i.horizon == h.id)
                        .cloned()
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

/// The delivery plans serving a roadmap: (original page, plan in this view's language).
fn delivery_plans_of<'s>(v: &View<'s>, roadmap_id: &str) -> Vec<(PageId, &'s DeliveryPlan)> {
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
fn roadmap_of<'s>(v: &View<'s>, id: &str) -> Option<(PageId, &'s Roadmap)> {
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
#[derive(Debug, Serialize)]
pub struct DeliveryPlanValue {
    /// The roadmap's page reference, with its `version`.
    pub roadmap: Option<Value>,
    pub decided_in: Option<CaseRef>,
    pub text_lang: Option<TextLang>,
    pub stages: [Stage; 4],
    pub groups: Vec<AreaGroup>,
    pub project_count: usize,
}

/// The projects of one strategic area of the plan's roadmap.
#[derive(Debug, Serialize)]
pub struct AreaGroup {
    pub area: GroupArea,
    pub projects: Vec<ProjectValue>,
}

/// An area of the roadmap, in the roadmap's texts.
#[derive(Debug, Serialize)]
pub struct GroupArea {
    pub id: String,
    pub title: String,
    pub text_lang: Option<TextLang>,
}

/// One project of a delivery plan, with the roadmap items it serves.
#[derive(Debug, Serialize)]
pub struct ProjectValue {
    pub id: String,
    pub title: String,
    pub text_lang: Option<TextLang>,
    pub description: Option<String>,
    pub actor: Option<String>,
    pub reference: Option<String>,
    pub stage: Stage,
    /// The stage's place in [`Stage::ALL`], from 1.
    pub stage_number: usize,
    pub note: Option<String>,
    pub flags: Vec<crate::governance::model::Flag>,
    pub roadmap_items: Vec<ServedItem>,
}

/// A roadmap item, as a project that serves it lists it.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum ServedItem {
    /// An item of the plan's roadmap, linked at its place on the roadmap's page.
    Found {
        id: String,
        title: String,
        text_lang: Option<TextLang>,
        permalink: String,
    },
    /// An id the roadmap does not have: shown as written, not linked.
    Unknown {
        id: String,
        title: String,
        permalink: Option<String>,
    },
}

/// `page.delivery_plan`, or none when page `d` of the delivery plans holds no plan in this
/// view's language (null to templates).
pub fn delivery_plan(v: &View<'_>, d: usize) -> Option<DeliveryPlanValue> {
    let site = v.site;
    let reg = &site.governance;
    let original = reg.delivery_plans[d];
    let Some(Kind::DeliveryPlan(plan)) = &v.texts(original).source.meta.kind else {
        return None;
    };
    let text_lang = v.text_lang(original);
    let roadmap = roadmap_of(v, plan.roadmap.get_ref());
    let roadmap_lang = roadmap.and_then(|(rp, _)| v.text_lang(rp));
    let areas: Vec<(String, String)> = match roadmap {
        Some((_, r)) => r
            .areas
            .iter()
            .map(|a| (a.id.clone(), a.title.clone()))
            .collect(),
        None => Vec::new(),
    };
    let groups: Vec<AreaGroup> = areas
        .into_iter()
        .filter_map(|(id, title)| {
            let projects: Vec<ProjectValue> = plan
                .projects
                .iter()
                .filter(|p| *p.area.get_ref() == id)
                .map(|p| plan_project(v, p, roadmap, &text_lang, &roadmap_lang))
                .collect();
            (!projects.is_empty()).then(|| AreaGroup {
                area: GroupArea {
                    id,
                    title,
                    text_lang: roadmap_lang.clone(),
                },
                projects,
            })
        })
        .collect();
    let decided_in = plan
        .decided_in
        .as_ref()
        .and_then(|c| reg.find_case(c.get_ref()))
        .map(|i| v.case_ref(i));
    Some(DeliveryPlanValue {
        roadmap: roadmap.map(|(p, r)| {
            let mut value = v.page_ref(p);
            value["version"] = json!(r.version);
            value
        }),
        decided_in,
        text_lang,
        stages: Stage::ALL,
        groups,
        project_count: plan.projects.len(),
    })
}

/// One project of a delivery plan, with the items it serves of the plan's roadmap (`roadmap`,
/// in this view's language); `text_lang` marks the plan's texts, `roadmap_lang` the roadmap's.
fn plan_project(
    v: &View<'_>,
    p: &Project,
    roadmap: Option<(PageId, &Roadmap)>,
    text_lang: &Option<TextLang>,
    roadmap_lang: &Option<TextLang>,
) -> ProjectValue {
    let items: Vec<ServedItem> = p
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
                Some((rp, i)) => ServedItem::Found {
                    id: i.id.get_ref().clone(),
                    title: i.title.clone(),
                    text_lang: roadmap_lang.clone(),
                    permalink: format!("{}#{}", v.page(rp).permalink, i.id.get_ref()),
                },
                None => ServedItem::Unknown {
                    id: id.get_ref().clone(),
                    title: id.get_ref().clone(),
                    permalink: None,
                },
            }
        })
        .collect();
    let stage_index = Stage::ALL.iter().position(|s| *s == p.stage).unwrap_or(0) + 1;
    ProjectValue {
        id: p.id.get_ref().clone(),
        title: p.title.clone(),
        text_lang: text_lang.clone(),
        description: p.description.clone(),
        actor: p.actor.clone(),
        reference: p.reference.clone(),
        stage: p.stage,
        stage_number: stage_index,
        note: p.note.clone(),
        flags: p.flags.clone(),
        roadmap_items: items,
    }
}

/// `page.meeting_plan`.
pub fn meeting_plan(v: &View<'_>, original: PageId) -> Value {
    let Some(Kind::MeetingPlan(plan)) = &v.texts(original).source.meta.kind else {
        return Value::Null;
    };
    let reg = &v.site.governance;
    json!({
        "body": reg.find_body(plan.body.get_ref()).map(|b| v.body_ref(b)),
        "year": plan.year,
        "text_lang": v.text_lang(original),
        "dates": plan.dates.iter().map(|d| json!({"date": d.date.ymd(), "format": d.format, "note": d.note})).collect::<Vec<_>>(),
    })
}
