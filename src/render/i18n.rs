//! Locale formatting: counts in the language's plural form, dates, numbers and lists as the
//! language writes them, from its interface strings (`load::strings`).

use serde_json::Value;

pub use crate::load::strings::builtin;
use crate::site::plural::rules;

/// Picks the form of a plural table for `n` and puts `n`, written as the language writes
/// numbers (`strings` are the language's strings), in it.
pub fn plural(strings: &Value, forms: &Value, lang: &str, n: i64) -> String {
    let category = rules(lang).map_or("other", |r| r.category(n.unsigned_abs()));
    let text = forms
        .get(category)
        .or_else(|| forms.get("other"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    text.replace("{n}", &format_number(strings, n as f64))
}

/// Digits with `group` between thousands; with `min_grouping` 2 (as Polish writes numbers),
/// four-digit numbers are left whole.
fn format_integer(n: i64, group: &str, min_grouping: usize) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    let grouped = digits.len() > 2 + min_grouping.max(1);
    for (i, ch) in digits.chars().enumerate() {
        if grouped && i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(group);
        }
        out.push(ch);
    }
    out
}

/// A date (`YYYY-MM-DD…`) in the long form of a language's `locale.date_long`.
pub fn format_date(strings: &Value, ymd: &str) -> Option<String> {
    let locale = strings.get("locale")?;
    let pattern = locale.get("date_long")?.as_str()?;
    let months = locale.get("months")?.as_array()?;
    let mut parts = ymd.get(..10)?.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let month: usize = m.parse().ok()?;
    let day: u32 = d.parse().ok()?;
    let name = months.get(month.checked_sub(1)?)?.as_str()?;
    Some(
        pattern
            .replace("{d}", &day.to_string())
            .replace("{month}", name)
            .replace("{yyyy}", y),
    )
}

/// A number with the language's decimal and group separators.
pub fn format_number(strings: &Value, n: f64) -> String {
    let locale = strings.get("locale");
    let sep = |key: &str, default: &'static str| -> String {
        locale
            .and_then(|l| l.get(key))
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_string()
    };
    let (decimal, group) = (sep("decimal", "."), sep("group", ","));
    let min_grouping = locale
        .and_then(|l| l.get("min_grouping_digits"))
        .and_then(Value::as_u64)
        .unwrap_or(1) as usize;
    let whole = n.trunc() as i64;
    let mut out = format_integer(whole, &group, min_grouping);
    let frac = (n - n.trunc()).abs();
    if frac > 1e-9 {
        let f = format!("{frac:.2}");
        out.push_str(&decimal);
        out.push_str(f.trim_start_matches("0.").trim_end_matches('0'));
    }
    out
}

/// A list joined as the language writes it: "a, b og c".
pub fn format_list(strings: &Value, items: &[String]) -> String {
    let locale = |key: &str| {
        strings
            .get("locale")
            .and_then(|l| l.get(key))
            .and_then(Value::as_str)
    };
    let and = locale("list_and").unwrap_or("and");
    // `list_separator` between items (", "; Arabic "، "), and `list_end` joining the last two
    // ("{0} and {1}" by default; Arabic "{0} و{1}", with "و" joined to the word).
    let separator = locale("list_separator").unwrap_or(", ");
    let end = locale("list_end").map_or_else(|| format!("{{0}} {and} {{1}}"), str::to_string);
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => end
            .replace("{0}", &rest.join(separator))
            .replace("{1}", last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_pick_the_right_form() {
        let forms =
            serde_json::json!({"one": "{n} ášši", "two": "{n} ášši (dual)", "other": "{n} áššit"});
        let nb = builtin("nb");
        assert_eq!(plural(&nb, &forms, "se", 1), "1 ášši");
        assert_eq!(plural(&nb, &forms, "se", 2), "2 ášši (dual)");
        assert_eq!(plural(&nb, &forms, "se", 5), "5 áššit");
        assert_eq!(plural(&nb, &nb["count"]["cases"], "nb", 1), "1 sak");
        assert_eq!(plural(&nb, &nb["count"]["cases"], "nb", 10), "10 saker");
        assert_eq!(
            plural(&nb, &nb["count"]["cases"], "nb", 12000),
            "12\u{a0}000 saker"
        );
    }

    #[test]
    fn dates_numbers_and_lists() {
        let nb = builtin("nb");
        let en = builtin("en");
        assert_eq!(format_date(&nb, "2023-11-30").unwrap(), "30. november 2023");
        assert_eq!(format_date(&en, "2023-11-30").unwrap(), "30 November 2023");
        assert_eq!(format_number(&nb, 210042.0), "210\u{a0}042");
        assert_eq!(format_number(&nb, 1480.0), "1\u{a0}480");
        let pl = serde_json::json!({"locale": {"decimal": ",", "group": "\u{a0}", "min_grouping_digits": 2}});
        assert_eq!(format_number(&pl, 1480.0), "1480");
        assert_eq!(format_number(&pl, 14800.0), "14\u{a0}800");
        assert_eq!(format_number(&en, 4.9), "4.9");
        assert_eq!(format_number(&nb, 4.9), "4,9");
        let items = ["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(format_list(&nb, &items), "a, b og c");
    }
}
