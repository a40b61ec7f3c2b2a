//! Fake partner servers: France Travail (token + search) and La bonne alternance, serving the
//! documented shapes, with scripted failures. France Travail accepts the credentials
//! `id-ml` / `secret-ml` unless [`Fake::credentials`] says otherwise; La bonne alternance the
//! token `jeton-lba`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{Value, json};

/// What the next search answers instead of the real results.
#[derive(Clone, Copy, Debug)]
pub enum Scripted {
    Status(u16),
    Malformed,
    /// 401 on a token that was valid: it expired early.
    Expired,
    /// Announces this many offers in `Content-Range`, more than it will serve.
    Inflated(usize),
}

#[derive(Default)]
pub struct Fake {
    /// (département, creation date, offer)
    pub offers: Vec<(String, String, Value)>,
    pub jobs: Vec<Value>,
    pub script: VecDeque<Scripted>,
    pub tokens_issued: usize,
    pub valid_tokens: Vec<String>,
    pub searches: Vec<(Instant, HashMap<String, String>)>,
    /// France Travail's client id and secret; `None`: `id-ml` / `secret-ml`.
    pub credentials: Option<(String, String)>,
}

pub type Shared = Arc<Mutex<Fake>>;

impl Fake {
    /// A France Travail with one apprenticeship offer, a baker's in L'Aigle (61), accepting
    /// `id` / `secret`.
    pub fn one_offer(id: &str, secret: &str) -> Shared {
        Arc::new(Mutex::new(Fake {
            offers: vec![(
                "61".into(),
                "2026-11-20T10:00:00.000Z".into(),
                json!({
                    "id": "204XKLM",
                    "intitule": "Boulanger / Boulangère (H/F)",
                    "description": "Vous apprendrez le métier aux côtés d'un artisan, en alternance avec le CFA.",
                    "lieuTravail": {"libelle": "61 - L'AIGLE", "codePostal": "61300", "commune": "61214"},
                    "romeCode": "D1102",
                    "entreprise": {"nom": "Boulangerie Fictive"},
                    "natureContrat": "Contrat apprentissage",
                    "alternance": true,
                    "contact": {"telephone": "02 33 24 00 00"},
                    "origineOffre": {"origine": "1", "urlOrigine": "https://candidat.francetravail.fr/offres/recherche/detail/204XKLM"}
                }),
            )],
            credentials: Some((id.into(), secret.into())),
            ..Fake::default()
        }))
    }
}

