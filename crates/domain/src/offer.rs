//! An apprenticeship offer: what a counselor, a partner or an import brings in, the rules it
//! must follow, and its life cycle.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::Serialize;

use crate::OfferStatus;
use crate::values::clip;
use crate::{
    CodeInsee, CodeRome, ContractType, Email, HttpUrl, Invalid, NiveauDiplome, Siret, Telephone,
    check_text,
};

/// How far ahead a contract may start: offers are posted months ahead, not years; 9999-12-31
/// is a typing error (or a placeholder) that would keep an offer online forever.
pub const START_MONTHS_AHEAD: u32 = 36;
/// How far back: an offer that "started" more than a year ago is a typing error or a dead offer.
pub const START_MONTHS_BACK: u32 = 12;
/// How far the workplace's own point may be from the offer's commune: beyond, the point or the
/// commune is wrong (swapped latitude and longitude, another town's coordinates).
pub const MAX_KM_FROM_COMMUNE: f64 = 30.0;

/// When the contract starts: a date, or as soon as someone is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StartDate {
    Asap,
    On(NaiveDate),
}

impl StartDate {
    /// Accepts empty (as soon as possible), `YYYY-MM-DD` or `DD/MM/YYYY`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let t = input.trim();
        if t.is_empty()
            || t.eq_ignore_ascii_case("dès que possible")
            || t.eq_ignore_ascii_case("asap")
        {
            return Ok(Self::Asap);
        }
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
            .map(Self::On)
            .map_err(|_| {
                Invalid::new(
                    "start_date",
                    format!("« {} » n'est pas une date : écrivez AAAA-MM-JJ ou JJ/MM/AAAA, ou laissez vide pour « dès que possible ».", clip(input)),
                )
            })
    }

    /// A date no more than [`START_MONTHS_AHEAD`] ahead of `today` nor [`START_MONTHS_BACK`]
    /// before it.
    pub fn check_window(self, today: NaiveDate) -> Result<(), Invalid> {
        let Self::On(d) = self else { return Ok(()) };
        let latest = today + Months::new(START_MONTHS_AHEAD);
        let earliest = today - Months::new(START_MONTHS_BACK);
        if d > latest {
            Err(Invalid::new(
                "start_date",
                format!(
                    "Le contrat ne peut pas commencer le {} : indiquez une date d'ici le {} au plus tard.",
                    d.format("%d/%m/%Y"),
                    latest.format("%d/%m/%Y")
                ),
            ))
        } else if d < earliest {
            Err(Invalid::new(
                "start_date",
                format!(
                    "Le {} est passé depuis plus d'un an : indiquez une date à partir du {}, ou laissez vide pour « dès que possible ».",
                    d.format("%d/%m/%Y"),
                    earliest.format("%d/%m/%Y")
                ),
            ))
        } else {
            Ok(())
        }
    }

    pub fn date(self) -> Option<NaiveDate> {
        match self {
            Self::Asap => None,
            Self::On(d) => Some(d),
        }
    }

    pub fn label(self) -> String {
        match self {
            Self::Asap => "Dès que possible".to_owned(),
            Self::On(d) => format!("À partir du {}", d.format("%d/%m/%Y")),
        }
    }
}

/// How the offer reached the Mission Locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A counselor phoned a company of the network.
    Appel,
    /// Seen on a social network, to be verified.
    Veille,
    /// Proposed by a partner organisation.
    Partenaire,
    /// Imported from a file or a national service.
    Import,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Appel => "appel",
            Self::Veille => "veille",
            Self::Partenaire => "partenaire",
            Self::Import => "import",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        Some(match s {
            "appel" => Self::Appel,
            "veille" => Self::Veille,
            "partenaire" => Self::Partenaire,
            "import" => Self::Import,
            _ => return None,
        })
    }

    /// For chart legends.
    pub fn short_label(self) -> &'static str {
        match self {
            Self::Appel => "appel d'un·e conseiller·e",
            Self::Veille => "réseaux sociaux",
            Self::Partenaire => "partenaire",
            Self::Import => "import",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Appel => "Recueillie par un·e conseiller·e de la Mission Locale",
            Self::Veille => "Repérée sur les réseaux sociaux",
            Self::Partenaire => "Proposée par un partenaire",
            Self::Import => "Importée",
        }
    }
}

