//! The CSV format partners and counselors use to bring offers in bulk.
//!
//! Parsing is pure: every line becomes either a validated [`OfferInput`] or the list of its
//! faults in French, with its line number. Storing is the caller's job, and a bad line is
//! never half stored.

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;

use crate::{
    CodeInsee, CodeRome, Contact, ContractType, Email, GeoPoint, HttpUrl, Invalid, NiveauDiplome,
    OfferInput, OfferSource, Siret, SourceKind, StartDate, Telephone,
};

/// Columns every file must have.
pub const REQUIRED: [&str; 7] = [
    "external_id",
    "title",
    "description",
    "rome_code",
    "company_name",
    "commune_code",
    "contract_type",
];

/// Columns a file may have.
pub const OPTIONAL: [&str; 16] = [
    "siret",
    "target_diploma_level",
    "start_date",
    "duration_months",
    "positions",
    "rqth",
    "contact_email",
    "contact_phone",
    "apply_url",
    "source_url",
    "diploma_label",
    "driving_licence",
    "cfa",
    "address",
    "latitude",
    "longitude",
];

/// A line of the file that cannot be stored, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub errors: Vec<Invalid>,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let msgs: Vec<_> = self.errors.iter().map(|e| e.message.as_str()).collect();
        write!(f, "ligne {} : {}", self.line, msgs.join(" "))
    }
}

/// A whole file that cannot be read (encoding, header).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

#[derive(Debug, Default)]
pub struct ParsedFile {
    pub offers: Vec<(u64, OfferInput)>,
    pub errors: Vec<LineError>,
}

