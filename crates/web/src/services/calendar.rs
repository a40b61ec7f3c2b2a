//! iCalendar (RFC 5545) for the events: one event's `.ics` and the public feed. Written by
//! hand, a few lines of text: times in UTC (`…Z`), so no VTIMEZONE is needed and every
//! calendar shows Paris time right on both sides of a clock change; a UID per activity that
//! edits keep (`evenement-{id}@{host}`), a SEQUENCE that edits raise, and a cancelled event
//! sent as `STATUS:CANCELLED` so that calendars which imported it drop it.

use chrono::{DateTime, Utc};
use tremplin_storage::Activity;

/// What a calendar entry says beyond the activity itself.
pub struct Entry<'a> {
    pub activity: &'a Activity,
    /// "Mortagne-au-Perche (61400)", or empty for a virtual workshop.
    pub place: String,
    /// The public page, or empty for an activity reserved to a promo.
    pub url: String,
}

/// The host part of UIDs: the public address without its scheme and port.
pub fn uid_host(public_url: &str) -> String {
    let rest = public_url.split("://").nth(1).unwrap_or(public_url);
    let host = rest.split(['/', ':']).next().unwrap_or("localhost");
    if host.is_empty() {
        "localhost".into()
    } else {
        host.to_owned()
    }
}

pub fn uid(id: i64, host: &str) -> String {
    format!("evenement-{id}@{host}")
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT values escape backslash, semicolon, comma and line breaks.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Lines longer than 75 octets are folded (CRLF and a space), never inside a character.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn event(out: &mut String, e: &Entry<'_>, host: &str, territory: &str) {
    let a = e.activity;
    let mut description = String::new();
    if !a.description.is_empty() {
        description.push_str(&a.description);
        description.push_str("\n\n");
    }
    description.push_str(&format!(
        "Pour qui : {}\nAnimé par : {}\n",
        a.audience, a.leader
    ));
    if let Some(v) = &a.video_url {
        description.push_str(&format!("Lien de la visio : {v}\n"));
    }
    description.push_str(&e.url);
    let description = description.trim_end().to_owned();
    let location = match (a.address.is_empty(), e.place.is_empty()) {
        (_, true) => a.video_url.clone().unwrap_or_default(),
        (true, false) => e.place.clone(),
        (false, false) => format!("{}, {}", a.address, e.place),
    };
    push_line(out, "BEGIN:VEVENT");
    push_line(out, &format!("UID:{}", uid(a.id, host)));
    push_line(out, &format!("DTSTAMP:{}", stamp(a.updated_at)));
    push_line(out, &format!("LAST-MODIFIED:{}", stamp(a.updated_at)));
    push_line(out, &format!("DTSTART:{}", stamp(a.starts_at)));
    push_line(out, &format!("DTEND:{}", stamp(a.ends_at)));
    push_line(out, &format!("SEQUENCE:{}", a.sequence));
    push_line(
        out,
        if a.cancelled {
            "STATUS:CANCELLED"
        } else {
            "STATUS:CONFIRMED"
        },
    );
    let title = if a.cancelled {
        format!("ANNULÉ : {}", a.title)
    } else {
        a.title.clone()
    };
    push_line(out, &format!("SUMMARY:{}", escape(&title)));
    if !location.is_empty() {
        push_line(out, &format!("LOCATION:{}", escape(&location)));
    }
    push_line(out, &format!("DESCRIPTION:{}", escape(&description)));
    push_line(
        out,
        &format!("ORGANIZER;CN={}:mailto:{}", quoted(territory), organiser(a)),
    );
    if !e.url.is_empty() {
        push_line(out, &format!("URL:{}", e.url));
    }
    push_line(out, "END:VEVENT");
}

fn organiser(a: &Activity) -> String {
    a.organiser_email
        .clone()
        .unwrap_or_else(|| "ne-pas-repondre@localhost".into())
}

/// A parameter value: quoted, without the characters a quoted value cannot hold.
fn quoted(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control() && *c != '"').collect();
    format!("\"{clean}\"")
}

/// A calendar of `entries`, `name` its title in calendar apps.
pub fn calendar(entries: &[Entry<'_>], name: &str, public_url: &str, territory: &str) -> String {
    let host = uid_host(public_url);
    let mut out = String::new();
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(&mut out, "PRODID:-//Tremplin//Evenements//FR");
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, "METHOD:PUBLISH");
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for e in entries {
        event(&mut out, e, &host, territory);
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_without_splitting_a_character() {
        let mut out = String::new();
        push_line(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "é".repeat(60)));
    }

    #[test]
    fn text_is_escaped_and_hosts_found() {
        assert_eq!(escape("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
        assert_eq!(uid_host("https://offres.ml.fr:8443/x"), "offres.ml.fr");
        assert_eq!(uid_host("http://127.0.0.1:8080"), "127.0.0.1");
    }
}