/// How to apply: at least one of the three.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub email: Option<Email>,
    pub phone: Option<Telephone>,
    pub apply_url: Option<HttpUrl>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferSource {
    pub kind: SourceKind,
    /// The channel within the kind, the key of upserts with `external_id`: "csv", "demo",
    /// "france-travail"…
    pub name: String,
    pub external_id: Option<String>,
    pub url: Option<HttpUrl>,
}

/// The fields of an offer as brought in by a form, a file or a connector, once validated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferInput {
    pub title: String,
    pub description: String,
    pub rome_codes: Vec<CodeRome>,
    pub company_name: String,
    pub siret: Option<Siret>,
    pub commune: CodeInsee,
    pub address: Option<String>,
    pub contract_type: ContractType,
    pub level: Option<NiveauDiplome>,
    pub diploma_label: Option<String>,
    pub start: StartDate,
    pub duration_months: Option<u8>,
    pub positions: u16,
    pub rqth: bool,
    pub driving_licence: bool,
    /// Name of the linked training centre (CFA), resolved by the storage.
    pub cfa: Option<String>,
    pub contact: Contact,
    pub source: OfferSource,
    /// The workplace's own coordinates, when the source gives them and the commune's are only
    /// an estimate; otherwise the commune's centre is used.
    pub location: Option<GeoPoint>,
}

/// A point on Earth, checked on construction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    pub fn new(lat: f64, lon: f64) -> Result<Self, Invalid> {
        if lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon)
        {
            Ok(Self { lat, lon })
        } else {
            Err(Invalid::new(
                "latitude",
                format!(
                    "« {lat}, {lon} » ne sont pas des coordonnées (latitude de -90 à 90, longitude de -180 à 180)."
                ),
            ))
        }
    }

    /// Great-circle distance in kilometres.
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        crate::geo::haversine_km(self.lat, self.lon, other.lat, other.lon)
    }
}

impl OfferInput {
    /// [`OfferInput::check`] and the rules that need today's date: the start within
    /// [`START_MONTHS_BACK`] before and [`START_MONTHS_AHEAD`] after `today`.
    pub fn check_at(&self, today: NaiveDate) -> Vec<Invalid> {
        let mut errors = self.check();
        if let Err(e) = self.start.check_window(today) {
            errors.push(e);
        }
        errors
    }

    /// The workplace's point, if given, within [`MAX_KM_FROM_COMMUNE`] of the commune's
    /// `centre`.
    pub fn check_place(&self, centre: GeoPoint) -> Result<(), Invalid> {
        let Some(point) = self.location else {
            return Ok(());
        };
        let km = point.distance_km(centre);
        if km > MAX_KM_FROM_COMMUNE {
            return Err(Invalid::new(
                "latitude",
                format!(
                    "Le point indiqué ({}, {}) est à {} km de la commune {} : il doit être à moins de {} km. Vérifiez la latitude et la longitude (sans les inverser) ou la commune.",
                    point.lat,
                    point.lon,
                    km.round() as i64,
                    self.commune,
                    MAX_KM_FROM_COMMUNE as i64
                ),
            ));
        }
        Ok(())
    }

