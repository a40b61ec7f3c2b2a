//! Worked examples computed by hand from the figures of the shared rules document (the
//! figures reach the tests through the committed rules file, as they reach the product), and
//! properties of the rules over random contracts.

use chrono::{Datelike, Months, NaiveDate};
use proptest::prelude::*;

use super::*;
use crate::{ContractType, NiveauDiplome};

const FILE: &str = include_str!("../../../referentiels/data/regles.csv");

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Every rule of the file.
fn all_rules() -> RuleSet {
    RuleSet::new(parse_csv(FILE).unwrap())
}

/// The file without the SMIC announced for June 2026 (« à vérifier »): the SMIC stays at
/// 1 823,03 € from January 2026.
fn confirmed_smic() -> RuleSet {
    RuleSet::new(
        parse_csv(FILE)
            .unwrap()
            .into_iter()
            .filter(|r| !(r.category == Category::Smic && r.to_verify))
            .collect(),
    )
}

fn apprentice(birth: &str, start: &str, months: u32) -> PayInput {
    PayInput::new(
        d(birth),
        d(start),
        months,
        ContractType::Apprentissage,
        Sector::Prive,
        None,
        None,
    )
    .unwrap()
}

fn gross_net(s: &Simulation) -> Vec<(String, f64, f64, f64)> {
    s.months
        .iter()
        .map(|m| (m.month(), m.rate, m.gross, m.net))
        .collect()
}

#[test]
fn the_rules_file_reads_with_its_sources_and_verify_flags() {
    let rules = parse_csv(FILE).unwrap();
    assert_eq!(rules.len(), 70);
    assert_eq!(rules.iter().filter(|r| r.to_verify).count(), 14);
    assert!(rules.iter().all(|r| r.source.starts_with("https://")));
    let set = RuleSet::new(rules);
    assert_eq!(
        set.at(Category::Smic, "mensuel", d("2025-12-31"))
            .unwrap()
            .value,
        "1801.80"
    );
    assert_eq!(
        set.at(Category::Smic, "mensuel", d("2026-01-01"))
            .unwrap()
            .value,
        "1823.03"
    );
    assert!(
        set.at(Category::Smic, "mensuel", d("2026-06-01"))
            .unwrap()
            .to_verify
    );
    assert!(set.at(Category::Smic, "mensuel", d("2024-10-31")).is_none());
    assert!(
        parse_csv("h\nsmic,horaire,2026-01-01,douze,€/h,SMIC,,https://x.example,non\n").is_err()
    );
    assert!(parse_csv("h\nsmic,horaire,2026-13-01,12,€/h,SMIC,,https://x.example,non\n").is_err());
    assert!(parse_csv("h\nsmic,horaire,2026-01-01,12,€/h,SMIC,,pas une adresse,non\n").is_err());
}

