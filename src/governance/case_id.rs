//! Case IDs: each body declares how it writes them (`{case}-{meeting}/{yy}` gives `4-42/23`),
//! and IDs written anywhere in the text are found and linked.

use std::ops::Range;

/// The numbers a case ID stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumbers {
    pub year: i32,
    /// The meeting number, for bodies that number cases per meeting.
    pub meeting: Option<u32>,
    pub case: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Literal(char),
    Case,
    Meeting,
    Year2,
    Year4,
}

/// A parsed case-ID pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format {
    parts: Vec<Part>,
}

impl Format {
    /// Parses a pattern such as `{case}-{meeting}/{yy}`. It needs `{case}` and a year, and a
    /// literal character between any two placeholders (or IDs could not be read back).
    pub fn parse(pattern: &str) -> Result<Format, String> {
        let mut parts = Vec::new();
        let mut rest = pattern;
        while let Some(c) = rest.chars().next() {
            if c == '{' {
                let end = rest
                    .find('}')
                    .ok_or_else(|| format!("`{{` without `}}` in `{pattern}`"))?;
                let part = match &rest[1..end] {
                    "case" => Part::Case,
                    "meeting" => Part::Meeting,
                    "yy" => Part::Year2,
                    "yyyy" => Part::Year4,
                    other => {
                        return Err(format!(
                            "unknown placeholder `{{{other}}}`; use {{case}}, {{meeting}}, {{yy}} or {{yyyy}}"
                        ));
                    }
                };
                if parts.contains(&part)
                    || (matches!(part, Part::Year2 | Part::Year4)
                        && parts.iter().any(|p| matches!(p, Part::Year2 | Part::Year4)))
                {
                    return Err(format!("`{{{}}}` appears twice", &rest[1..end]));
                }
                if matches!(parts.last(), Some(p) if !matches!(p, Part::Literal(_))) {
                    return Err(
                        "put a character such as `-` or `/` between two placeholders".into(),
                    );
                }
                parts.push(part);
                rest = &rest[end + 1..];
            } else {
                if c.is_ascii_digit() || c.is_whitespace() {
                    return Err("only placeholders and separators such as `-` or `/`".into());
                }
                parts.push(Part::Literal(c));
                rest = &rest[c.len_utf8()..];
            }
        }
        if !parts.contains(&Part::Case) {
            return Err("the pattern needs `{case}`".into());
        }
        if !parts.iter().any(|p| matches!(p, Part::Year2 | Part::Year4)) {
            return Err("the pattern needs the year, `{yy}` or `{yyyy}`".into());
        }
        Ok(Format { parts })
    }

    /// Whether IDs name the meeting (cases numbered per meeting) or not (per year).
    pub fn has_meeting(&self) -> bool {
        self.parts.contains(&Part::Meeting)
    }

    /// Reads `id` when it is written in this format, in full.
    pub fn read(&self, id: &str) -> Option<CaseNumbers> {
        let bytes = id.as_bytes();
        let mut i = 0;
        let (mut case, mut meeting, mut year) = (None, None, None);
        for part in &self.parts {
            match part {
                Part::Literal(c) => {
                    let mut buf = [0u8; 4];
                    let lit = c.encode_utf8(&mut buf).as_bytes();
                    if !bytes[i..].starts_with(lit) {
                        return None;
                    }
                    i += lit.len();
                }
                _ => {
                    let len = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                    let digits = &id[i..i + len];
                    i += len;
                    match part {
                        Part::Year2 if len == 2 => year = Some(2000 + digits.parse::<i32>().ok()?),
                        Part::Year4 if len == 4 => year = Some(digits.parse().ok()?),
                        Part::Case if (1..=4).contains(&len) => case = Some(digits.parse().ok()?),
                        Part::Meeting if (1..=4).contains(&len) => {
                            meeting = Some(digits.parse().ok()?);
                        }
                        _ => return None,
                    }
                }
            }
        }
        if i != bytes.len() {
            return None;
        }
        Some(CaseNumbers {
            year: year?,
            meeting: if self.has_meeting() { meeting } else { None },
            case: case?,
        })
    }