    /// Rules across fields, each broken one reported in French.
    pub fn check(&self) -> Vec<Invalid> {
        let mut errors = Vec::new();
        let title_len = self.title.trim().chars().count();
        if !(3..=150).contains(&title_len) {
            errors.push(Invalid::new(
                "title",
                "L'intitulé doit faire entre 3 et 150 caractères.",
            ));
        } else if looks_like_link(&self.title) {
            errors.push(Invalid::new(
                "title",
                "L'intitulé ne doit contenir ni adresse web ni e-mail.",
            ));
        }
        let desc_len = self.description.trim().chars().count();
        if desc_len < 30 {
            errors.push(Invalid::new(
                "description",
                "La description doit faire au moins 30 caractères : dites ce que l'apprenti·e fera.",
            ));
        } else if desc_len > 10_000 {
            errors.push(Invalid::new(
                "description",
                "La description ne doit pas dépasser 10 000 caractères.",
            ));
        }
        if self.rome_codes.is_empty() {
            errors.push(Invalid::new("rome_code", "Indiquez au moins un code ROME."));
        }
        let company_len = self.company_name.trim().chars().count();
        if !(1..=200).contains(&company_len) {
            errors.push(Invalid::new(
                "company_name",
                "Indiquez le nom de l'entreprise (200 caractères au plus).",
            ));
        }
        if let Some(d) = self.duration_months {
            if !(6..=36).contains(&d) {
                errors.push(Invalid::new(
                    "duration_months",
                    "Un contrat d'apprentissage dure de 6 à 36 mois.",
                ));
            }
        }
        if !(1..=99).contains(&self.positions) {
            errors.push(Invalid::new(
                "positions",
                "Le nombre de postes doit être entre 1 et 99.",
            ));
        }
        let c = &self.contact;
        if c.email.is_none() && c.phone.is_none() && c.apply_url.is_none() {
            errors.push(Invalid::new(
                "contact",
                "Indiquez comment postuler : un e-mail, un téléphone ou une adresse de candidature.",
            ));
        }
        if let Some(id) = &self.source.external_id {
            if id.trim().is_empty() || id.chars().count() > 100 {
                errors.push(Invalid::new(
                    "external_id",
                    "L'identifiant externe doit faire de 1 à 100 caractères.",
                ));
            }
        }
        let texts = [
            ("title", "intitulé", Some(self.title.as_str()), false),
            (
                "description",
                "description",
                Some(self.description.as_str()),
                true,
            ),
            (
                "company_name",
                "entreprise",
                Some(self.company_name.as_str()),
                false,
            ),
            ("address", "adresse", self.address.as_deref(), false),
            (
                "diploma_label",
                "diplôme préparé",
                self.diploma_label.as_deref(),
                false,
            ),
            ("cfa", "CFA", self.cfa.as_deref(), false),
            (
                "external_id",
                "identifiant externe",
                self.source.external_id.as_deref(),
                false,
            ),
        ];
        for (field, label, value, multiline) in texts {
            if let Some(Err(e)) = value.map(|v| check_text(field, label, v, multiline)) {
                errors.push(e);
            }
        }
        errors
    }
}

fn looks_like_link(text: &str) -> bool {
    let t = text.to_lowercase();
    t.contains("http://") || t.contains("https://") || t.contains("www.") || t.contains('@')
}

/// A stored offer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offer {
    pub id: i64,
    /// Increases on every change; the change feed the index follows.
    pub revision: i64,
    pub status: OfferStatus,
    pub fields: OfferInput,
    pub company_id: i64,
    pub cfa_id: Option<i64>,
    /// The linked training centre's commune (INSEE code), resolved by the storage: where the
    /// weeks at school take the apprentice.
    pub cfa_commune: Option<String>,
    /// The partner organisation that manages the offer, if any.
    pub organisation_id: Option<i64>,
    /// When a counselor validated it for the next edition.
    pub validated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Another source's copy of this offer: not shown on its own (see the connectors).
    pub duplicate_of: Option<i64>,
}

impl Offer {
    /// Shown in the catalogue: public status, and not another offer's duplicate.
    pub fn is_listed(&self) -> bool {
        self.status.is_public() && self.duplicate_of.is_none()
    }

