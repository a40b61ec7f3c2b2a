//! What both mappers need: reading JSON without trusting its shape, finding the commune.

use serde_json::Value;
use tremplin_domain::geo::haversine_km;
use tremplin_referentiels::{Communes, fold};

use crate::Columns;

/// The text at `path` ("lieuTravail.commune"), numbers written out; "" when absent or of
/// another shape.
pub fn text(v: &Value, path: &str) -> String {
    match at(v, path) {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

pub fn at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |v, key| v.get(key))
}

pub fn number(v: &Value, path: &str) -> Option<f64> {
    match at(v, path)? {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
        Value::String(s) => s
            .trim()
            .replace(',', ".")
            .parse()
            .ok()
            .filter(|f: &f64| f.is_finite()),
        _ => None,
    }
}

pub fn boolean(v: &Value, path: &str) -> bool {
    matches!(at(v, path), Some(Value::Bool(true)))
}

pub fn array<'v>(v: &'v Value, path: &str) -> &'v [Value] {
    match at(v, path) {
        Some(Value::Array(a)) => a,
        _ => &[],
    }
}

/// The INSEE code of the commune an offer names: its code if we know it, else the one commune
/// with this postcode and name, else the commune nearest to its coordinates (within 5 km).
/// None rather than a guess.
pub fn commune(
    communes: &Communes,
    insee: &str,
    postcode: &str,
    name: &str,
    point: Option<(f64, f64)>,
) -> Option<String> {
    if !insee.is_empty() && communes.get(insee).is_some() {
        return Some(insee.trim().to_ascii_uppercase());
    }
    let name = fold(clean_place_name(name));
    if postcode.len() == 5 && !name.is_empty() {
        let found: Vec<_> = communes
            .with_postcode(postcode)
            .filter(|c| fold(&c.name) == name)
            .collect();
        if let [one] = found.as_slice() {
            return Some(one.code.as_str().to_owned());
        }
    }
    let (lat, lon) = point?;
    if !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)) {
        return None;
    }
    communes
        .nearest(lat, lon)
        .filter(|c| !c.approximate && haversine_km(lat, lon, c.lat, c.lon) <= 5.0)
        .map(|c| c.code.as_str().to_owned())
}

/// Sets where the offer is: its commune (see `commune`) and, where our commune centre is only
/// an estimate, the source's point. False when the commune cannot be found.
pub fn set_place(
    columns: &mut Columns,
    communes: &Communes,
    insee: &str,
    postcode: &str,
    name: &str,
    point: Option<(f64, f64)>,
) -> bool {
    let Some(code) = commune(communes, insee, postcode, name, point) else {
        return false;
    };
    if let Some((lat, lon)) = own_point(communes, &code, point) {
        columns.set("latitude", lat.to_string());
        columns.set("longitude", lon.to_string());
    }
    columns.set("commune_code", code);
    true
}

/// The source's point, kept only where our commune centre is an estimate (and the point is
/// within 30 km of it): the map and the distances are then the workplace's.
fn own_point(communes: &Communes, code: &str, point: Option<(f64, f64)>) -> Option<(f64, f64)> {
    let (lat, lon) = point?;
    let c = communes.get(code)?;
    (c.approximate
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
        && haversine_km(lat, lon, c.lat, c.lon) <= 30.0)
        .then_some((lat, lon))
}

/// "61 - L'AIGLE" → "L'AIGLE"; "L'Aigle (61)" → "L'Aigle".
fn clean_place_name(name: &str) -> &str {
    let name = name.split_once(" - ").map_or(name, |(_, n)| n);
    name.split_once(" (").map_or(name, |(n, _)| n).trim()
}

/// A postcode and a commune name in a free address: "12 rue X 61300 L'Aigle".
pub fn postcode_and_name(address: &str) -> Option<(String, String)> {
    let words: Vec<&str> = address
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .collect();
    let i = words
        .iter()
        .rposition(|w| w.len() == 5 && w.bytes().all(|b| b.is_ascii_digit()))?;
    let name = words[i + 1..].join(" ");
    (!name.is_empty()).then(|| (words[i].to_owned(), name))
}

/// A page of text from HTML or plain text: tags dropped, whitespace tidied.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Titles are 3 to 150 characters: a longer one is cut at a word.
pub fn title(t: &str) -> String {
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() <= 150 {
        return t;
    }
    let mut cut: String = t.chars().take(149).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_place_names() {
        assert_eq!(
            postcode_and_name("12 rue des Emmurées, 61300 L'Aigle"),
            Some(("61300".into(), "L'Aigle".into()))
        );
        assert_eq!(postcode_and_name("Normandie"), None);
        assert_eq!(clean_place_name("61 - L'AIGLE"), "L'AIGLE");
        assert_eq!(plain("<p>Bonjour</p><ul><li>un</li></ul>"), "Bonjour un");
        let long = "mot ".repeat(60);
        let t = title(&long);
        assert!(t.chars().count() <= 150 && t.ends_with('…'));
    }
}
