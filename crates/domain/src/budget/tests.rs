//! Worked examples computed by hand from the committed rules file (cost per km 0,606 €, road
//! factor 1,3, 60 km/h, Nomad fares and passes, OPCO ceilings), and properties of the budget's
//! arithmetic over random inputs.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::pay::parse_csv;

const FILE: &str = include_str!("../../../referentiels/data/regles.csv");

fn rules() -> RuleSet {
    RuleSet::new(parse_csv(FILE).unwrap())
}

/// 18 years old, 43 % of the June 2026 SMIC (802,82 €), living at the parents', the company at
/// 20 km and the centre at 40 km as the crow flies, by car, 5 days a week, 1 week in 4 at the
/// centre.
fn example() -> BudgetInput {
    BudgetInput {
        month: NaiveDate::from_ymd_opt(2027, 9, 1).unwrap(),
        net: 802.82,
        gross: 802.82,
        smic: 1867.02,
        age: 18,
        private_employer: true,
        home_company_km: Some(20.0),
        home_cfa_km: Some(40.0),
        mode: Mode::Voiture,
        carpool: 1,
        days_per_week: 5,
        cfa_weeks_in_4: 1,
        own_home: false,
        housing: 0.0,
        room: 300.0,
        food: 150.0,
        phone: 20.0,
        insurance: 30.0,
        leisure: 50.0,
        other: 0.0,
    }
}

fn line(s: &Scenario, label: &str) -> f64 {
    s.lines
        .iter()
        .find(|l| l.label == label)
        .unwrap_or_else(|| panic!("{label} missing"))
        .amount
}

fn aid<'a>(s: &'a Scenario, name: &str) -> &'a Aid {
    s.aids.iter().find(|a| a.name.starts_with(name)).unwrap()
}

#[test]
fn by_car_20_and_40_km_the_route_leaves_minus_300_63_and_the_room_minus_327_53() {
    let b = compute(&example(), &rules()).unwrap();
    // Road: 20 × 1,3 = 26 km (26 min → ≈ 25 min), 40 × 1,3 = 52 km (≈ 50 min).
    let company = b.to_company.unwrap();
    assert!((company.road_km - 26.0).abs() < 1e-9);
    assert_eq!(company.minutes, 25);
    assert_eq!(b.to_cfa.unwrap().minutes, 50);
    assert_eq!(b.to_cfa.unwrap().time_label(), "≈ 50 min");
    let [route, room] = &b.scenarios;
    // 52/12 × 3/4 × 5 = 16,25 days at the company: 16,25 × 2 × 26 = 845 km × 0,606 = 512,07.
    assert_eq!(line(route, "Trajets vers l'entreprise"), 512.07);
    // 52/12 × 1/4 × 5 = 5,4167 days at the centre: × 2 × 52 = 563,33 km × 0,606 = 341,38.
    assert_eq!(line(route, "Trajets vers le CFA"), 341.38);
    // 512,07 + 341,38 + 150 + 20 + 30 + 50 = 1 103,45; 802,82 − 1 103,45 = −300,63.
    assert_eq!(route.costs, 1103.45);
    assert_eq!(route.left, -300.63);
    // OPCO meals: 5,4167 × 3 € = 16,25.
    assert_eq!(aid(route, "Frais de repas").counted, Some(16.25));
    assert_eq!(route.left_with_aids, -284.38);
    // The room: one round trip a week to the centre, 52/12 × 1/4 = 1,0833 × 104 km = 112,67 km
    // × 0,606 = 68,28; 300 + 512,07 + 68,28 + 250 = 1 130,35.
    assert_eq!(line(room, "Ma chambre près du CFA"), 300.0);
    assert_eq!(line(room, "Trajets vers le CFA"), 68.28);
    assert_eq!(room.costs, 1130.35);
    assert_eq!(room.left, -327.53);
    // OPCO: 16,25 of meals + 1,0833 weeks × 4 nights × 6 € = 26,00.
    assert_eq!(aid(room, "Frais de repas").counted, Some(42.25));
    assert_eq!(room.left_with_aids, -285.28);
    // Mobili-Jeune with two rents only; the prime d'activité not at 802,82 € net; Nomad's
    // school pass not at 18.
    assert_eq!(aid(route, "Mobili-Jeune").status, AidStatus::No);
    assert_eq!(aid(room, "Mobili-Jeune").status, AidStatus::ToCheck);
    assert!(aid(room, "Mobili-Jeune").amount.contains("à estimer"));
    assert_eq!(aid(room, "Prime d'activité").status, AidStatus::No);
    assert!(
        aid(room, "Prime d'activité")
            .condition
            .contains("1\u{a0}125,63")
    );
    assert_eq!(aid(room, "Abonnement de transport").status, AidStatus::No);
    assert!(room.aids.iter().any(|a| a.name.contains("APL")));
    assert!(!route.aids.iter().any(|a| a.name.contains("APL")));
    // Every rule read is a dated budget row; the cost per km is « à vérifier ».
    assert!(
        b.used
            .iter()
            .any(|r| r.key == "voiture_cout_km" && r.to_verify)
    );
}

