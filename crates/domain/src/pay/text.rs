//! The simulator's words: amounts and dates the French way, and each change explained.

use chrono::{Datelike, Months, NaiveDate};

use super::PayInput;
use super::age_on;
use super::compute::{Change, MonthPay};

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

/// `1 823,03 €` (non-breaking spaces).
pub fn euros(x: f64) -> String {
    let cents = (x * 100.0).round() as i64;
    let (whole, frac) = (cents.abs() / 100, cents.abs() % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{grouped},{frac:02}\u{a0}€")
}

/// `27 %`, `21,01 %` from a percentage (27.0, 21.01).
pub fn percent(pct: f64) -> String {
    let cents = (pct * 100.0).round() as i64;
    if cents % 100 == 0 {
        format!("{}\u{a0}%", cents / 100)
    } else {
        let s = format!("{},{:02}", cents / 100, cents % 100);
        format!("{}\u{a0}%", s.trim_end_matches('0'))
    }
}

/// `juin 2027`.
pub fn month_year(d: NaiveDate) -> String {
    format!("{} {}", MONTHS[d.month0() as usize], d.year())
}

/// `1er mars 2025`, `10 mai 2027`.
pub fn long_date(d: NaiveDate) -> String {
    let day = if d.day() == 1 {
        "1er".to_owned()
    } else {
        d.day().to_string()
    };
    format!("{day} {} {}", MONTHS[d.month0() as usize], d.year())
}

fn ordinal(n: u32) -> String {
    if n == 1 {
        "1re".into()
    } else {
        format!("{n}e")
    }
}

fn base_word(m: &MonthPay) -> &'static str {
    if m.on_agreed_minimum {
        "du minimum conventionnel"
    } else {
        "du SMIC"
    }
}

fn capitalise(s: String) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

/// The start, then one sentence for each month whose pay changes, with its reasons.
pub fn changes(input: &PayInput, months: &[MonthPay]) -> Vec<Change> {
    let mut out = Vec::new();
    let Some(first) = months.first() else {
        return out;
    };
    out.push(Change {
        month: first.from,
        text: format!(
            "En {}, ton contrat commence : tu as {} ans, tu es en 1re année, ton salaire est de {} {}, soit {} brut par mois ({} net).",
            month_year(first.from),
            age_on(input.birth, input.start),
            percent(first.rate * 100.0),
            base_word(first),
            euros(first.gross),
            euros(first.net)
        ),
    });
    for pair in months.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.gross == b.gross && a.rate == b.rate && a.on_agreed_minimum == b.on_agreed_minimum {
            continue;
        }
        let mut reasons = Vec::new();
        if b.contract_year != a.contract_year {
            reasons.push(format!(
                "ta {} année de contrat commence",
                ordinal(b.contract_year)
            ));
        }
        if b.bracket != a.bracket {
            let birthday = input.birth + Months::new(b.age * 12);
            reasons.push(format!("tu as eu {} ans le {}", b.age, long_date(birthday)));
        }
        if b.smic != a.smic {
            reasons.push(format!(
                "le SMIC passe de {} à {} brut par mois",
                euros(a.smic),
                euros(b.smic)
            ));
        }
        if b.on_agreed_minimum && !a.on_agreed_minimum {
            reasons.push(format!(
                "ton salaire se calcule sur le minimum conventionnel ({}), plus élevé que le SMIC",
                euros(b.base)
            ));
        }
        let pay = if a.rate != b.rate || a.on_agreed_minimum != b.on_agreed_minimum {
            format!(
                "ton salaire passe de {} {} à {} {}, soit de {} à {} brut par mois",
                percent(a.rate * 100.0),
                base_word(a),
                percent(b.rate * 100.0),
                base_word(b),
                euros(a.gross),
                euros(b.gross)
            )
        } else {
            format!(
                "ton salaire passe de {} à {} brut par mois",
                euros(a.gross),
                euros(b.gross)
            )
        };
        let why = if reasons.is_empty() {
            String::new()
        } else {
            format!(", {}", reasons.join(" et "))
        };
        out.push(Change {
            month: b.from,
            text: capitalise(format!(
                "en {}{why} : {pay} ({} net).",
                month_year(b.from),
                euros(b.net)
            )),
        });
    }
    out
}