/// Reads a CSV file (UTF-8, comma or semicolon). `commune_centre` tells whether an INSEE code
/// is a known commune; `source_name` keys the upsert with each line's `external_id`.
pub fn parse_csv(
    mut reader: impl Read,
    source_name: &str,
    commune_centre: &dyn Fn(&CodeInsee) -> Option<GeoPoint>,
    today: NaiveDate,
) -> Result<ParsedFile, FileError> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| FileError(format!("Lecture du fichier impossible : {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        FileError(format!(
            "Le fichier n'est pas en UTF-8 (octet invalide à la position {}). Enregistrez-le en « CSV UTF-8 » depuis votre tableur.",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };

    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = csv
        .headers()
        .map_err(|e| FileError(format!("En-tête illisible : {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut index = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()) {
            return Err(FileError(format!(
                "Colonne inconnue « {h} ». Colonnes possibles : {}, {}.",
                REQUIRED.join(", "),
                OPTIONAL.join(", ")
            )));
        }
        if index.insert(h.clone(), i).is_some() {
            return Err(FileError(format!("La colonne « {h} » apparaît deux fois.")));
        }
    }
    let missing: Vec<_> = REQUIRED
        .iter()
        .filter(|c| !index.contains_key(**c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(FileError(format!(
            "Colonnes obligatoires absentes : {}.",
            missing.join(", ")
        )));
    }

    let mut parsed = ParsedFile::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in csv.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                parsed.errors.push(LineError {
                    line,
                    errors: vec![Invalid::new("csv", format!("Ligne illisible : {e}"))],
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            parsed.errors.push(LineError {
                line,
                errors: vec![Invalid::new(
                    "csv",
                    format!(
                        "{} champs au lieu de {} : vérifiez les séparateurs et les guillemets.",
                        record.len(),
                        headers.len()
                    ),
                )],
            });
            continue;
        }
        let get = |name: &str| index.get(name).map(|&i| record[i].trim()).unwrap_or("");
        match parse_record(&get, source_name, commune_centre, today) {
            Ok(offer) => {
                let id = offer.source.external_id.clone().unwrap_or_default();
                if let Some(first) = seen.insert(id.clone(), line) {
                    parsed.errors.push(LineError {
                        line,
                        errors: vec![Invalid::new(
                            "external_id",
                            format!("L'identifiant « {id} » est déjà utilisé ligne {first}."),
                        )],
                    });
                } else {
                    parsed.offers.push((line, offer));
                }
            }
            Err(errors) => parsed.errors.push(LineError { line, errors }),
        }
    }
    Ok(parsed)
}

/// Reads one offer from named fields: a CSV line, a back-office form or an API body all use
/// the CSV column names, so they share this one validation. `commune_centre` answers for the
/// communes that exist; `today` bounds the start date.
pub fn parse_record<'r>(
    get: &dyn Fn(&str) -> &'r str,
    source_name: &str,
    commune_centre: &dyn Fn(&CodeInsee) -> Option<GeoPoint>,
    today: NaiveDate,
) -> Result<OfferInput, Vec<Invalid>> {
    let mut errs = Collected::default();

    for col in REQUIRED {
        if get(col).is_empty() {
            errs.keep(Err::<(), _>(Invalid::new(
                col,
                format!("La colonne « {col} » est vide."),
            )));
        }
    }
    let optional = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    let rome_codes: Vec<CodeRome> = get("rome_code")
        .split(['|', ' ', '/'])
        .filter(|s| !s.is_empty())
        .filter_map(|s| errs.keep(CodeRome::parse(s)))
        .collect();
    let commune = if get("commune_code").is_empty() {
        None
    } else {
        errs.keep(CodeInsee::parse(get("commune_code")).and_then(|c| {
            if let Some(centre) = commune_centre(&c) {
                Ok((c, centre))
            } else {
                Err(Invalid::new(
                    "commune_code",
                    format!("Aucune commune n'a le code INSEE {c}."),
                ))
            }
        }))
    };
    let contract = if get("contract_type").is_empty() {
        None
    } else {
        errs.keep(ContractType::parse(get("contract_type")))
    };
    let siret = optional(get("siret")).and_then(|s| errs.keep(Siret::parse(&s)));
    let level =
        optional(get("target_diploma_level")).and_then(|s| errs.keep(NiveauDiplome::parse(&s)));
    let start = errs.keep(StartDate::parse(get("start_date")));
    let duration_months = optional(get("duration_months")).and_then(|s| {
        errs.keep(s.parse::<u8>().map_err(|_| {
            Invalid::new(
                "duration_months",
                format!("« {s} » n'est pas une durée en mois (un nombre de 6 à 36)."),
            )
        }))
    });
    let positions = match optional(get("positions")) {
        None => Some(1),
        Some(s) => errs.keep(s.parse::<u16>().map_err(|_| {
            Invalid::new(
                "positions",
                format!("« {s} » n'est pas un nombre de postes."),
            )
        })),
    };
    let rqth = errs.keep(yes_no("rqth", get("rqth")));
    let driving_licence = errs.keep(yes_no("driving_licence", get("driving_licence")));
    let contact = Contact {
        email: optional(get("contact_email")).and_then(|s| errs.keep(Email::parse(&s))),
        phone: optional(get("contact_phone")).and_then(|s| errs.keep(Telephone::parse(&s))),
        apply_url: optional(get("apply_url")).and_then(|s| errs.keep(HttpUrl::parse(&s))),
    };
    let source_url = optional(get("source_url")).and_then(|s| errs.keep(HttpUrl::parse(&s)));
    let location = match (optional(get("latitude")), optional(get("longitude"))) {
        (None, None) => None,
        (Some(lat), Some(lon)) => {
            let number = |v: &str| {
                v.trim()
                    .replace(',', ".")
                    .parse::<f64>()
                    .unwrap_or(f64::NAN)
            };
            errs.keep(GeoPoint::new(number(&lat), number(&lon)))
        }
        _ => errs.keep(Err(Invalid::new(
            "latitude",
            "Donnez la latitude et la longitude ensemble, ou aucune des deux.",
        ))),
    };

    let (
        Some((commune, centre)),
        Some(contract_type),
        Some(start),
        Some(positions),
        Some(rqth),
        Some(driving_licence),
    ) = (commune, contract, start, positions, rqth, driving_licence)
    else {
        return Err(errs.0);
    };
    if !errs.0.is_empty() {
        return Err(errs.0);
    }
    let offer = OfferInput {
        title: get("title").to_owned(),
        description: get("description").to_owned(),
        rome_codes,
        company_name: get("company_name").to_owned(),
        siret,
        commune,
        address: optional(get("address")),
        contract_type,
        level,
        diploma_label: optional(get("diploma_label")),
        start,
        duration_months,
        positions,
        rqth,
        driving_licence,
        cfa: optional(get("cfa")),
        contact,
        source: OfferSource {
            kind: SourceKind::Import,
            name: source_name.to_owned(),
            external_id: Some(get("external_id").to_owned()),
            url: source_url,
        },
        location,
    };
    let mut rule_errors = offer.check_at(today);
    if let Err(e) = offer.check_place(centre) {
        rule_errors.push(e);
    }
    if rule_errors.is_empty() {
        Ok(offer)
    } else {
        Err(rule_errors)
    }
}

/// Gathers every fault of a line instead of stopping at the first.
#[derive(Default)]
struct Collected(Vec<Invalid>);

impl Collected {
    fn keep<T>(&mut self, r: Result<T, Invalid>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }
}

fn yes_no(field: &'static str, value: &str) -> Result<bool, Invalid> {
    match value.trim().to_lowercase().as_str() {
        "" | "non" | "no" | "false" | "0" | "n" => Ok(false),
        "oui" | "yes" | "true" | "1" | "o" => Ok(true),
        other => Err(Invalid::new(
            field,
            format!("« {other} » : répondez « oui » ou « non » dans la colonne {field}."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "external_id,title,description,rome_code,company_name,siret,commune_code,contract_type,target_diploma_level,start_date,duration_months,positions,rqth,contact_email,contact_phone,apply_url,source_url";

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    /// Communes of the Orne exist, all centred on L'Aigle.
    fn centre(c: &CodeInsee) -> Option<GeoPoint> {
        c.as_str()
            .starts_with("61")
            .then(|| GeoPoint::new(48.765, 0.628).unwrap())
    }

    fn parse(text: &str) -> Result<ParsedFile, FileError> {
        parse_csv(text.as_bytes(), "csv", &centre, today())
    }

    fn good_line(id: &str) -> String {
        format!(
            "{id},Boulanger/Boulangère,\"Fabrication du pain, des viennoiseries; cuisson au four à sole.\",D1102,Boulangerie du Four Fictif,12345678000014,61214,apprentissage,3,01/09/2027,24,1,non,fournil@exemple.fr,,,"
        )
    }

    #[test]
    fn good_lines_are_read() {
        let p = parse(&format!(
            "{HEADER}\n{}\n{}\n",
            good_line("a1"),
            good_line("a2")
        ))
        .unwrap();
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.offers.len(), 2);
        let (line, o) = &p.offers[1];
        assert_eq!(*line, 3);
        assert_eq!(o.title, "Boulanger/Boulangère");
        assert_eq!(
            o.description,
            "Fabrication du pain, des viennoiseries; cuisson au four à sole."
        );
        assert_eq!(o.source.external_id.as_deref(), Some("a2"));
        assert_eq!(o.start.date().unwrap().to_string(), "2027-09-01");
        assert_eq!(
            o.contact.email.as_ref().unwrap().as_str(),
            "fournil@exemple.fr"
        );
    }

    #[test]
    fn semicolons_and_bom_are_accepted() {
        let text = format!(
            "\u{feff}{}\n{}\n",
            HEADER.replace(',', ";"),
            good_line("b1")
                .replace(',', ";")
                .replace("pain; des", "pain, des")
        );
        let p = parse(&text).unwrap();
        assert_eq!(p.offers.len(), 1, "{:?}", p.errors);
    }

    #[test]
    fn each_bad_line_is_reported_with_its_number_and_reason() {
        let bad_commune = good_line("c2").replace(",61214,", ",75056,");
        let bad_siret = good_line("c3").replace("12345678000014", "12345678000015");
        let no_contact = good_line("c4").replace("fournil@exemple.fr", "");
        let bad_level = good_line("c5").replace("apprentissage,3,", "apprentissage,9,");
        let text = format!(
            "{HEADER}\n{}\n{bad_commune}\n{bad_siret}\n{no_contact}\n{bad_level}\n{}\n",
            good_line("c1"),
            good_line("c1")
        );
        let p = parse(&text).unwrap();
        assert_eq!(p.offers.len(), 1);
        let got: Vec<(u64, &str)> = p
            .errors
            .iter()
            .map(|e| (e.line, e.errors[0].field))
            .collect();
        assert_eq!(
            got,
            [
                (3, "commune_code"),
                (4, "siret"),
                (5, "contact"),
                (6, "target_diploma_level"),
                (7, "external_id")
            ]
        );
        assert!(
            p.errors[0]
                .to_string()
                .starts_with("ligne 3 : Aucune commune")
        );
    }

    #[test]
    fn missing_and_unknown_columns_refuse_the_file() {
        let e = parse("external_id,title\nx,y\n").unwrap_err();
        assert!(
            e.0.contains("Colonnes obligatoires absentes : description"),
            "{e}"
        );
        let e = parse(&format!("{HEADER},comune\n")).unwrap_err();
        assert!(e.0.contains("Colonne inconnue « comune »"), "{e}");
    }

    #[test]
    fn not_utf8_is_explained() {
        let e = parse_csv(
            &b"external_id,title\n\xe9t\xe9\n"[..],
            "csv",
            &centre,
            today(),
        )
        .unwrap_err();
        assert!(e.0.contains("UTF-8"));
    }

    #[test]
    fn wrong_field_count_is_a_line_error() {
        let p = parse(&format!("{HEADER}\nonly,three,fields\n")).unwrap();
        assert_eq!(p.errors[0].line, 2);
        assert!(
            p.errors[0].errors[0]
                .message
                .contains("3 champs au lieu de 17")
        );
    }

    #[test]
    fn far_points_late_starts_and_control_characters_are_line_errors() {
        let header = format!("{HEADER},latitude,longitude");
        let far = format!("{},-89.9,179.9", good_line("d1"));
        let near = format!("{},48.7648,0.6283", good_line("d2"));
        let late = format!("{},,", good_line("d3").replace("01/09/2027", "9999-12-31"));
        let nul = format!(
            "{},,",
            good_line("d4").replace("Boulanger/", "Boulanger\0/")
        );
        let p = parse(&format!("{header}\n{far}\n{near}\n{late}\n{nul}\n")).unwrap();
        assert_eq!(p.offers.len(), 1, "{:?}", p.errors);
        let got: Vec<(u64, &str)> = p
            .errors
            .iter()
            .map(|e| (e.line, e.errors[0].field))
            .collect();
        assert_eq!(got, [(2, "latitude"), (4, "start_date"), (5, "title")]);
        assert!(
            p.errors[0].errors[0]
                .message
                .contains("km de la commune 61214"),
            "{}",
            p.errors[0]
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_input(s in "\\PC{0,400}") {
            let _ = parse(&format!("{HEADER}\n{s}"));
            let _ = parse(&s);
        }
    }
}
