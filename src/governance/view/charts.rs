//! `page.dataset`: a dataset's rows, with its chart (bars or key figures) drawn as SVG at
//! build time.

use serde_json::{Value, json};

use super::View;
use crate::governance::model::{Chart, DataCell, Dataset, Kind};
use crate::resolve::{Page, PageId};

/// `page.dataset`, with its chart drawn as SVG at build time.
pub fn dataset(v: &View<'_>, original: PageId) -> Value {
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
