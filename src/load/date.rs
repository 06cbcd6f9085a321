//! Dates written by authors: `date = 2023-11-30` (a TOML date), `date = "2023-11-30"` (a
//! string), or either with a time (`2023-11-30T09:00:00`, with or without an offset).
//!
//! Impossible dates such as `2023-02-30` are rejected when the front matter is read, with the
//! position of the value, so no later stage sees an invalid date.

use jiff::civil;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A calendar date with an optional time of day and an optional UTC offset (in seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub date: civil::Date,
    pub time: Option<civil::Time>,
    pub offset_seconds: Option<i32>,
}

impl Date {
    /// Parses `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM[:SS[.fff]]` and an
    /// offset (`Z`, `+01:00`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (day, rest) = match text.find(['T', 't', ' ']) {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None => (text, None),
        };
        let date = parse_day(day)?;
        let Some(rest) = rest else {
            return Ok(Self {
                date,
                time: None,
                offset_seconds: None,
            });
        };
        let (clock, offset) = split_offset(rest)?;
        let time: civil::Time = clock
            .parse()
            .map_err(|_| format!("`{clock}` is not a valid time of day (use HH:MM or HH:MM:SS)"))?;
        Ok(Self {
            date,
            time: Some(time),
            offset_seconds: offset,
        })
    }

    pub fn year(&self) -> i32 {
        i32::from(self.date.year())
    }

    /// `YYYY-MM-DD`.
    pub fn ymd(&self) -> String {
        self.date.to_string()
    }

    /// RFC 3339 timestamp, as feeds and sitemaps need. A date without a time is taken as
    /// midnight; a time without an offset is taken in `timezone` (an IANA name).
    pub fn rfc3339(&self, timezone: &jiff::tz::TimeZone) -> String {
        let time = self.time.unwrap_or(civil::Time::midnight());
        let dt = self.date.to_datetime(time);
        let zoned = match self.offset_seconds {
            Some(secs) => jiff::tz::Offset::from_seconds(secs)
                .ok()
                .and_then(|o| dt.to_zoned(jiff::tz::TimeZone::fixed(o)).ok()),
            None => dt.to_zoned(timezone.clone()).ok(),
        };
        match zoned {
            Some(z) => z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            None => format!("{}T00:00:00Z", self.date),
        }
    }
}

fn parse_day(day: &str) -> Result<civil::Date, String> {
    let parts: Vec<&str> = day.split('-').collect();
    let bad = || format!("`{day}` is not a date: write it as YYYY-MM-DD, e.g. 2023-11-30");
    if parts.len() != 3
        || parts[0].len() != 4
        || parts[1].len() != 2
        || parts[2].len() != 2
        || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let (y, m, d): (i16, i8, i8) = (
        parts[0].parse().map_err(|_| bad())?,
        parts[1].parse().map_err(|_| bad())?,
        parts[2].parse().map_err(|_| bad())?,
    );
    civil::Date::new(y, m, d).map_err(|_| {
        if (1..=12).contains(&m) {
            let last = civil::Date::new(y, m, 1)
                .map(|first| first.days_in_month())
                .unwrap_or(31);
            format!("{day} does not exist: month {m} of {y} has {last} days")
        } else {
            format!("{day} does not exist: there is no month {m}")
        }
    })
}

fn split_offset(rest: &str) -> Result<(&str, Option<i32>), String> {
    if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        return Ok((clock, Some(0)));
    }
    if let Some(i) = rest.rfind(['+', '-']) {
        let (clock, off) = rest.split_at(i);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let digits = &off[1..];
        let (h, m) = digits
            .split_once(':')
            .ok_or_else(|| format!("`{off}` is not a UTC offset (use +01:00)"))?;
        let h: i32 = h
            .parse()
            .map_err(|_| format!("`{off}` is not a UTC offset"))?;
        let m: i32 = m
            .parse()
            .map_err(|_| format!("`{off}` is not a UTC offset"))?;
        if h > 23 || m > 59 {
            return Err(format!("`{off}` is not a UTC offset"));
        }
        return Ok((clock, Some(sign * (h * 3600 + m * 60))));
    }
    Ok((rest, None))
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.date)?;
        if let Some(t) = self.time {
            write!(f, "T{}", t.strftime("%H:%M:%S"))?;
            if let Some(o) = self.offset_seconds {
                if o == 0 {
                    f.write_str("Z")?;
                } else {
                    let sign = if o < 0 { '-' } else { '+' };
                    let o = o.abs();
                    write!(f, "{sign}{:02}:{:02}", o / 3600, (o % 3600) / 60)?;
                }
            }
        }
        Ok(())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a date such as 2023-11-30 or \"2023-11-30\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                let dt =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                if dt.date.is_none() {
                    return Err(de::Error::custom(
                        "a time without a date: write the date too, e.g. 2023-11-30T09:00:00",
                    ));
                }
                Date::parse(&dt.to_string()).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_dates_times_and_offsets() {
        assert_eq!(Date::parse("2023-11-30").unwrap().to_string(), "2023-11-30");
        assert_eq!(
            Date::parse("2023-11-30T09:00").unwrap().to_string(),
            "2023-11-30T09:00:00"
        );
        assert_eq!(
            Date::parse("2023-11-30 09:00:00+01:00")
                .unwrap()
                .to_string(),
            "2023-11-30T09:00:00+01:00"
        );
        assert_eq!(
            Date::parse("2023-11-30T09:00:00Z").unwrap().to_string(),
            "2023-11-30T09:00:00Z"
        );
    }

    #[test]
    fn impossible_dates_say_why() {
        assert_eq!(
            Date::parse("2023-02-30").unwrap_err(),
            "2023-02-30 does not exist: month 2 of 2023 has 28 days"
        );
        assert_eq!(
            Date::parse("2023-13-01").unwrap_err(),
            "2023-13-01 does not exist: there is no month 13"
        );
        assert!(
            Date::parse("30.11.2023")
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
        assert!(Date::parse("2023-11-30T25:00").is_err());
    }

    #[test]
    fn rfc3339_uses_the_site_timezone_for_local_times() {
        let oslo = jiff::tz::TimeZone::get("Europe/Oslo").unwrap();
        let winter = Date::parse("2023-11-30T09:00").unwrap();
        assert_eq!(winter.rfc3339(&oslo), "2023-11-30T09:00:00+01:00");
        let summer = Date::parse("2021-05-06").unwrap();
        assert_eq!(summer.rfc3339(&oslo), "2021-05-06T00:00:00+02:00");
    }
}
