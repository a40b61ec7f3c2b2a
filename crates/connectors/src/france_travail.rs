//! France Travail, API « Offres d'emploi v2 »: OAuth2 client credentials, apprenticeship
//! search by département, pages of 150 with the 3 000 start-index cap handled by splitting the
//! creation dates, and the mapping of its offers.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;
use tremplin_domain::{Email, Telephone};
use tremplin_referentiels::{Communes, fold};

use crate::http::{Http, json};
use crate::mapping::{array, boolean, number, plain, set_place, text, title};
use crate::{Columns, ConnectorError, Mapped, Progress};

pub const SOURCE: &str = "france-travail";
pub const DEFAULT_API_BASE: &str = "https://api.francetravail.io/partenaire/offresdemploi/v2";
pub const DEFAULT_TOKEN_URL: &str =
    "https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=/partenaire";
const SCOPE: &str = "api_offresdemploiv2 o2dsoffre";

/// Offers per page, and the highest start index the API accepts.
pub const PAGE: usize = 150;
pub const MAX_START: usize = 3000;
/// Renew the token this long before it expires.
const TOKEN_MARGIN: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct Settings {
    /// Up to `/v2`; `/offres/search` is added.
    pub api_base: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub departements: Vec<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("api_base", &self.api_base)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"…")
            .field("departements", &self.departements)
            .finish()
    }
}

pub struct Client {
    http: Http,
    settings: Settings,
    token: Mutex<Option<(String, Instant)>>,
}

/// Creation dates searched when one search has more offers than the API can page through.
fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
        .single()
        .expect("date")
}

impl Client {
    pub fn new(settings: Settings, http: Http) -> Self {
        Self {
            http,
            settings,
            token: Mutex::new(None),
        }
    }

    /// 10 requests a second, as France Travail allows.
    pub fn with_defaults(settings: Settings) -> Result<Self, ConnectorError> {
        Ok(Self::new(settings, Http::new(Duration::from_millis(100))?))
    }

