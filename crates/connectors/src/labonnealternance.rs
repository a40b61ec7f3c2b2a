//! La bonne alternance, API Alternance (`/job/v1/search`): offers around points covering the
//! territory, at its documented pace (60 searches a minute), and the mapping of `JobOfferRead`.

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDate;
use serde_json::Value;
use tremplin_domain::Telephone;
use tremplin_referentiels::{Commune, Communes, fold};

use crate::http::{Http, json};
use crate::mapping::{array, number, plain, postcode_and_name, set_place, text, title};
use crate::{Columns, ConnectorError, Mapped, Progress};

pub const SOURCE: &str = "labonnealternance";
pub const DEFAULT_API_BASE: &str = "https://api.apprentissage.beta.gouv.fr/api";
/// Radius of each search, km; the points are placed so that the circles cover the territory.
pub const RADIUS_KM: f64 = 20.0;

#[derive(Clone)]
pub struct Settings {
    pub api_base: String,
    pub token: String,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("api_base", &self.api_base)
            .field("token", &"…")
            .finish()
    }
}

pub struct Client {
    http: Http,
    settings: Settings,
}

impl Client {
    pub fn new(settings: Settings, http: Http) -> Self {
        Self { http, settings }
    }

    /// One search a second: the API allows 60 a minute.
    pub fn with_defaults(settings: Settings) -> Result<Self, ConnectorError> {
        Ok(Self::new(settings, Http::new(Duration::from_secs(1))?))
    }

    /// The offers within `RADIUS_KM` of each point, each once.
    pub async fn fetch(
        &self,
        points: &[(f64, f64)],
        progress: &Progress,
    ) -> Result<Vec<Value>, ConnectorError> {
        let what = "La bonne alternance (recherche)";
        let url = format!(
            "{}/job/v1/search",
            self.settings.api_base.trim_end_matches('/')
        );
        let mut found: HashMap<String, Value> = HashMap::new();
        progress.expect(points.len());
        for &(lat, lon) in points {
            let response = self
                .http
                .send(what, |c| {
                    c.get(&url).bearer_auth(&self.settings.token).query(&[
                        ("latitude", format!("{lat:.5}")),
                        ("longitude", format!("{lon:.5}")),
                        ("radius", format!("{RADIUS_KM:.0}")),
                    ])
                })
                .await?;
            let status = response.status().as_u16();
            match status {
                200 => {}
                204 => {
                    progress.advance(1);
                    continue;
                }
                401 | 403 => {
                    return Err(ConnectorError::Auth {
                        what: what.to_owned(),
                        status,
                    });
                }
                _ => {
                    let body = response.text().await.unwrap_or_default();
                    return Err(ConnectorError::Status {
                        what: what.to_owned(),
                        status,
                        body: body.chars().take(300).collect(),
                    });
                }
            }
            let body = json(what, response).await?;
            let jobs = match body.get("jobs") {
                Some(Value::Array(a)) => a,
                None | Some(Value::Null) => &Vec::new(),
                Some(_) => {
                    return Err(ConnectorError::Malformed {
                        what: what.to_owned(),
                        cause: "« jobs » n'est pas une liste".into(),
                    });
                }
            };
            for job in jobs {
                let id = text(job, "identifier.id");
                // Without an id an offer cannot be followed: kept under a unique key so that
                // the mapper reports it.
                let key = if id.is_empty() {
                    format!("sans-id-{}", found.len())
                } else {
                    id
                };
                found.insert(key, job.clone());
            }
            progress.advance(1);
        }
        let mut offers: Vec<Value> = found.into_values().collect();
        offers.sort_by_key(|o| text(o, "identifier.id"));
        Ok(offers)
    }
}

/// Search points covering the communes: the most populous commune of each cell of a grid
/// whose cells fit inside a search circle.
pub fn search_points<'a>(communes: impl Iterator<Item = &'a Commune>) -> Vec<(f64, f64)> {
    // A square of side r·√2 fits in a circle of radius r.
    let side_km = RADIUS_KM * std::f64::consts::SQRT_2 * 0.9;
    let mut cells: HashMap<(i64, i64), &Commune> = HashMap::new();
    for c in communes.filter(|c| !c.approximate) {
        let y = (c.lat * 111.2 / side_km).floor() as i64;
        let x = (c.lon * 111.2 * c.lat.to_radians().cos() / side_km).floor() as i64;
        cells
            .entry((x, y))
            .and_modify(|best| {
                if c.population > best.population {
                    *best = c;
                }
            })
            .or_insert(c);
    }
    let mut points: Vec<(f64, f64)> = cells.values().map(|c| (c.lat, c.lon)).collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    points
}