    /// Published in the last seven days.
    pub fn is_new(&self, now: DateTime<Utc>) -> bool {
        self.published_at
            .is_some_and(|p| now - p < chrono::Duration::days(7) && p <= now)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> OfferInput {
        OfferInput {
            title: "Boulanger/Boulangère".into(),
            description: "Pétrissage, façonnage et cuisson du pain au fournil, dès 5 h du matin."
                .into(),
            rome_codes: vec![CodeRome::parse("D1102").unwrap()],
            company_name: "Boulangerie du Four Fictif".into(),
            siret: None,
            commune: CodeInsee::parse("61214").unwrap(),
            address: None,
            contract_type: ContractType::Apprentissage,
            level: Some(NiveauDiplome::new(3).unwrap()),
            diploma_label: Some("CAP Boulanger".into()),
            start: StartDate::Asap,
            duration_months: Some(24),
            positions: 1,
            rqth: false,
            driving_licence: false,
            cfa: None,
            contact: Contact {
                phone: Some(Telephone::parse("0261910000").unwrap()),
                ..Contact::default()
            },
            source: OfferSource {
                kind: SourceKind::Appel,
                name: "gestion".into(),
                external_id: None,
                url: None,
            },
            location: None,
        }
    }

    #[test]
    fn a_complete_offer_passes() {
        assert_eq!(sample().check(), vec![]);
    }

    #[test]
    fn each_rule_names_its_field() {
        let mut o = sample();
        o.title = "ab".into();
        o.description = "trop court".into();
        o.rome_codes.clear();
        o.duration_months = Some(48);
        o.positions = 0;
        o.contact = Contact::default();
        let fields: Vec<_> = o.check().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "title",
                "description",
                "rome_code",
                "duration_months",
                "positions",
                "contact"
            ]
        );
    }

    #[test]
    fn no_link_in_title() {
        let mut o = sample();
        o.title = "Apprenti boulanger www.exemple.fr".into();
        assert_eq!(o.check()[0].field, "title");
    }

    #[test]
    fn control_characters_are_refused_in_every_text_but_line_breaks_in_the_description() {
        let mut o = sample();
        o.description.push_str("\r\n\tLe samedi matin aussi.");
        assert_eq!(o.check(), vec![]);
        o.title = "Boulanger\0".into();
        o.company_name = "Four\nFictif".into();
        o.address = Some("1 rue\r du Four".into());
        o.diploma_label = Some("CAP\u{7}".into());
        o.description.push('\0');
        let fields: Vec<_> = o.check().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "title",
                "description",
                "company_name",
                "address",
                "diploma_label"
            ]
        );
    }

    #[test]
    fn a_start_date_stays_within_three_years_ahead_and_one_year_back() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let mut o = sample();
        for ok in ["2026-11-26", "2029-11-26", "2025-11-26"] {
            o.start = StartDate::parse(ok).unwrap();
            assert_eq!(o.check_at(today), vec![], "{ok}");
        }
        for bad in ["9999-12-31", "2029-11-27", "2025-11-25", "1900-01-01"] {
            o.start = StartDate::parse(bad).unwrap();
            let e = o.check_at(today);
            assert_eq!(e.len(), 1, "{bad}");
            assert_eq!(e[0].field, "start_date");
        }
        o.start = StartDate::Asap;
        assert_eq!(o.check_at(today), vec![]);
    }

    #[test]
    fn the_workplace_is_near_its_commune() {
        let laigle = GeoPoint::new(48.765, 0.628).unwrap();
        let mut o = sample();
        assert!(o.check_place(laigle).is_ok());
        o.location = Some(GeoPoint::new(48.52, 0.547).unwrap()); // Mortagne, 28 km
        assert!(o.check_place(laigle).is_ok());
        o.location = Some(GeoPoint::new(-89.9, 179.9).unwrap());
        let e = o.check_place(laigle).unwrap_err();
        assert!(e.message.contains("moins de 30 km"), "{}", e.message);
        o.location = Some(GeoPoint::new(0.628, 48.765).unwrap()); // swapped
        assert!(o.check_place(laigle).is_err());
    }

    #[test]
    fn start_dates() {
        assert_eq!(StartDate::parse("").unwrap(), StartDate::Asap);
        let d = NaiveDate::from_ymd_opt(2027, 9, 1).unwrap();
        assert_eq!(StartDate::parse("2027-09-01").unwrap(), StartDate::On(d));
        assert_eq!(StartDate::parse("01/09/2027").unwrap(), StartDate::On(d));
        assert!(StartDate::parse("31/02/2027").is_err());
        assert!(StartDate::parse("septembre").is_err());
    }
}