/// Serves `fake` on a free local port; returns its base address (`http://127.0.0.1:…`).
pub async fn start(fake: Shared) -> String {
    let app = Router::new()
        .route("/token", post(token))
        .route("/v2/offres/search", get(search))
        .route("/api/job/v1/search", get(lba_search))
        .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn token(State(fake): State<Shared>, Form(form): Form<HashMap<String, String>>) -> Response {
    let (id, secret) = fake
        .lock()
        .unwrap()
        .credentials
        .clone()
        .unwrap_or_else(|| ("id-ml".into(), "secret-ml".into()));
    if form.get("grant_type").map(String::as_str) != Some("client_credentials")
        || form.get("client_id") != Some(&id)
        || form.get("client_secret") != Some(&secret)
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let mut f = fake.lock().unwrap();
    f.tokens_issued += 1;
    let t = format!("jeton-{}", f.tokens_issued);
    f.valid_tokens.push(t.clone());
    Json(json!({"access_token": t, "token_type": "Bearer", "expires_in": 1499, "scope": "api_offresdemploiv2 o2dsoffre"}))
        .into_response()
}

fn bearer(headers: &HeaderMap) -> String {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned()
}

async fn search(
    State(fake): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut f = fake.lock().unwrap();
    f.searches.push((Instant::now(), q.clone()));
    let token = bearer(&headers);
    if !f.valid_tokens.contains(&token) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let mut inflated = None;
    match f.script.pop_front() {
        Some(Scripted::Inflated(n)) => inflated = Some(n),
        Some(Scripted::Status(s)) => {
            return (StatusCode::from_u16(s).unwrap(), "erreur simulée").into_response();
        }
        Some(Scripted::Malformed) => {
            return (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                "{\"resultats\": [ {\"id\": ",
            )
                .into_response();
        }
        Some(Scripted::Expired) => {
            f.valid_tokens.retain(|t| *t != token);
            return StatusCode::UNAUTHORIZED.into_response();
        }
        None => {}
    }
    // The documented cap: a start index above 3000 is refused.
    let (start, end) = q
        .get("range")
        .and_then(|r| r.split_once('-'))
        .map(|(a, b)| (a.parse::<usize>().unwrap(), b.parse::<usize>().unwrap()))
        .unwrap_or((0, 149));
    if start > 3000 || end < start || end - start >= 150 {
        return (StatusCode::BAD_REQUEST, "range invalide").into_response();
    }
    assert_eq!(q.get("natureContrat").map(String::as_str), Some("E2,FS"));
    let dep = q.get("departement").cloned().unwrap_or_default();
    let min = q.get("minCreationDate").cloned();
    let max = q.get("maxCreationDate").cloned();
    let matching: Vec<&Value> = f
        .offers
        .iter()
        .filter(|(d, created, _)| {
            *d == dep
                && min.as_ref().is_none_or(|m| created >= m)
                && max.as_ref().is_none_or(|m| created <= m)
        })
        .map(|(_, _, o)| o)
        .collect();
    let total = inflated.unwrap_or(matching.len());
    if total == 0 {
        return StatusCode::NO_CONTENT.into_response();
    }
    let page: Vec<&Value> = matching
        .into_iter()
        .skip(start)
        .take(end - start + 1)
        .collect();
    let last = start + page.len().saturating_sub(1);
    let status = if page.len() < total {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    (
        status,
        [(
            header::CONTENT_RANGE,
            format!("offres {start}-{last}/{total}"),
        )],
        Json(json!({ "resultats": page, "filtresPossibles": [] })),
    )
        .into_response()
}

async fn lba_search(
    State(fake): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut f = fake.lock().unwrap();
    f.searches.push((Instant::now(), q.clone()));
    if bearer(&headers) != "jeton-lba" {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if let Some(Scripted::Status(s)) = f.script.pop_front() {
        return (StatusCode::from_u16(s).unwrap(), "erreur simulée").into_response();
    }
    let lat: f64 = q["latitude"].parse().unwrap();
    let lon: f64 = q["longitude"].parse().unwrap();
    let radius: f64 = q["radius"].parse().unwrap();
    let jobs: Vec<&Value> = f
        .jobs
        .iter()
        .filter(|j| {
            let c = &j["workplace"]["location"]["geopoint"]["coordinates"];
            match (c[1].as_f64(), c[0].as_f64()) {
                (Some(jl), Some(jo)) => {
                    tremplin_domain::geo::haversine_km(lat, lon, jl, jo) <= radius
                }
                _ => true,
            }
        })
        .collect();
    Json(json!({ "jobs": jobs, "recruiters": [], "warnings": [] })).into_response()
}

/// A France Travail offer in the documented shape.
pub fn ft_offer(id: &str, title: &str, insee: &str, company: &str) -> Value {
    json!({
        "id": id,
        "intitule": title,
        "description": "Vous apprendrez le métier aux côtés d'un tuteur expérimenté, en alternance avec le CFA.",
        "dateCreation": "2026-11-20T10:00:00.000Z",
        "dateActualisation": "2026-11-21T10:00:00.000Z",
        "lieuTravail": { "libelle": "61 - L'AIGLE", "latitude": 48.764, "longitude": 0.628, "codePostal": "61300", "commune": insee },
        "romeCode": "D1102",
        "romeLibelle": "Boulangerie - viennoiserie",
        "entreprise": { "nom": company, "siret": "66043714600013" },
        "typeContrat": "CDD",
        "typeContratLibelle": "Contrat à durée déterminée - 24 Mois",
        "natureContrat": "Contrat apprentissage",
        "alternance": true,
        "formations": [{ "niveauLibelle": "CAP, BEP et équivalents" }],
        "permis": [],
        "salaire": { "libelle": "Selon la grille de l'apprentissage" },
        "dureeTravailLibelle": "35H Horaires normaux",
        "contact": { "nom": "Mme Martin", "courriel": "recrutement@boulangerie-fictive.fr", "telephone": "02 33 24 00 00" },
        "nombrePostes": 1,
        "accessibleTH": false,
        "origineOffre": { "origine": "1", "urlOrigine": format!("https://candidat.francetravail.fr/offres/recherche/detail/{id}") }
    })
}
