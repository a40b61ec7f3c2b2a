//! Dates as French readers write them, in Paris time.

use std::borrow::Borrow;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

const DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "mardi 1er décembre": the first of the month is written "1er", as French readers do.
pub fn french_day(d: NaiveDate) -> String {
    let n = d.day();
    format!(
        "{} {}{} {}",
        DAYS[d.weekday().num_days_from_monday() as usize],
        n,
        if n == 1 { "er" } else { "" },
        MONTHS[d.month0() as usize],
    )
}

/// "mardi 1er décembre à 09:00", Paris time.
pub fn french_date(at: DateTime<Utc>) -> String {
    let l = at.with_timezone(&Paris);
    format!("{} à {}", french_day(l.date_naive()), l.format("%H:%M"))
}

/// Today in Paris: what "today" means to a person in Orne, whatever the server's zone.
pub fn paris_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Paris).date_naive()
}

/// The ISO week an instant falls in, in Paris (`2026-W49`).
pub fn paris_iso_week(now: DateTime<Utc>) -> String {
    let w = chrono::Datelike::iso_week(&paris_today(now));
    format!("{}-W{:02}", w.year(), w.week())
}

/// "03/12/2026", the day in Paris of an instant.
pub fn paris_day(t: impl Borrow<DateTime<Utc>>) -> String {
    t.borrow()
        .with_timezone(&Paris)
        .format("%d/%m/%Y")
        .to_string()
}

/// "03/12/2026 09:00:05", Paris time, for the audit log.
pub fn paris_seconds(t: impl Borrow<DateTime<Utc>>) -> String {
    t.borrow()
        .with_timezone(&Paris)
        .format("%d/%m/%Y %H:%M:%S")
        .to_string()
}

/// "03/12/2026 09:00", Paris time.
/// Takes the instant by value or by reference, so templates call it on a field as it is.
pub fn paris(t: impl Borrow<DateTime<Utc>>) -> String {
    t.borrow()
        .with_timezone(&Paris)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// The Monday of `at`'s week, in Paris: how reach is counted.
pub fn monday_of(at: DateTime<Utc>) -> chrono::NaiveDate {
    let day = at.with_timezone(&Paris).date_naive();
    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// "jeudi 3 décembre à 09:00", or what to say when the territory sets no publication day.
pub fn next_edition(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "jour de publication non réglé".into(), french_date)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    #[test]
    fn dates_read_in_french() {
        let at: DateTime<Utc> = "2026-12-03T08:00:00Z".parse().unwrap();
        assert_eq!(super::french_date(at), "jeudi 3 décembre à 09:00");
        assert_eq!(super::next_edition(None), "jour de publication non réglé");
        // The first of the month is "1er", Paris time (23:30 UTC on 30 November is 1 December).
        let first: DateTime<Utc> = "2026-11-30T23:30:00Z".parse().unwrap();
        assert_eq!(super::french_date(first), "mardi 1er décembre à 00:30");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(super::french_day(day), "mardi 1er décembre");
        assert_eq!(
            super::french_day(day.succ_opt().unwrap()),
            "mercredi 2 décembre"
        );
        // Thursday 3 December 2026, and a Sunday night in Paris that is Monday already.
        assert_eq!(super::monday_of(at).to_string(), "2026-11-30");
        let sunday: DateTime<Utc> = "2026-12-06T23:30:00Z".parse().unwrap();
        assert_eq!(super::monday_of(sunday).to_string(), "2026-12-07");
        // 20:33 UTC on a winter evening is 21:33 in Paris; 23:30 UTC is already the next day.
        let evening: DateTime<Utc> = "2026-12-01T20:33:00Z".parse().unwrap();
        assert_eq!(super::paris(evening), "01/12/2026 21:33");
        assert_eq!(super::paris(&evening), "01/12/2026 21:33");
        assert_eq!(super::paris_day(sunday), "07/12/2026");
        assert_eq!(super::paris_today(sunday).to_string(), "2026-12-07");
        assert_eq!(super::paris_seconds(evening), "01/12/2026 21:33:00");
        assert_eq!(
            super::french_day(super::paris_today(at)),
            "jeudi 3 décembre"
        );
    }
}
