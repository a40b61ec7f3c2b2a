//! Every commune of the demo territory, written the ways people type it, must land on itself:
//! as the only result, or first in the choice offered.

use std::sync::LazyLock;

use tremplin_referentiels::{Commune, CommuneMatch, Communes, Focus, fold};

static COMMUNES: LazyLock<Communes> = LazyLock::new(|| Communes::embedded().unwrap());

/// The demo territory's EPCIs, read from its definition file.
fn territory() -> Focus {
    #[derive(serde::Deserialize)]
    struct Territoire {
        epcis: Vec<String>,
    }
    let t: Territoire =
        toml::from_str(include_str!("../../tremplin/demo/territoire.toml")).unwrap();
    assert!(t.epcis.len() >= 3, "{:?}", t.epcis);
    let mut departements: Vec<String> = COMMUNES
        .in_epcis(&t.epcis)
        .map(|c| c.departement.clone())
        .collect();
    departements.sort();
    departements.dedup();
    Focus {
        epcis: t.epcis,
        departements,
    }
}

/// The commune found first, and whether it was the only one.
fn first<'a>(m: &CommuneMatch<'a>) -> Option<(&'a Commune, bool)> {
    match m {
        CommuneMatch::One(c) => Some((c, true)),
        CommuneMatch::Several(v) => v.first().map(|c| (*c, false)),
        CommuneMatch::None => None,
    }
}

fn no_accents(s: &str) -> String {
    s.chars()
        .map(|c| match fold(&c.to_string()).as_str() {
            "" => c,
            f if f.chars().count() == 1 => {
                let l = f.chars().next().unwrap();
                if c.is_uppercase() {
                    l.to_ascii_uppercase()
                } else {
                    l
                }
            }
            _ => c,
        })
        .collect()
}

/// "Saint-Langis-lès-Mortagne" → "St Langis lès Mortagne"
fn with_st(s: &str) -> String {
    s.replace("Sainte-", "Ste ")
        .replace("Saint-", "St ")
        .replace("-Sainte-", " Ste ")
        .replace("-Saint-", " St ")
}

/// A typo a person makes: two letters swapped, after the first three.
fn typo(s: &str) -> Option<String> {
    let mut chars: Vec<char> = s.to_lowercase().chars().collect();
    let i = (3..chars.len().saturating_sub(1)).find(|&i| {
        chars[i].is_alphabetic() && chars[i + 1].is_alphabetic() && chars[i] != chars[i + 1]
    })?;
    chars.swap(i, i + 1);
    Some(chars.into_iter().collect())
}

fn variants(c: &Commune) -> Vec<(String, &'static str)> {
    let n = &c.name;
    let mut v = vec![
        (n.to_lowercase(), "en minuscules"),
        (n.to_uppercase(), "en majuscules"),
        (no_accents(n), "sans accents"),
        (no_accents(&n.to_lowercase()), "minuscules sans accents"),
        (with_st(n), "St/Ste"),
        (n.replace(['-', '\''], " "), "sans tirets ni apostrophes"),
        (
            n.replace(['-', ' '], " ").replace('\'', ""),
            "apostrophe collée",
        ),
        (
            format!("{} {}", no_accents(n), c.departement),
            "suivi du département",
        ),
    ];
    if let Some(t) = typo(n).filter(|_| fold(n).len() >= 6) {
        v.push((t, "une faute de frappe"));
    }
    v
}