#[test]
fn born_2009_05_10_starting_2026_09_01_for_24_months_27_then_43_from_june_2027_then_51_in_year_2() {
    let s = simulate(
        &apprentice("2009-05-10", "2026-09-01", 24),
        &confirmed_smic(),
    )
    .unwrap();
    let rows = gross_net(&s);
    assert_eq!(rows.len(), 24);
    // 27 % × 1 823,03 = 492,22 until May 2027 (18 on 10 May: the bracket moves on 1 June).
    for r in &rows[..9] {
        assert_eq!((r.1, r.2, r.3), (0.27, 492.22, 492.22), "{r:?}");
    }
    assert_eq!(rows[8].0, "2027-05");
    // 43 % × 1 823,03 = 783,90, under 50 % of the SMIC (911,515): nothing withheld.
    for r in &rows[9..12] {
        assert_eq!((r.1, r.2, r.3), (0.43, 783.90, 783.90), "{r:?}");
    }
    assert_eq!(rows[9].0, "2027-06");
    // 2nd year from September 2027: 51 % × 1 823,03 = 929,75; 21,01 % of (929,75 − 911,515)
    // = 3,83 withheld: 925,92 net.
    for r in &rows[12..] {
        assert_eq!((r.1, r.2, r.3), (0.51, 929.75, 925.92), "{r:?}");
    }
    assert_eq!(s.years.len(), 2);
    assert_eq!(s.years[0].gross_total, 6781.68); // 9 × 492,22 + 3 × 783,90
    assert_eq!(s.years[0].rates, vec![0.27, 0.43]);
    assert_eq!(s.years[1].gross_total, 11157.00); // 12 × 929,75
    assert_eq!(s.years[1].net_total, 11111.04); // 12 × 925,92
    let texts: Vec<&str> = s.changes.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(
        texts[0].starts_with("En septembre 2026, ton contrat commence : tu as 17 ans"),
        "{}",
        texts[0]
    );
    assert_eq!(
        texts[1],
        "En juin 2027, tu as eu 18 ans le 10 mai 2027 : ton salaire passe de 27\u{a0}% du SMIC à 43\u{a0}% du SMIC, soit de 492,22\u{a0}€ à 783,90\u{a0}€ brut par mois (783,90\u{a0}€ net)."
    );
    assert!(texts[2].starts_with("En septembre 2027, ta 2e année de contrat commence : ton salaire passe de 43\u{a0}% du SMIC à 51\u{a0}% du SMIC"), "{}", texts[2]);
    // The rules read, each once, with their sources.
    assert!(
        s.used
            .iter()
            .any(|r| r.key == "annee2_18-20" && r.source.starts_with("https://"))
    );
    assert_eq!(
        s.used
            .iter()
            .filter(|r| r.category == Category::Smic)
            .count(),
        1
    );
}

#[test]
fn the_smic_of_june_2026_applies_from_june_2026_27_percent_of_1867_02_is_504_10() {
    let s = simulate(&apprentice("2009-05-10", "2026-01-01", 12), &all_rules()).unwrap();
    let rows = gross_net(&s);
    assert_eq!(rows[4], ("2026-05".into(), 0.27, 492.22, 492.22));
    assert_eq!(rows[5], ("2026-06".into(), 0.27, 504.10, 504.10));
    assert!(
        s.changes[1]
            .text
            .contains("le SMIC passe de 1\u{a0}823,03\u{a0}€ à 1\u{a0}867,02\u{a0}€"),
        "{}",
        s.changes[1].text
    );
    assert!(
        s.used
            .iter()
            .any(|r| r.category == Category::Smic && r.to_verify)
    );
}

#[test]
fn net_of_a_contract_started_before_march_2025_equals_gross_below_79_percent() {
    // Born 2003-03-15, 21 at the start: 53 % × 1 801,80 = 954,95, under 79 % of the SMIC.
    let before = simulate(
        &apprentice("2003-03-15", "2025-01-01", 24),
        &confirmed_smic(),
    )
    .unwrap();
    assert_eq!(
        (before.months[0].gross, before.months[0].net),
        (954.95, 954.95)
    );
    // January 2026, 2nd year: 61 % × 1 823,03 = 1 112,05, still under 79 % (1 440,19).
    assert_eq!(
        (before.months[12].gross, before.months[12].net),
        (1112.05, 1112.05)
    );
    assert!(before.net_rule.contains("79"), "{}", before.net_rule);
}

#[test]
fn net_of_a_contract_started_from_march_2025_loses_21_01_percent_above_half_the_smic() {
    // 954,95 − 21,01 % × (954,95 − 900,90) = 954,95 − 11,36 = 943,59.
    let after = simulate(
        &apprentice("2003-03-15", "2025-03-01", 12),
        &confirmed_smic(),
    )
    .unwrap();
    assert_eq!(
        (after.months[0].gross, after.months[0].net),
        (954.95, 943.59)
    );
    // From January 2026: 53 % × 1 823,03 = 966,21; 21,01 % × (966,21 − 911,515) = 11,49.
    assert_eq!(after.months[10].month(), "2026-01");
    assert_eq!(
        (after.months[10].gross, after.months[10].net),
        (966.21, 954.72)
    );
    assert!(after.net_rule.contains("50"), "{}", after.net_rule);
}

