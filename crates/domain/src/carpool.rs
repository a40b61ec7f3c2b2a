//! Car-pooling between young people: who may be suggested to whom. Two opted-in people pair
//! when they go to the same CFA (or to companies close to each other), over periods that
//! overlap, from home communes close to each other. Contact always goes through a counselor:
//! nothing here knows how to reach anyone.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::geo::haversine_km;
use crate::{Email, Invalid};

/// The distances in force (dated rows of the `carpool_rules` table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairingRules {
    /// Home communes at most this far apart (km, as the crow flies).
    pub home_km: f64,
    /// Without a CFA in common: companies at most this far apart (km).
    pub area_km: f64,
}

/// Where the young person goes on the weeks that count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Destination {
    /// A training centre (its id).
    Cfa(i64),
    /// A company's place (its commune's point).
    Area { lat: f64, lon: f64 },
}

/// One opt-in, as the pairing sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub optin_id: i64,
    /// Who this is, across their applications and their record (an e-mail, a phone, a record
    /// id): one person is never paired with themself.
    pub person: String,
    pub home: (f64, f64),
    pub destination: Destination,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub minor: bool,
    pub guardian_agreed: bool,
    pub withdrawn: bool,
}

impl Candidate {
    /// Opted in and not withdrawn; a minor only with their guardian's agreement recorded.
    pub fn eligible(&self) -> bool {
        !self.withdrawn && (!self.minor || self.guardian_agreed)
    }
}

/// A suggested pair: `a < b` (opt-in ids), whatever the order they were given in.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub a: i64,
    pub b: i64,
    /// Between the two home communes.
    pub home_km: f64,
    /// The weeks both are on their way: the overlap of their periods.
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The pair two candidates make under `rules`, if any.
pub fn pair(x: &Candidate, y: &Candidate, rules: PairingRules) -> Option<Pair> {
    if x.optin_id == y.optin_id || x.person == y.person || !x.eligible() || !y.eligible() {
        return None;
    }
    // Computed in one order whatever the order given: the same floats both ways.
    let (x, y) = if x.optin_id < y.optin_id {
        (x, y)
    } else {
        (y, x)
    };
    let same_place = match (x.destination, y.destination) {
        (Destination::Cfa(a), Destination::Cfa(b)) => a == b,
        (Destination::Area { lat, lon }, Destination::Area { lat: l2, lon: o2 }) => {
            haversine_km(lat, lon, l2, o2) <= rules.area_km
        }
        _ => false,
    };
    let from = x.starts_on.max(y.starts_on);
    let to = x.ends_on.min(y.ends_on);
    let home_km = haversine_km(x.home.0, x.home.1, y.home.0, y.home.1);
    if !same_place || from > to || home_km > rules.home_km {
        return None;
    }
    Some(Pair {
        a: x.optin_id,
        b: y.optin_id,
        home_km,
        from,
        to,
    })
}

/// Every pair to suggest, nearest homes first: once per two people (their closest opt-ins),
/// none already settled by a counselor (put in touch or set aside, `(a, b)` with `a < b`).
pub fn suggestions(
    candidates: &[Candidate],
    rules: PairingRules,
    settled: &HashSet<(i64, i64)>,
) -> Vec<Pair> {
    let person: HashMap<i64, &str> = candidates
        .iter()
        .map(|c| (c.optin_id, c.person.as_str()))
        .collect();
    let mut settled_people = HashSet::new();
    for (a, b) in settled {
        if let (Some(p), Some(q)) = (person.get(a), person.get(b)) {
            settled_people.insert(if p < q { (*p, *q) } else { (*q, *p) });
        }
    }
    let mut best: HashMap<(&str, &str), Pair> = HashMap::new();
    for (i, x) in candidates.iter().enumerate() {
        for y in &candidates[i + 1..] {
            let Some(p) = pair(x, y, rules) else { continue };
            let key = if x.person < y.person {
                (x.person.as_str(), y.person.as_str())
            } else {
                (y.person.as_str(), x.person.as_str())
            };
            if settled_people.contains(&key) {
                continue;
            }
            match best.get(&key) {
                Some(kept) if kept.home_km <= p.home_km => {}
                _ => {
                    best.insert(key, p);
                }
            }
        }
    }
    let mut out: Vec<Pair> = best.into_values().collect();
    out.sort_by(|p, q| {
        p.home_km
            .total_cmp(&q.home_km)
            .then(p.a.cmp(&q.a))
            .then(p.b.cmp(&q.b))
    });
    out
}

