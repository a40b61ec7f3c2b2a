//! No source offer, however odd, makes a mapper panic: arbitrary JSON, and the documented
//! shapes with any field replaced by anything.

mod support;

use proptest::prelude::*;
use serde_json::{Value, json};
use support::{communes, ft_offer};
use tremplin_connectors::run::centre;
use tremplin_connectors::{Mapped, france_travail, labonnealternance};
use tremplin_domain::import::parse_record;

/// The day the fixtures were written against.
fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::from),
        "[0-9]{5}".prop_map(Value::from),
        Just(Value::from("https://exemple.fr/offre")),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("id".to_owned()),
                    Just("intitule".to_owned()),
                    Just("lieuTravail".to_owned()),
                    Just("commune".to_owned()),
                    Just("identifier".to_owned()),
                    Just("offer".to_owned()),
                    Just("workplace".to_owned()),
                    Just("coordinates".to_owned()),
                    "[a-z]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const FT_PATHS: &[&str] = &[
    "id",
    "intitule",
    "description",
    "romeCode",
    "natureContrat",
    "alternance",
    "entreprise",
    "entreprise.nom",
    "entreprise.siret",
    "lieuTravail",
    "lieuTravail.commune",
    "lieuTravail.codePostal",
    "lieuTravail.libelle",
    "lieuTravail.latitude",
    "lieuTravail.longitude",
    "formations",
    "nombrePostes",
    "permis",
    "contact",
    "contact.courriel",
    "contact.telephone",
    "contact.urlPostulation",
    "origineOffre",
    "origineOffre.urlOrigine",
    "origineOffre.partenaires",
    "salaire.libelle",
    "accessibleTH",
];

const LBA_PATHS: &[&str] = &[
    "identifier",
    "identifier.id",
    "workplace.siret",
    "workplace.brand",
    "workplace.location",
    "workplace.location.address",
    "workplace.location.geopoint.coordinates",
    "apply.url",
    "apply.phone",
    "contract.start",
    "contract.duration",
    "contract.type",
    "offer.title",
    "offer.rome_codes",
    "offer.description",
    "offer.target_diploma.european",
    "offer.opening_count",
    "offer.status",
    "offer.desired_skills",
];

fn replace(v: &mut Value, path: &str, new: Value) {
    let mut at = v;
    let mut keys = path.split('.').peekable();
    while let Some(k) = keys.next() {
        if !at.is_object() {
            *at = json!({});
        }
        let map = at.as_object_mut().unwrap();
        if keys.peek().is_none() {
            map.insert(k.to_owned(), new);
            return;
        }
        at = map.entry(k.to_owned()).or_insert(json!({}));
    }
}

fn lba_job() -> Value {
    json!({
        "identifier": { "id": "LBA-1" },
        "workplace": { "siret": "66043714600013", "brand": "Boulangerie Fictive",
            "location": { "address": "12 rue des Emmurées 61300 L'Aigle", "geopoint": { "type": "Point", "coordinates": [0.6283, 48.7648] } } },
        "apply": { "url": "https://labonnealternance.apprentissage.beta.gouv.fr/offre/1", "phone": "02 33 24 00 00" },
        "contract": { "start": "2027-09-01T00:00:00.000Z", "duration": 24, "type": ["Apprentissage"] },
        "offer": { "title": "Boulanger", "rome_codes": ["D1102"], "description": "Apprentissage du métier de boulanger, pétrissage et cuisson.",
            "target_diploma": { "european": "3" }, "opening_count": 1, "status": "Active" }
    })
}

/// Whatever a mapper keeps goes through the shared validation without panicking either.
fn validate(m: Mapped) {
    if let Mapped::Offer(c) = m {
        let _ = parse_record(
            &|k| c.get(k),
            "test",
            &|code| centre(communes(), code),
            today(),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_json_maps_without_panic(v in any_json()) {
        validate(france_travail::map(&v, communes()));
        validate(labonnealternance::map(&v, communes(), chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()));
    }

    #[test]
    fn documented_shapes_with_any_field_changed(
        changes in prop::collection::vec((0usize..100, any_json()), 1..5)
    ) {
        let mut ft = ft_offer("FT-1", "Boulanger", "61214", "Boulangerie");
        let mut job = lba_job();
        for (i, value) in changes {
            replace(&mut ft, FT_PATHS[i % FT_PATHS.len()], value.clone());
            replace(&mut job, LBA_PATHS[i % LBA_PATHS.len()], value);
        }
        validate(france_travail::map(&ft, communes()));
        validate(labonnealternance::map(&job, communes(), chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()));
    }
}

#[test]
fn the_unchanged_shapes_map_to_offers() {
    assert!(matches!(
        france_travail::map(
            &ft_offer("FT-1", "Boulanger", "61214", "Boulangerie"),
            communes()
        ),
        Mapped::Offer(_)
    ));
    assert!(matches!(
        labonnealternance::map(
            &lba_job(),
            communes(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
        ),
        Mapped::Offer(_)
    ));
}

#[test]
fn a_source_point_is_kept_only_where_our_commune_centre_is_an_estimate() {
    let columns = |o: &Value| match france_travail::map(o, communes()) {
        Mapped::Offer(c) => c,
        other => panic!("{other:?}"),
    };
    // Cauzac (47062) has no coordinates of its own in our data.
    let mut estimated = ft_offer("FT-1", "Boulanger", "47062", "Boulangerie");
    estimated["lieuTravail"]["latitude"] = json!(44.2123);
    estimated["lieuTravail"]["longitude"] = json!(0.6634);
    let c = columns(&estimated);
    assert_eq!(
        (c.get("latitude"), c.get("longitude")),
        ("44.2123", "0.6634")
    );
    let input = parse_record(
        &|k| c.get(k),
        "france-travail",
        &|code| centre(communes(), code),
        today(),
    )
    .unwrap();
    assert_eq!(
        input.location.map(|p| (p.lat, p.lon)),
        Some((44.2123, 0.6634))
    );
    // Alençon has its own: ours stays.
    let mut alencon = ft_offer("FT-2", "Boulanger", "61001", "Boulangerie");
    alencon["lieuTravail"]["latitude"] = json!(48.43);
    alencon["lieuTravail"]["longitude"] = json!(0.09);
    let c = columns(&alencon);
    assert_eq!(c.get("latitude"), "");
    // A point far from the commune is not believed.
    estimated["lieuTravail"]["latitude"] = json!(43.3);
    assert_eq!(columns(&estimated).get("latitude"), "");
}
