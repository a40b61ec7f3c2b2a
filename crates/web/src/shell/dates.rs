//! Dates as French readers write them, in Paris time.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Europe::Paris;

pub fn french_date(at: DateTime<Utc>) -> String {
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
    let l = at.with_timezone(&Paris);
    format!(
        "{} {} {} à {}",
        DAYS[l.weekday().num_days_from_monday() as usize],
        l.day(),
        MONTHS[l.month0() as usize],
        l.format("%H:%M")
    )
}

/// "03/12/2026 09:00", Paris time.
pub fn paris(t: DateTime<Utc>) -> String {
    t.with_timezone(&Paris).format("%d/%m/%Y %H:%M").to_string()
}
