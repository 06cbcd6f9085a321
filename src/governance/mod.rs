//! Governance content: bodies, governing documents, meetings and cases, follow-ups, meeting
//! plans, the roadmap, the delivery plan and statistics (docs/content-model.md).
//!
//! - [`model`]: the records as authors write them, read from front matter in the load phase.
//! - [`case_id`]: how each body writes its case IDs; finding IDs in text.
//! - [`registry`]: the resolve step: every record indexed, cross-checked and given its URL.
//! - [`view`]: what templates see, and the generated pages (cases, registers).
//! - [`data`]: open data (JSON, CSV, JSON Schema), the iCalendar file and JSON-LD.

pub mod case_id;
pub mod data;
pub mod model;
pub mod registry;
pub mod scaffold;
pub mod translation;
pub mod view;

pub use model::{Body, Kind, PAGE_TABLES, SECTION_TABLES, read_body, read_page_kind};