#[test]
fn in_the_public_sector_net_equals_gross() {
    let input = PayInput::new(
        d("2003-03-15"),
        d("2025-03-01"),
        12,
        ContractType::Apprentissage,
        Sector::Public,
        None,
        None,
    )
    .unwrap();
    let s = simulate(&input, &confirmed_smic()).unwrap();
    assert!(s.months.iter().all(|m| m.net == m.gross));
    assert_eq!(s.months[0].gross, 954.95);
}

#[test]
fn professionalisation_at_21_with_the_bac_80_percent_1458_42_less_20_84_percent_is_1154_49() {
    let input = PayInput::new(
        d("2005-01-20"),
        d("2026-02-01"),
        12,
        ContractType::Professionnalisation,
        Sector::Prive,
        Some(NiveauDiplome::new(4).unwrap()),
        None,
    )
    .unwrap();
    let s = simulate(&input, &confirmed_smic()).unwrap();
    assert_eq!(
        (s.months[0].rate, s.months[0].gross, s.months[0].net),
        (0.80, 1458.42, 1154.49)
    );
    let cap = PayInput {
        level: Some(NiveauDiplome::new(3).unwrap()),
        ..input
    };
    let s = simulate(&cap, &confirmed_smic()).unwrap();
    assert_eq!((s.months[0].rate, s.months[0].gross), (0.70, 1276.12)); // 70 % × 1 823,03
}

#[test]
fn the_agreed_minimum_applies_from_21_only_1900_euros_gives_1007_at_53_percent() {
    let input = |birth| {
        PayInput::new(
            d(birth),
            d("2026-01-01"),
            12,
            ContractType::Apprentissage,
            Sector::Prive,
            None,
            Some(1900.0),
        )
        .unwrap()
    };
    let s = simulate(&input("2004-06-15"), &confirmed_smic()).unwrap();
    // 53 % × 1 900 = 1 007,00; 21,01 % × (1 007 − 911,515) = 20,06.
    assert_eq!((s.months[0].gross, s.months[0].net), (1007.00, 986.94));
    assert!(s.months[0].on_agreed_minimum);
    // At 20 the SMIC counts (43 % × 1 823,03); 21 on 15 June 2026: the minimum from July.
    let s = simulate(&input("2005-06-15"), &confirmed_smic()).unwrap();
    assert_eq!(s.months[5].gross, 783.90);
    assert_eq!(
        (s.months[6].month(), s.months[6].gross),
        ("2026-07".into(), 1007.00)
    );
    assert!(
        s.changes[1].text.contains("minimum conventionnel"),
        "{}",
        s.changes[1].text
    );
    assert!(
        s.changes[1]
            .text
            .contains("tu as eu 21 ans le 15 juin 2026"),
        "{}",
        s.changes[1].text
    );
}

#[test]
fn born_on_29_february_the_18th_birthday_is_1_march_and_the_bracket_moves_on_1_april() {
    let birth = d("2008-02-29");
    assert_eq!(age_on(birth, d("2026-02-28")), 17);
    assert_eq!(age_on(birth, d("2026-03-01")), 18);
    assert_eq!(bracket_change_after(birth, 18), Some(d("2026-04-01")));
    assert_eq!(bracket_age_on(birth, d("2026-03-31")), 17);
    assert_eq!(bracket_age_on(birth, d("2026-04-01")), 18);
}

