//! A partner's change to an offer a counselor has validated waits for a counselor again (see
//! [`crate::lifecycle::partner_change_waits`]). Until then it is held as a record, in the CSV
//! import's column names (the vocabulary of the API and of the form), read back through the
//! same parser, and compared field by field with the version the public sees.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::import::{OPTIONAL, REQUIRED, parse_record};
use crate::{CodeInsee, GeoPoint, Invalid, OfferInput, OfferSource};

/// An offer's fields by column name; empty values are left out.
pub type Record = BTreeMap<String, String>;

/// The offer's fields as a record that [`from_record`] reads back unchanged.
pub fn to_record(input: &OfferInput) -> Record {
    let yes_no = |b: bool| if b { "oui" } else { "non" }.to_owned();
    let pairs: [(&str, Option<String>); 23] = [
        ("external_id", input.source.external_id.clone()),
        ("title", Some(input.title.trim().to_owned())),
        ("description", Some(input.description.trim().to_owned())),
        (
            "rome_code",
            Some(
                input
                    .rome_codes
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join("|"),
            ),
        ),
        ("company_name", Some(input.company_name.trim().to_owned())),
        ("commune_code", Some(input.commune.to_string())),
        (
            "contract_type",
            Some(input.contract_type.as_str().to_owned()),
        ),
        ("siret", input.siret.as_ref().map(ToString::to_string)),
        (
            "target_diploma_level",
            input.level.map(|l| l.get().to_string()),
        ),
        ("start_date", input.start.date().map(|d| d.to_string())),
        (
            "duration_months",
            input.duration_months.map(|d| d.to_string()),
        ),
        ("positions", Some(input.positions.to_string())),
        ("rqth", Some(yes_no(input.rqth))),
        (
            "contact_email",
            input.contact.email.as_ref().map(ToString::to_string),
        ),
        (
            "contact_phone",
            input.contact.phone.as_ref().map(ToString::to_string),
        ),
        (
            "apply_url",
            input.contact.apply_url.as_ref().map(ToString::to_string),
        ),
        (
            "source_url",
            input.source.url.as_ref().map(ToString::to_string),
        ),
        ("diploma_label", input.diploma_label.clone()),
        ("driving_licence", Some(yes_no(input.driving_licence))),
        ("cfa", input.cfa.clone()),
        ("address", input.address.clone()),
        ("latitude", input.location.map(|p| p.lat.to_string())),
        ("longitude", input.location.map(|p| p.lon.to_string())),
    ];
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k.to_owned(), v)))
        .collect()
}

/// The offer a record describes, checked as an import line is, with the offer's own source
/// (kind and channel; the record only carries its external id and link).
pub fn from_record(
    record: &Record,
    source: &OfferSource,
    commune_centre: &dyn Fn(&CodeInsee) -> Option<GeoPoint>,
    today: NaiveDate,
) -> Result<OfferInput, Vec<Invalid>> {
    let get = |k: &str| record.get(k).map_or("", |v| v.trim());
    let mut input = parse_record(&get, &source.name, commune_centre, today)?;
    input.source.kind = source.kind;
    Ok(input)
}

/// One field that a proposed change modifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The column name (`title`, `apply_url`…).
    pub column: String,
    /// Its name in French, as the back office shows it.
    pub label: &'static str,
    pub before: String,
    pub after: String,
}

impl FieldChange {
    /// A way to apply (e-mail, phone, link) or the link to the source: what a counselor must
    /// check before accepting, since it sends young people somewhere.
    pub fn is_contact(&self) -> bool {
        matches!(
            self.column.as_str(),
            "contact_email" | "contact_phone" | "apply_url" | "source_url"
        )
    }
}

/// The fields that differ between two records, in the columns' order; the external id is the
/// offer's own and never differs.
pub fn changes(before: &Record, after: &Record) -> Vec<FieldChange> {
    REQUIRED
        .iter()
        .chain(OPTIONAL.iter())
        .filter(|c| **c != "external_id")
        .filter_map(|c| {
            let (b, a) = (
                before.get(*c).map_or("", String::as_str),
                after.get(*c).map_or("", String::as_str),
            );
            (b != a).then(|| FieldChange {
                column: (*c).to_owned(),
                label: label(c),
                before: b.to_owned(),
                after: a.to_owned(),
            })
        })
        .collect()
}

/// The French name of a column.
pub fn label(column: &str) -> &'static str {
    match column {
        "external_id" => "identifiant externe",
        "title" => "intitulé",
        "description" => "description",
        "rome_code" => "codes ROME",
        "company_name" => "entreprise",
        "commune_code" => "commune",
        "contract_type" => "contrat",
        "siret" => "SIRET",
        "target_diploma_level" => "niveau visé",
        "start_date" => "début",
        "duration_months" => "durée (mois)",
        "positions" => "postes",
        "rqth" => "ouverte RQTH",
        "contact_email" => "e-mail de contact",
        "contact_phone" => "téléphone",
        "apply_url" => "adresse de candidature",
        "source_url" => "annonce d'origine",
        "diploma_label" => "diplôme",
        "driving_licence" => "permis exigé",
        "cfa" => "centre de formation",
        "address" => "adresse",
        "latitude" => "latitude",
        "longitude" => "longitude",
        _ => "autre champ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offer::tests::sample;
    use crate::{Email, GeoPoint, HttpUrl, Siret, SourceKind, StartDate};

    fn full() -> OfferInput {
        let mut o = sample();
        o.siret = Some(Siret::parse("12345678000014").unwrap());
        o.address = Some("3 rue du Fournil".into());
        o.start = StartDate::On(chrono::NaiveDate::from_ymd_opt(2027, 9, 1).unwrap());
        o.rqth = true;
        o.cfa = Some("CFA du Test".into());
        o.contact.email = Some(Email::parse("rh@four.example").unwrap());
        o.contact.apply_url = Some(HttpUrl::parse("https://four.example/postuler").unwrap());
        o.location = Some(GeoPoint::new(48.30391, 0.65307).unwrap());
        o.source.kind = SourceKind::Partenaire;
        o.source.name = "organisation-3".into();
        o.source.external_id = Some("ft-1".into());
        o
    }

    #[test]
    fn a_record_reads_back_as_the_same_offer() {
        for input in [full(), {
            let mut o = sample();
            o.source.external_id = Some("g1".into());
            o
        }] {
            // Every commune centred on the workplace; the start date well within its window.
            let centre = |_: &CodeInsee| Some(GeoPoint::new(48.30391, 0.65307).unwrap());
            let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
            let back = from_record(&to_record(&input), &input.source, &centre, today).unwrap();
            assert_eq!(back, input);
        }
    }

    #[test]
    fn only_the_changed_fields_are_listed_in_french() {
        let before = full();
        let mut after = before.clone();
        after.title = "Vendeur/Vendeuse".into();
        after.contact.apply_url = Some(HttpUrl::parse("https://hameconnage.example").unwrap());
        after.contact.email = None;
        let c = changes(&to_record(&before), &to_record(&after));
        let shown: Vec<_> = c
            .iter()
            .map(|c| (c.label, c.before.as_str(), c.after.as_str(), c.is_contact()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "intitulé",
                    "Boulanger/Boulangère",
                    "Vendeur/Vendeuse",
                    false
                ),
                ("e-mail de contact", "rh@four.example", "", true),
                (
                    "adresse de candidature",
                    "https://four.example/postuler",
                    "https://hameconnage.example",
                    true
                ),
            ]
        );
        assert!(changes(&to_record(&before), &to_record(&before)).is_empty());
    }
}