#[test]
fn by_coach_at_16_the_company_costs_159_25_and_the_centre_a_school_pass_11_67_or_5_83() {
    let input = BudgetInput {
        age: 16,
        mode: Mode::Car,
        ..example()
    };
    let b = compute(&input, &rules()).unwrap();
    let [route, room] = &b.scenarios;
    // 16,25 × 2 trips × 4,90 € = 159,25.
    assert_eq!(line(route, "Trajets vers l'entreprise"), 159.25);
    // 140 € a year / 12 = 11,67 (day pupil); 70 € / 12 = 5,83 (boarder).
    assert_eq!(line(route, "Trajets vers le CFA"), 11.67);
    assert_eq!(line(room, "Trajets vers le CFA"), 5.83);
    assert_eq!(
        aid(route, "Abonnement de transport").status,
        AidStatus::Likely
    );
}

#[test]
fn a_car_pool_of_two_halves_the_car_and_a_21_year_old_at_1200_net_may_get_the_prime() {
    let pool = BudgetInput {
        mode: Mode::Covoiturage,
        carpool: 2,
        ..example()
    };
    let b = compute(&pool, &rules()).unwrap();
    let alone = compute(&example(), &rules()).unwrap();
    let (p, a) = (
        line(&b.scenarios[0], "Trajets vers l'entreprise"),
        line(&alone.scenarios[0], "Trajets vers l'entreprise"),
    );
    assert!((p - a / 2.0).abs() < 0.011, "{p} vs {a}");
    let paid = BudgetInput {
        age: 21,
        net: 1200.0,
        gross: 1300.0,
        ..example()
    };
    let b = compute(&paid, &rules()).unwrap();
    let prime = aid(&b.scenarios[0], "Prime d'activité");
    assert_eq!(prime.status, AidStatus::ToCheck);
    assert_eq!(prime.amount, "à estimer sur caf.fr");
    assert_eq!(prime.counted, None);
}

#[test]
fn without_the_budget_rules_the_budget_says_which_rule_is_missing() {
    let pay_only = RuleSet::new(
        parse_csv(FILE)
            .unwrap()
            .into_iter()
            .filter(|r| r.category != Category::Budget)
            .collect(),
    );
    let e = compute(&example(), &pay_only).unwrap_err();
    assert!(
        e.message.contains("ne connaît pas la règle"),
        "{}",
        e.message
    );
    // Bad input is refused in French.
    let e = BudgetInput {
        food: -3.0,
        ..example()
    }
    .check()
    .unwrap_err();
    assert!(e.message.contains("l'alimentation"));
    assert!(
        BudgetInput {
            carpool: 0,
            ..example()
        }
        .check()
        .is_err()
    );
}

fn inputs() -> impl Strategy<Value = BudgetInput> {
    (
        (
            0.0f64..3000.0,
            15u32..40,
            any::<bool>(),
            0.0f64..200.0,
            0.0f64..200.0,
        ),
        (0usize..4, 1u32..5, 1u32..8, 0u32..5, any::<bool>()),
        (0.0f64..900.0, 0.0f64..900.0, 0.0f64..400.0, 0.0f64..100.0),
    )
        .prop_map(
            |(
                (net, age, private, km1, km2),
                (mode, pool, days, weeks, own),
                (h, room, food, l),
            )| {
                BudgetInput {
                    net,
                    gross: net * 1.1,
                    age,
                    private_employer: private,
                    home_company_km: Some(km1),
                    home_cfa_km: Some(km2),
                    mode: [Mode::Voiture, Mode::Covoiturage, Mode::Car, Mode::Aucun][mode],
                    carpool: pool,
                    days_per_week: days,
                    cfa_weeks_in_4: weeks,
                    own_home: own,
                    housing: h,
                    room,
                    food,
                    leisure: l,
                    ..example()
                }
            },
        )
}

proptest! {
    #[test]
    fn what_is_left_is_the_pay_minus_every_line(input in inputs()) {
        let b = compute(&input, &rules()).unwrap();
        for s in &b.scenarios {
            let sum: f64 = s.lines.iter().map(|l| l.amount).sum();
            prop_assert!((s.costs - sum).abs() < 0.005);
            prop_assert!((s.left - (input.net - s.costs)).abs() < 0.005);
            prop_assert!(s.lines.iter().all(|l| l.amount >= 0.0));
            prop_assert!(s.left_with_aids >= s.left);
            // An amount the CAF computes is never given as a figure.
            for a in &s.aids {
                if a.link == "https://www.caf.fr" {
                    prop_assert_eq!(&a.amount, "à estimer sur caf.fr");
                    prop_assert!(a.counted.is_none());
                }
            }
        }
        // From the room, the centre is reached once a week instead of every day.
        let cfa = |s: &Scenario| s.lines.iter().find(|l| l.label == "Trajets vers le CFA").map_or(0.0, |l| l.amount);
        prop_assert!(cfa(&b.scenarios[1]) <= cfa(&b.scenarios[0]) + 0.005);
    }

    #[test]
    fn a_farther_company_never_costs_less_and_sharing_never_costs_more(input in inputs(), extra in 0.0f64..100.0) {
        let far = BudgetInput { home_company_km: input.home_company_km.map(|k| k + extra), ..input.clone() };
        let (near, far) = (compute(&input, &rules()).unwrap(), compute(&far, &rules()).unwrap());
        prop_assert!(far.scenarios[0].costs + 0.005 >= near.scenarios[0].costs);
        let alone = BudgetInput { mode: Mode::Voiture, carpool: 1, ..input.clone() };
        let pooled = BudgetInput { mode: Mode::Covoiturage, carpool: input.carpool.max(2), ..input };
        let (a, p) = (compute(&alone, &rules()).unwrap(), compute(&pooled, &rules()).unwrap());
        prop_assert!(p.scenarios[0].costs <= a.scenarios[0].costs + 0.005);
    }
}