    /// Writes the ID of `n` in this format.
    pub fn write(&self, n: CaseNumbers) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(c) => out.push(*c),
                Part::Case => out.push_str(&n.case.to_string()),
                Part::Meeting => out.push_str(&n.meeting.unwrap_or(0).to_string()),
                Part::Year2 => out.push_str(&format!("{:02}", n.year.rem_euclid(100))),
                Part::Year4 => out.push_str(&n.year.to_string()),
            }
        }
        out
    }
}

/// A string in running text that may be a case ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub range: Range<usize>,
    /// Written right after "sak", "saken", "case" and the like: surely meant as a case ID.
    pub after_case_word: bool,
}

/// Finds the strings in `text` that look like case IDs: runs of digits joined by `-` or `/`
/// (`4-42/23`, `12/21`), not part of a longer run of digits, dots or letters (so dates such as
/// `28.09.23` and words are left alone).
pub fn candidates(text: &str) -> Vec<Candidate> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'-' || bytes[i] == b'/')
        {
            i += 1;
        }
        let mut end = i;
        while end > start && !bytes[end - 1].is_ascii_digit() {
            end -= 1;
        }
        let token = &text[start..end];
        let joined = token.contains(['-', '/']);
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '.');
        let dotted_after = after == Some('.')
            && text[end + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit());
        if joined && !glued(before) && !dotted_after && !after.is_some_and(char::is_alphanumeric) {
            out.push(Candidate {
                range: start..end,
                after_case_word: after_case_word(&text[..start]),
            });
        }
    }
    out
}

/// Whether `before` ends with a word that introduces a case ID.
fn after_case_word(before: &str) -> bool {
    let trimmed = before.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
    if trimmed.len() == before.len() {
        return false;
    }
    let word: String = trimmed
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    matches!(
        word.as_str(),
        "sak" | "saken" | "saka" | "saks" | "case" | "áššis"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_read_and_write_ids() {
        let ps = Format::parse("{case}-{meeting}/{yy}").unwrap();
        let n = ps.read("4-42/23").unwrap();
        assert_eq!(
            n,
            CaseNumbers {
                year: 2023,
                meeting: Some(42),
                case: 4
            }
        );
        assert_eq!(ps.write(n), "4-42/23");
        let follow_up = Format::parse("{case}/{meeting}-{yy}").unwrap();
        assert_eq!(follow_up.read("4/42-23"), Some(n));
        assert_eq!(follow_up.read("4-42/23"), None);
        let eh = Format::parse("{case}/{yy}").unwrap();
        assert!(!eh.has_meeting());
        assert_eq!(
            eh.read("12/21"),
            Some(CaseNumbers {
                year: 2021,
                meeting: None,
                case: 12
            })
        );
        assert_eq!(eh.read("12/2021"), None);
        assert_eq!(eh.read("4/42-23"), None);
    }

    #[test]
    fn bad_formats_say_why() {
        for (pattern, why) in [
            ("{case}{meeting}/{yy}", "between two placeholders"),
            ("{case}/{year}", "unknown placeholder"),
            ("{meeting}/{yy}", "needs `{case}`"),
            ("{case}-{meeting}", "needs the year"),
            ("{case}-{yy}/{yyyy}", "twice"),
        ] {
            let e = Format::parse(pattern).unwrap_err();
            assert!(e.contains(why), "{pattern}: {e}");
        }
    }

    #[test]
    fn finds_ids_in_text_but_not_dates_or_numbers() {
        let text = "Se sak 4-42/23 og 12/21, referat fra 28.09.23, 2025-26 og 1 480 kr (3/39-23).";
        let found: Vec<(&str, bool)> = candidates(text)
            .iter()
            .map(|c| (&text[c.range.clone()], c.after_case_word))
            .collect();
        assert_eq!(
            found,
            [
                ("4-42/23", true),
                ("12/21", false),
                ("2025-26", false),
                ("3/39-23", false)
            ]
        );
    }
}