    /// The cached token, or a new one when it is about to expire (or was refused).
    async fn token(&self, renew: bool) -> Result<String, ConnectorError> {
        let mut cached = self.token.lock().await;
        if !renew && let Some((token, until)) = cached.as_ref() {
            if Instant::now() < *until {
                return Ok(token.clone());
            }
        }
        let what = "France Travail (jeton)";
        let s = &self.settings;
        let response = self
            .http
            .send(what, |c| {
                c.post(&s.token_url).form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", s.client_id.as_str()),
                    ("client_secret", s.client_secret.as_str()),
                    ("scope", SCOPE),
                ])
            })
            .await?;
        let status = response.status().as_u16();
        if matches!(status, 400 | 401 | 403) {
            return Err(ConnectorError::Auth {
                what: what.to_owned(),
                status,
            });
        }
        if !response.status().is_success() {
            return Err(ConnectorError::Status {
                what: what.to_owned(),
                status,
                body: String::new(),
            });
        }
        let body = json(what, response).await?;
        let token = text(&body, "access_token");
        if token.is_empty() {
            return Err(ConnectorError::Malformed {
                what: what.to_owned(),
                cause: "pas de access_token".into(),
            });
        }
        let lifetime = number(&body, "expires_in")
            .unwrap_or(0.0)
            .clamp(0.0, 86_400.0);
        let until = Instant::now() + Duration::from_secs_f64(lifetime).saturating_sub(TOKEN_MARGIN);
        *cached = Some((token.clone(), until));
        Ok(token)
    }

    /// One page from `start`: its offers and the total the search has (from `Content-Range`).
    async fn page(
        &self,
        params: &[(&str, String)],
        start: usize,
    ) -> Result<(Vec<Value>, usize), ConnectorError> {
        let what = "France Travail (recherche)";
        let url = format!(
            "{}/offres/search",
            self.settings.api_base.trim_end_matches('/')
        );
        let range = format!("{start}-{}", start + PAGE - 1);
        let mut renewed = false;
        loop {
            let token = self.token(renewed).await?;
            let response = self
                .http
                .send(what, |c| {
                    c.get(&url)
                        .bearer_auth(&token)
                        .query(params)
                        .query(&[("range", range.as_str())])
                })
                .await?;
            let status = response.status().as_u16();
            match status {
                // An expired or revoked token: one new one, then give up.
                401 if !renewed => {
                    renewed = true;
                    continue;
                }
                401 | 403 => {
                    return Err(ConnectorError::Auth {
                        what: what.to_owned(),
                        status,
                    });
                }
                204 => return Ok((Vec::new(), 0)),
                200 | 206 => {
                    let total = response
                        .headers()
                        .get("content-range")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.rsplit('/').next())
                        .and_then(|t| t.trim().parse::<usize>().ok());
                    let body = json(what, response).await?;
                    let offers = match body.get("resultats") {
                        Some(Value::Array(a)) => a.clone(),
                        None | Some(Value::Null) => Vec::new(),
                        Some(_) => {
                            return Err(ConnectorError::Malformed {
                                what: what.to_owned(),
                                cause: "« resultats » n'est pas une liste".into(),
                            });
                        }
                    };
                    let total = match total {
                        Some(t) => t,
                        // Everything in one answer.
                        None if status == 200 => start + offers.len(),
                        None => {
                            return Err(ConnectorError::Malformed {
                                what: what.to_owned(),
                                cause: "réponse partielle sans Content-Range".into(),
                            });
                        }
                    };
                    return Ok((offers, total));
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
        }
    }

    /// The départements searched: offers elsewhere are not this run's to close.
    pub fn departements(&self) -> &[String] {
        &self.settings.departements
    }

    /// Every apprenticeship offer of the territory's départements, each once.
    pub async fn fetch(&self, progress: &Progress) -> Result<Vec<Value>, ConnectorError> {
        let mut found: HashMap<String, Value> = HashMap::new();
        let now = Utc::now();
        for dep in &self.settings.departements {
            let params = vec![
                ("departement", dep.clone()),
                ("natureContrat", "E2,FS".to_owned()),
                // Offers La bonne alternance pushed to France Travail come from that connector.
                ("partenaires", "LABONNEALTERNANCE".to_owned()),
                ("modeSelectionPartenaires", "EXCLU".to_owned()),
            ];
            let first = self.page(&params, 0).await?;
            self.window(&params, None, first, now, &mut found, progress)
                .await?;
        }
        let mut offers: Vec<Value> = found.into_values().collect();
        offers.sort_by_key(|o| text(o, "id"));
        Ok(offers)
    }

    /// All offers of one search whose first page is `first`, split in two halves of creation
    /// dates while it holds more than the API can page through (3 150): none is silently
    /// missed.
    async fn window(
        &self,
        params: &[(&str, String)],
        dates: Option<(DateTime<Utc>, DateTime<Utc>)>,
        first: (Vec<Value>, usize),
        now: DateTime<Utc>,
        found: &mut HashMap<String, Value>,
        progress: &Progress,
    ) -> Result<(), ConnectorError> {
        let (first, total) = first;
        let params = with_dates(params, dates);
        if total > MAX_START + PAGE {
            let (from, to) = dates.unwrap_or((epoch(), now));
            if to - from < chrono::Duration::minutes(2) {
                return Err(ConnectorError::Split(format!(
                    "France Travail annonce {total} offres créées entre {from} et {to} : impossible de les parcourir toutes"
                )));
            }
            let middle = from + (to - from) / 2;
            let halves = [(from, middle), (middle, to)];
            let mut firsts = Vec::new();
            for half in halves {
                firsts.push(self.page(&with_dates(&params, Some(half)), 0).await?);
            }
            // Halves that each hold (nearly) everything: the dates are not being filtered,
            // and splitting again would never end.
            if firsts[0].1 + firsts[1].1 > total + PAGE {
                return Err(ConnectorError::Split(format!(
                    "France Travail ne filtre pas les dates de création ({} + {} offres pour {total}) : recherche impossible à découper",
                    firsts[0].1, firsts[1].1
                )));
            }
            for (half, first) in halves.into_iter().zip(firsts) {
                Box::pin(self.window(&params, Some(half), first, now, found, progress)).await?;
            }
            return Ok(());
        }
        progress.expect(total);
        progress.advance(first.len());
        let (mut first, mut total) = (first, total);
        // Offers published or withdrawn while the pages are read shift them: the search is
        // read again from the start once, then the run fails rather than miss one.
        let mut restarted = false;
        'read: loop {
            let mut got = first.len();
            for offer in std::mem::take(&mut first) {
                found.insert(text(&offer, "id"), offer);
            }
            let mut start = PAGE;
            while start < total {
                let (offers, now_total) = self.page(&params, start).await?;
                if now_total != total {
                    if restarted {
                        return Err(ConnectorError::Malformed {
                            what: "France Travail (recherche)".into(),
                            cause: format!(
                                "la liste change pendant la lecture ({total} puis {now_total} offres)"
                            ),
                        });
                    }
                    restarted = true;
                    (first, total) = self.page(&params, 0).await?;
                    continue 'read;
                }
                if offers.is_empty() {
                    // Fewer offers than announced: a partial list must not close the others.
                    return Err(ConnectorError::Malformed {
                        what: "France Travail (recherche)".into(),
                        cause: format!("{total} offres annoncées, {got} reçues"),
                    });
                }
                got += offers.len();
                progress.advance(offers.len());
                for offer in offers {
                    found.insert(text(&offer, "id"), offer);
                }
                start += PAGE;
            }
            return Ok(());
        }
    }
}