#[test]
fn bad_contracts_are_refused_in_french() {
    let make = |birth: &str, start: &str, months, contract, level| {
        PayInput::new(
            d(birth),
            d(start),
            months,
            contract,
            Sector::Prive,
            level,
            None,
        )
    };
    let a = ContractType::Apprentissage;
    assert!(
        make("2009-05-10", "2026-09-01", 5, a, None)
            .unwrap_err()
            .message
            .contains("6 à 36 mois")
    );
    assert!(make("2009-05-10", "2026-09-01", 37, a, None).is_err());
    assert!(make("2026-10-01", "2026-09-01", 12, a, None).is_err());
    assert!(
        make("2015-01-01", "2026-09-01", 12, a, None)
            .unwrap_err()
            .message
            .contains("15")
    );
    assert!(
        make(
            "2005-01-01",
            "2026-09-01",
            12,
            ContractType::Professionnalisation,
            None
        )
        .unwrap_err()
        .message
        .contains("niveau")
    );
    assert!(
        PayInput::new(
            d("2005-01-01"),
            d("2026-09-01"),
            12,
            a,
            Sector::Prive,
            None,
            Some(-3.0)
        )
        .is_err()
    );
    // Before the first rule known: refused, not computed with a made-up figure.
    let e = simulate(&apprentice("2005-01-01", "2024-06-01", 12), &all_rules()).unwrap_err();
    assert!(e.message.contains("1er novembre 2024"), "{}", e.message);
    assert_eq!(Sector::parse("autre").unwrap_err().field, "secteur");
}

#[test]
fn amounts_and_dates_read_the_french_way() {
    assert_eq!(euros(1823.03), "1\u{a0}823,03\u{a0}€");
    assert_eq!(euros(492.2), "492,20\u{a0}€");
    assert_eq!(percent(27.0), "27\u{a0}%");
    assert_eq!(percent(21.01), "21,01\u{a0}%");
    assert_eq!(percent(20.5), "20,5\u{a0}%");
    assert_eq!(month_year(d("2027-08-01")), "août 2027");
}

/// The rate the law sets on day `day` (independently of the computation): contract year from
/// the anniversaries passed, bracket from the age reached by the end of the previous month.
fn legal_pct(rules: &RuleSet, input: &PayInput, day: NaiveDate) -> f64 {
    let mut year = 1;
    while year < 3 && input.start + Months::new(12 * year) <= day {
        year += 1;
    }
    let first = day.with_day(1).unwrap();
    let age = age_on(input.birth, first.pred_opt().unwrap());
    let bracket = match age {
        ..18 => "16-17",
        18..21 => "18-20",
        21..26 => "21-25",
        _ => "26+",
    };
    rules
        .at(
            Category::Apprentissage,
            &format!("annee{year}_{bracket}"),
            day,
        )
        .unwrap()
        .number()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn brackets_move_only_from_the_first_of_the_month_after_a_birthday_and_pay_never_drops(
        birth_days in 0i64..(17 * 365),
        start_days in 0i64..(3 * 365),
        months in MIN_MONTHS..=MAX_MONTHS,
        public in any::<bool>(),
        minimum in proptest::option::of(1500u32..2600),
    ) {
        let rules = all_rules();
        let start = d("2024-11-01") + chrono::Duration::days(start_days);
        let birth = d("1995-01-01") + chrono::Duration::days(birth_days);
        let Ok(input) = PayInput::new(
            birth, start, months, ContractType::Apprentissage,
            if public { Sector::Public } else { Sector::Prive }, None, minimum.map(f64::from),
        ) else { return Ok(()) };
        let s = simulate(&input, &rules).unwrap();
        prop_assert_eq!(s.months.len(), months as usize);
        for pair in s.months.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            prop_assert!(b.rate >= a.rate, "rate dropped: {a:?} → {b:?}");
            prop_assert!(b.gross >= a.gross, "pay dropped: {a:?} → {b:?}");
            if a.bracket != b.bracket {
                let threshold = match b.bracket { "18-20" => 18, "21-25" => 21, _ => 26 };
                let change = bracket_change_after(birth, threshold).unwrap();
                prop_assert!(b.to >= change && a.to < change, "bracket moved at {} for a change on {change}", b.to);
            }
        }
        for m in &s.months {
            // Never below the legal grid on any day of the month (checked at both ends).
            let smic = rules.at(Category::Smic, "mensuel", m.to).unwrap().number();
            for day in [m.from, m.to] {
                let legal = (smic * legal_pct(&rules, &input, day)).round() / 100.0;
                prop_assert!(m.gross >= legal - 0.005, "{m:?} below {legal} on {day}");
            }
            prop_assert!(m.net <= m.gross && m.net >= 0.0);
            if public { prop_assert_eq!(m.net, m.gross); }
        }
    }
}