/// The guardian's agreement a minor's opt-in needs: their e-mail (the counselor writes to
/// them, not to the minor) and the box ticked. An adult needs neither.
pub fn guardian_agreement(
    minor: bool,
    guardian_email: &str,
    agreed: bool,
) -> Result<Option<Email>, Invalid> {
    if !minor {
        return Ok(None);
    }
    let typed = guardian_email.trim();
    if typed.is_empty() || !agreed {
        return Err(Invalid::new(
            "covoiturage_parent",
            "Pour le covoiturage, comme tu as moins de 18 ans, indique l'e-mail de ton parent (ou responsable légal) et coche la case qui dit qu'il ou elle est d'accord.",
        ));
    }
    Email::parse(typed)
        .map(Some)
        .map_err(|e| Invalid::new("covoiturage_parent", e.message))
}

/// A period a counselor types: it ends after it starts, and lasts at most four years.
pub fn period(starts_on: NaiveDate, ends_on: NaiveDate) -> Result<(), Invalid> {
    if ends_on < starts_on || (ends_on - starts_on).num_days() > 4 * 366 {
        return Err(Invalid::new(
            "fin",
            "La période doit finir après son début, et durer quatre ans au plus.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RULES: PairingRules = PairingRules {
        home_km: 15.0,
        area_km: 10.0,
    };
    // L'Aigle, Rai (≈ 3.6 km) and Mortagne-au-Perche (≈ 27 km from L'Aigle).
    const LAIGLE: (f64, f64) = (48.7622, 0.6275);
    const RAI: (f64, f64) = (48.75057, 0.58167);
    const MORTAGNE: (f64, f64) = (48.52018, 0.54734);

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cand(id: i64, home: (f64, f64), cfa: i64) -> Candidate {
        Candidate {
            optin_id: id,
            person: format!("p{id}"),
            home,
            destination: Destination::Cfa(cfa),
            starts_on: d(2026, 9, 1),
            ends_on: d(2028, 8, 31),
            minor: false,
            guardian_agreed: false,
            withdrawn: false,
        }
    }

    #[test]
    fn laigle_and_rai_to_the_same_cfa_pair_over_their_common_weeks() {
        let x = cand(2, LAIGLE, 1);
        let mut y = cand(1, RAI, 1);
        y.starts_on = d(2027, 1, 4);
        let p = pair(&x, &y, RULES).unwrap();
        assert_eq!((p.a, p.b), (1, 2));
        assert_eq!((p.from, p.to), (d(2027, 1, 4), d(2028, 8, 31)));
        assert!((p.home_km - 3.6).abs() < 0.5, "{}", p.home_km);
    }

    #[test]
    fn another_cfa_far_homes_or_separate_periods_do_not_pair() {
        let x = cand(1, LAIGLE, 1);
        assert_eq!(pair(&x, &cand(2, RAI, 2), RULES), None);
        assert_eq!(pair(&x, &cand(2, MORTAGNE, 1), RULES), None);
        let mut later = cand(2, RAI, 1);
        later.starts_on = d(2028, 9, 1);
        later.ends_on = d(2029, 8, 31);
        assert_eq!(pair(&x, &later, RULES), None);
        // A CFA and a company area are not the same place.
        let mut company = cand(2, RAI, 1);
        company.destination = Destination::Area {
            lat: 48.43,
            lon: 0.09,
        };
        assert_eq!(pair(&x, &company, RULES), None);
    }

    #[test]
    fn companies_pair_within_the_area_distance() {
        let mut x = cand(1, LAIGLE, 0);
        let mut y = cand(2, RAI, 0);
        x.destination = Destination::Area {
            lat: LAIGLE.0,
            lon: LAIGLE.1,
        };
        y.destination = Destination::Area {
            lat: RAI.0,
            lon: RAI.1,
        };
        assert!(pair(&x, &y, RULES).is_some());
        y.destination = Destination::Area {
            lat: MORTAGNE.0,
            lon: MORTAGNE.1,
        };
        assert_eq!(pair(&x, &y, RULES), None);
    }

    #[test]
    fn a_minor_pairs_only_with_the_guardian_agreement() {
        let x = cand(1, LAIGLE, 1);
        let mut minor = cand(2, RAI, 1);
        minor.minor = true;
        assert_eq!(pair(&x, &minor, RULES), None);
        minor.guardian_agreed = true;
        assert!(pair(&x, &minor, RULES).is_some());
    }

    #[test]
    fn the_same_person_twice_and_withdrawn_people_are_never_suggested() {
        let x = cand(1, LAIGLE, 1);
        let mut again = cand(2, RAI, 1);
        again.person = x.person.clone();
        assert_eq!(pair(&x, &again, RULES), None);
        let mut gone = cand(3, RAI, 1);
        gone.withdrawn = true;
        assert!(suggestions(&[x, again, gone], RULES, &HashSet::new()).is_empty());
    }

    #[test]
    fn two_people_with_two_opt_ins_each_make_one_suggestion_until_settled() {
        let mut a2 = cand(3, LAIGLE, 1);
        a2.person = "p1".into();
        let mut b2 = cand(4, RAI, 1);
        b2.person = "p2".into();
        let all = [cand(1, LAIGLE, 1), cand(2, RAI, 1), a2, b2];
        let s = suggestions(&all, RULES, &HashSet::new());
        assert_eq!(s.len(), 1);
        assert!(suggestions(&all, RULES, &HashSet::from([(s[0].a, s[0].b)])).is_empty());
    }

    #[test]
    fn a_minor_without_guardian_is_refused_in_french() {
        let e = guardian_agreement(true, "", true).unwrap_err();
        assert!(e.message.contains("moins de 18 ans"));
        assert!(guardian_agreement(true, "parent@exemple.fr", false).is_err());
        assert!(guardian_agreement(true, "pas-un-email", true).is_err());
        assert!(
            guardian_agreement(true, "parent@exemple.fr", true)
                .unwrap()
                .is_some()
        );
        assert_eq!(guardian_agreement(false, "", false), Ok(None));
    }

    #[test]
    fn periods_end_after_they_start() {
        assert!(period(d(2026, 9, 1), d(2028, 8, 31)).is_ok());
        assert!(period(d(2026, 9, 1), d(2026, 8, 31)).is_err());
        assert!(period(d(2026, 9, 1), d(2031, 9, 1)).is_err());
    }

    fn arb_candidate() -> impl Strategy<Value = Candidate> {
        (
            0i64..12,
            0usize..6,
            (48.4f64..48.9, 0.3f64..0.8),
            0i64..3,
            0i64..800,
            0i64..800,
            any::<(bool, bool, bool)>(),
        )
            .prop_map(|(id, person, home, cfa, start, len, (m, g, w))| {
                let starts_on = d(2026, 1, 1) + chrono::Duration::days(start);
                Candidate {
                    optin_id: id,
                    person: format!("p{person}"),
                    home,
                    destination: Destination::Cfa(cfa),
                    starts_on,
                    ends_on: starts_on + chrono::Duration::days(len),
                    minor: m,
                    guardian_agreed: g,
                    withdrawn: w,
                }
            })
    }

    proptest! {
        #[test]
        fn pairing_is_symmetric_and_ordered(x in arb_candidate(), y in arb_candidate()) {
            let p = pair(&x, &y, RULES);
            prop_assert_eq!(p.clone(), pair(&y, &x, RULES));
            if let Some(p) = p {
                prop_assert!(p.a < p.b);
                prop_assert!(x.person != y.person);
                prop_assert!(x.eligible() && y.eligible());
                prop_assert!(p.from <= p.to && p.home_km <= RULES.home_km);
            }
        }

        #[test]
        fn suggestions_name_each_two_people_once(
            mut all in proptest::collection::vec(arb_candidate(), 0..10)
        ) {
            all.sort_by_key(|c| c.optin_id);
            all.dedup_by_key(|c| c.optin_id);
            let s = suggestions(&all, RULES, &HashSet::new());
            let person = |id: i64| all.iter().find(|c| c.optin_id == id).unwrap();
            let mut seen = HashSet::new();
            for p in &s {
                let (x, y) = (person(p.a), person(p.b));
                prop_assert!(x.eligible() && y.eligible() && x.person != y.person);
                let key = if x.person < y.person { (&x.person, &y.person) } else { (&y.person, &x.person) };
                prop_assert!(seen.insert(key));
            }
        }
    }
}