#[test]
fn every_commune_of_the_territory_typed_the_usual_ways_lands_on_itself() {
    let focus = territory();
    let communes: Vec<&Commune> = COMMUNES.in_epcis(&focus.epcis).collect();
    assert!(communes.len() > 100, "{}", communes.len());
    let mut failures = Vec::new();
    let mut tried = 0;
    for c in &communes {
        for (typed, how) in variants(c) {
            tried += 1;
            let found = first(&COMMUNES.resolve_in(&typed, &focus));
            if found.is_none_or(|(f, _)| f.code != c.code) {
                failures.push(format!(
                    "« {typed} » ({how}) → {:?} au lieu de {}",
                    found.map(|(f, _)| f.label()),
                    c.label()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} sur {tried} :\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_old_name_in_the_territory_finds_the_new_commune() {
    let focus = territory();
    let mut tried = 0;
    let mut failures = Vec::new();
    for c in COMMUNES.in_epcis(&focus.epcis) {
        for old in &c.old_names {
            for typed in [old.clone(), no_accents(&old.to_lowercase())] {
                tried += 1;
                let found = first(&COMMUNES.resolve_in(&typed, &focus));
                if found.is_none_or(|(f, _)| f.code != c.code) {
                    failures.push(format!(
                        "« {typed} » → {:?} au lieu de {}",
                        found.map(|(f, _)| f.label()),
                        c.label()
                    ));
                }
                // Found under its old name, unless the new one holds it ("Perche en Nocé").
                if found.is_some_and(|(f, _)| f.code == c.code)
                    && !fold(&c.name).contains(&fold(old))
                {
                    assert_eq!(COMMUNES.known_as(c, &typed), Some(old.as_str()), "{typed}");
                }
            }
        }
    }
    assert!(tried > 80, "{tried} anciens noms");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_issues_examples() {
    let focus = territory();
    let r = |q: &str| COMMUNES.resolve_in(q, &focus);
    let code = |c: &Commune| c.code.as_str().to_owned();

    // "Mortagne": a choice, Mortagne-au-Perche first, Mortagne (88) among the others.
    let CommuneMatch::Several(list) = r("Mortagne") else {
        panic!("Mortagne: {:?}", r("Mortagne"))
    };
    assert_eq!(code(list[0]), "61293");
    assert!(
        list.iter()
            .any(|c| c.name == "Mortagne" && c.departement == "88")
    );

    for (typed, want) in [
        ("Mortagne 61", "61293"),
        ("mortagne (61)", "61293"),
        ("Mortagne-au-Perche", "61293"),
        ("MORTAGNE AU PERCHE", "61293"),
        ("mortagne au perhce", "61293"),
        ("St Langis", "61414"),
        ("Ste Gauburge", "61389"),
        ("Le Merlerault", "61275"),
        ("La Ferté-Frênel", "61167"),
        ("la ferte frenel", "61167"),
        ("Laigle", "61214"),
        ("L'Aigle (61300)", "61214"),
    ] {
        assert!(
            matches!(r(typed), CommuneMatch::One(c) if code(c) == want),
            "« {typed} » → {:?}",
            first(&r(typed)).map(|(c, _)| c.label())
        );
    }
    // L'Aigle's postcode serves nine communes: a choice, L'Aigle (the largest) first.
    assert!(
        matches!(r("61300"), CommuneMatch::Several(v) if code(v[0]) == "61214" && v.len() == 9)
    );
    // A typo: L'Aigle first in the choice.
    assert_eq!(
        first(&r("laigel")).map(|(c, _)| code(c)).as_deref(),
        Some("61214")
    );
    // A postcode several communes share: a choice, never one of them silently.
    let CommuneMatch::Several(list) = r("61400") else {
        panic!("61400")
    };
    assert!(list.iter().any(|c| code(c) == "61293"));
    assert!(
        list.iter()
            .all(|c| c.postcodes.iter().any(|p| p == "61400"))
    );
    // Without a territory, an exact name still wins and "Mortagne" is Mortagne (88).
    assert!(
        matches!(COMMUNES.resolve_in("Mortagne", &Focus::default()), CommuneMatch::One(c) if c.departement == "88")
    );
    assert!(matches!(r("Zzzzville"), CommuneMatch::None));
    assert_eq!(COMMUNES.get("61293").unwrap().place(), "Orne (61)");
}

#[test]
fn suggestions_show_the_territory_first_then_the_largest() {
    let focus = territory();
    let hits = COMMUNES.search_in("mort", 8, &focus);
    assert_eq!(hits[0].code.as_str(), "61293", "{hits:?}");
    let hits = COMMUNES.search_in("sai", 10, &focus);
    assert!(hits.iter().all(|c| focus.rank(c) == 0), "{hits:?}");
    let pops: Vec<u32> = hits.iter().map(|c| c.population).collect();
    assert!(pops.windows(2).all(|w| w[0] >= w[1]), "{pops:?}");
    let hits = COMMUNES.search_in("lyon", 3, &focus);
    assert_eq!(hits[0].name, "Lyon");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Whatever a person types, an answer and no panic; a single commune is one that exists.
    #[test]
    fn anything_typed_gets_an_answer(typed in "\\PC{0,60}") {
        let focus = Focus::departements(&["61".to_owned()]);
        if let CommuneMatch::One(c) = COMMUNES.resolve_in(&typed, &focus) {
            proptest::prop_assert!(COMMUNES.get(c.code.as_str()).is_some());
        }
        let _ = COMMUNES.search_in(&typed, 10, &focus);
        if let Some(c) = COMMUNES.get("61293") {
            let _ = COMMUNES.known_as(c, &typed);
        }
    }

    /// Names with saints, hyphens and digits glued on, the way a phone keyboard mangles them.
    #[test]
    fn mangled_names_get_an_answer(typed in "(St|Ste|saint|L'|la )?[a-zA-Zéèêâ' -]{0,30}( [0-9]{1,5}| \\([0-9]{2,5}\\))?") {
        let _ = COMMUNES.resolve_in(&typed, &Focus::default());
    }
}