/// One `JobOfferRead` as Tremplin columns, or why not. `today` turns start dates already
/// past into "as soon as possible".
pub fn map(o: &Value, communes: &Communes, today: NaiveDate) -> Mapped {
    let id = text(o, "identifier.id");
    let reject = |reason: String| Mapped::Rejected {
        external_id: if id.is_empty() {
            "(sans identifiant)".into()
        } else {
            id.clone()
        },
        reason,
    };
    if !o.is_object() {
        return reject("L'offre n'est pas un objet JSON.".into());
    }
    if id.is_empty() {
        return reject("L'offre n'a pas d'identifiant.".into());
    }
    // La bonne alternance also relays France Travail's offers: that connector brings them.
    if fold(&text(o, "identifier.partner_label")).contains("france travail") {
        return Mapped::Excluded {
            why: "déjà apportée par France Travail",
        };
    }
    let status = text(o, "offer.status");
    if !status.is_empty() && status != "Active" {
        return Mapped::Excluded {
            why: "plus active chez La bonne alternance",
        };
    }
    // Offers expire after two months there; one past its date is not shown here either.
    let expires = text(o, "offer.publication.expiration");
    if let Some(date) = expires
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        && date < today
    {
        return Mapped::Excluded {
            why: "expirée chez La bonne alternance",
        };
    }
    let kinds: Vec<String> = array(o, "contract.type")
        .iter()
        .filter_map(Value::as_str)
        .map(fold)
        .collect();
    let contract = if kinds.iter().any(|k| k.contains("apprentissage")) {
        "apprentissage"
    } else if kinds.iter().any(|k| k.contains("professionnalisation")) {
        "professionnalisation"
    } else {
        return reject("Le type de contrat (apprentissage ou professionnalisation) manque.".into());
    };
    let mut c = Columns::default();
    c.set("external_id", &id);
    let t = title(&text(o, "offer.title"));
    if t.is_empty() {
        return reject("L'offre n'a pas d'intitulé.".into());
    }
    c.set("title", t);
    let mut description = plain(&text(o, "offer.description"));
    let skills: Vec<String> = array(o, "offer.desired_skills")
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    if !skills.is_empty() {
        description.push_str(&format!("\nQualités attendues : {}", skills.join(", ")));
    }
    c.set("description", description);
    let romes: Vec<&str> = array(o, "offer.rome_codes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if romes.is_empty() {
        return reject("L'offre n'a pas de code ROME.".into());
    }
    c.set("rome_code", romes.join("|"));
    let company = ["workplace.brand", "workplace.legal_name", "workplace.name"]
        .iter()
        .map(|p| text(o, p))
        .find(|n| !n.is_empty());
    let Some(company) = company else {
        return reject("Le nom de l'entreprise manque.".into());
    };
    c.set("company_name", company);
    c.set("siret", text(o, "workplace.siret"));
    let address = text(o, "workplace.location.address");
    let (postcode, name) = postcode_and_name(&address).unwrap_or_default();
    // GeoJSON: [longitude, latitude].
    let coordinates = array(o, "workplace.location.geopoint.coordinates");
    let point = match coordinates {
        [lon, lat] => lat.as_f64().zip(lon.as_f64()),
        _ => None,
    };
    if !set_place(&mut c, communes, "", &postcode, &name, point) {
        return reject(format!("Commune introuvable : « {address} »."));
    }
    c.set("contract_type", contract);
    if let Some(level) =
        number(o, "offer.target_diploma.european").filter(|l| (3.0..=7.0).contains(l))
    {
        c.set("target_diploma_level", (level as u8).to_string());
    }
    let start = text(o, "contract.start");
    if let Some(date) = start
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        && date > today
    {
        c.set("start_date", date.to_string());
    }
    if let Some(months) = number(o, "contract.duration").filter(|m| (6.0..=36.0).contains(m)) {
        c.set("duration_months", (months as u8).to_string());
    }
    if let Some(n) = number(o, "offer.opening_count").filter(|n| (1.0..=100.0).contains(n)) {
        c.set("positions", (n as u16).to_string());
    }
    let phone = text(o, "apply.phone");
    if Telephone::parse(&phone).is_ok() {
        c.set("contact_phone", phone);
    }
    let apply = Some(text(o, "apply.url")).filter(|u| u.starts_with("https://"));
    match &apply {
        Some(url) => {
            c.set("apply_url", url);
            c.set("source_url", url);
        }
        None if c.get("contact_phone").is_empty() => {
            return reject("Ni lien pour postuler ni téléphone.".into());
        }
        None => {}
    }
    Mapped::Offer(c)
}