/// The search's parameters for these creation dates (none: all dates).
fn with_dates<'a>(
    params: &[(&'a str, String)],
    dates: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Vec<(&'a str, String)> {
    let mut out = params_without_dates(params);
    if let Some((from, to)) = dates {
        out.push((
            "minCreationDate",
            from.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        ));
        out.push((
            "maxCreationDate",
            to.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        ));
    }
    out
}

fn params_without_dates<'a>(params: &[(&'a str, String)]) -> Vec<(&'a str, String)> {
    params
        .iter()
        .filter(|(k, _)| !k.ends_with("CreationDate"))
        .cloned()
        .collect()
}

/// One France Travail offer as Tremplin columns, or why not.
pub fn map(o: &Value, communes: &Communes) -> Mapped {
    let id = text(o, "id");
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
    let from_lba = array(o, "origineOffre.partenaires")
        .iter()
        .any(|p| fold(&text(p, "nom")).contains("labonnealternance"))
        || text(o, "origineOffre.urlOrigine").contains("labonnealternance");
    if from_lba {
        return Mapped::Excluded {
            why: "déjà apportée par La bonne alternance",
        };
    }
    let nature = fold(&text(o, "natureContrat"));
    let contract = if nature.contains("professionnalisation") {
        "professionnalisation"
    } else if nature.contains("apprentissage") || boolean(o, "alternance") {
        "apprentissage"
    } else {
        return Mapped::Excluded {
            why: "pas un contrat en alternance",
        };
    };
    let mut c = Columns::default();
    c.set("external_id", &id);
    let t = title(&text(o, "intitule"));
    if t.is_empty() {
        return reject("L'offre n'a pas d'intitulé.".into());
    }
    c.set("title", t);
    let mut description = plain(&text(o, "description"));
    for (label, path) in [
        ("Salaire", "salaire.libelle"),
        ("Temps de travail", "dureeTravailLibelle"),
    ] {
        let v = text(o, path);
        if !v.is_empty() {
            description.push_str(&format!("\n{label} : {v}"));
        }
    }
    c.set("description", description);
    let rome = text(o, "romeCode");
    if rome.is_empty() {
        return reject("L'offre n'a pas de code ROME.".into());
    }
    c.set("rome_code", rome);
    let company = text(o, "entreprise.nom");
    if company.is_empty() {
        return reject("France Travail ne communique pas le nom de l'entreprise.".into());
    }
    c.set("company_name", company);
    c.set("siret", text(o, "entreprise.siret"));
    let point = number(o, "lieuTravail.latitude").zip(number(o, "lieuTravail.longitude"));
    let place = text(o, "lieuTravail.libelle");
    if !set_place(
        &mut c,
        communes,
        &text(o, "lieuTravail.commune"),
        &text(o, "lieuTravail.codePostal"),
        &place,
        point,
    ) {
        return reject(format!("Commune introuvable : « {place} »."));
    }
    c.set("contract_type", contract);
    if let Some(level) = array(o, "formations")
        .iter()
        .filter_map(|f| level(&text(f, "niveauLibelle")))
        .min()
    {
        c.set("target_diploma_level", level.to_string());
    }
    if let Some(n) = number(o, "nombrePostes").filter(|n| (1.0..=100.0).contains(n)) {
        c.set("positions", (n as u16).to_string());
    }
    c.set(
        "rqth",
        if boolean(o, "accessibleTH") {
            "oui"
        } else {
            "non"
        },
    );
    let licence = array(o, "permis")
        .iter()
        .any(|p| text(p, "exigence") == "E");
    c.set("driving_licence", if licence { "oui" } else { "non" });
    // Contact details that do not parse are left out, not the offer.
    let email = text(o, "contact.courriel");
    if Email::parse(&email).is_ok() {
        c.set("contact_email", email);
    }
    let phone = text(o, "contact.telephone");
    if Telephone::parse(&phone).is_ok() {
        c.set("contact_phone", phone);
    }
    let page = format!("https://candidat.francetravail.fr/offres/recherche/detail/{id}");
    let origin = Some(text(o, "origineOffre.urlOrigine")).filter(|u| u.starts_with("https://"));
    let apply = Some(text(o, "contact.urlPostulation")).filter(|u| u.starts_with("https://"));
    c.set(
        "apply_url",
        apply
            .or_else(|| origin.clone())
            .unwrap_or_else(|| page.clone()),
    );
    c.set("source_url", origin.unwrap_or(page));
    Mapped::Offer(c)
}

/// France Travail's education labels as European levels.
fn level(label: &str) -> Option<u8> {
    let l = fold(label).replace(' ', "");
    if l.contains("bac5") {
        Some(7)
    } else if l.contains("bac3") || l.contains("bac4") {
        Some(6)
    } else if l.contains("bac2") {
        Some(5)
    } else if l.contains("bac") {
        Some(4)
    } else if l.contains("cap") || l.contains("bep") {
        Some(3)
    } else {
        None
    }
}
