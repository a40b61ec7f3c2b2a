//! A test application: a fresh database per test (SQLite, and PostgreSQL when configured), an
//! index in memory, a fixed clock, and requests sent in process.

#![allow(dead_code)]

use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, TimeZone, Utc};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tremplin_domain::{
    CodeInsee, CodeRome, Contact, ContractType, Email, NiveauDiplome, OfferInput, OfferSource,
    OfferStatus, SourceKind, StartDate,
};
use tremplin_mail::{MailConfig, Mailer};
use tremplin_referentiels::{Communes, Rome};
use tremplin_search::SearchIndex;
use tremplin_storage::testing::TestDb;
use tremplin_storage::{OrganisationKind, Role, Territory};
use tremplin_web::{AppState, FixedClock, Referentiels, WebConfig};

#[allow(unused_imports)] // not every test binary loops over the backends
pub use tremplin_storage::testing::backends;

static REFS: LazyLock<Arc<Referentiels>> = LazyLock::new(|| {
    Arc::new(Referentiels {
        communes: Communes::embedded().unwrap(),
        rome: Rome::embedded(),
    })
});

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap()
}

pub struct TestApp {
    pub state: AppState,
    pub uploads: tempfile::TempDir,
    _db: TestDb,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent: images, archives, PDFs.
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub fn offer(ext: &str, title: &str, commune: &str) -> OfferInput {
    OfferInput {
        title: title.into(),
        description: format!(
            "{title} : une mission concrète au sein d'une équipe accueillante, avec un tuteur dédié."
        ),
        rome_codes: vec![CodeRome::parse("D1102").unwrap()],
        company_name: "Entreprise Fictive".into(),
        siret: None,
        commune: CodeInsee::parse(commune).unwrap(),
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
            email: Some(Email::parse("contact@entreprise.example").unwrap()),
            ..Contact::default()
        },
        source: OfferSource {
            kind: SourceKind::Appel,
            name: "test".into(),
            external_id: Some(ext.into()),
            url: None,
        },
        location: None,
    }
}

impl TestApp {
    pub async fn new(backend: &str) -> Self {
        Self::with_connectors(backend, Default::default()).await
    }

    /// An app whose connectors call the given (fake) partner servers.
    pub async fn with_connectors(
        backend: &str,
        connectors: tremplin_connectors::ConnectorSettings,
    ) -> Self {
        Self::build(backend, connectors, None).await
    }

    /// An app whose media live in `media` (a shared folder, a bucket) instead of its own
    /// temporary uploads folder.
    pub async fn with_media(backend: &str, media: tremplin_web::services::media::Media) -> Self {
        Self::build(backend, Default::default(), Some(media)).await
    }

    async fn build(
        backend: &str,
        connectors: tremplin_connectors::ConnectorSettings,
        media: Option<tremplin_web::services::media::Media>,
    ) -> Self {
        let db = TestDb::new(backend).await;
        db.store
            .save_territory(&Territory {
                id: 0,
                name: "Mission Locale de Test".into(),
                short_name: "ML Test".into(),
                publication_weekday: 4,
                publication_time: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                contact_email: Some("contact@ml-test.example".into()),
                address: None,
                phone: Some("02 33 24 00 00".into()),
                opening_hours: Some("du lundi au vendredi, 9 h – 12 h 30 et 13 h 30 – 17 h".into()),
                epcis: vec!["200068468".into(), "200036069".into()],
                reverify_weeks: 4,
                start_tolerance_days: 30,
                retention_months: 12,
            })
            .await
            .unwrap();
        db.store
            .seed_pay_rules(&tremplin_referentiels::pay_rules().unwrap(), now())
            .await
            .unwrap();
        let uploads = tempfile::tempdir().unwrap();
        let media =
            media.unwrap_or_else(|| tremplin_web::services::media::Media::local(uploads.path()));
        let state = AppState::with_media(
            db.store.clone(),
            Arc::new(SearchIndex::in_ram().unwrap()),
            REFS.clone(),
            Arc::new(FixedClock(now())),
            WebConfig {
                public_url: "https://tremplin.example".into(),
                uploads_dir: uploads.path().to_owned(),
                trust_proxy: true,
                connectors,
                body_timeout: tremplin_web::shell::protect::BODY_TIMEOUT,
                sms: true,
            },
            media,
        );
        state.refresh_territory().await.unwrap();
        Self {
            state,
            uploads,
            _db: db,
        }
    }

    /// Another instance on the same database: its own connection pool and its own index, as
    /// a second server behind a load balancer.
    pub async fn second_instance(&self) -> AppState {
        let store = tremplin_storage::Store::connect(&self._db.url)
            .await
            .unwrap();
        let state = AppState::new(
            store,
            Arc::new(SearchIndex::in_ram().unwrap()),
            REFS.clone(),
            Arc::new(FixedClock(now())),
            WebConfig {
                public_url: "https://tremplin.example".into(),
                uploads_dir: self.uploads.path().to_owned(),
                trust_proxy: true,
                connectors: Default::default(),
                body_timeout: tremplin_web::shell::protect::BODY_TIMEOUT,
                sms: true,
            },
        );
        state.refresh_territory().await.unwrap();
        state
    }

    /// Another instance on the same database whose media live in `media`, and whose own
    /// uploads folder is `uploads` (a folder apart from the first instance's).
    pub async fn instance_with_media(
        &self,
        uploads: &std::path::Path,
        media: tremplin_web::services::media::Media,
    ) -> AppState {
        let store = tremplin_storage::Store::connect(&self._db.url)
            .await
            .unwrap();
        let state = AppState::with_media(
            store,
            Arc::new(SearchIndex::in_ram().unwrap()),
            REFS.clone(),
            Arc::new(FixedClock(now())),
            WebConfig {
                public_url: "https://tremplin.example".into(),
                uploads_dir: uploads.to_owned(),
                trust_proxy: true,
                connectors: Default::default(),
                body_timeout: tremplin_web::shell::protect::BODY_TIMEOUT,
                sms: true,
            },
            media,
        );
        state.refresh_territory().await.unwrap();
        state
    }

    /// A test app with a small catalogue around L'Aigle and Mortagne-au-Perche.
    pub async fn with_catalogue(backend: &str) -> Self {
        Self::new(backend).await.and_catalogue().await
    }

    /// The same small catalogue, in an app already built.
    pub async fn and_catalogue(self) -> Self {
        let app = self;
        app.publish(offer("b1", "Boulanger/Boulangère", "61214"), 1)
            .await;
        let mut care = offer("b2", "Aide-soignant·e", "61293");
        care.rome_codes = vec![CodeRome::parse("J1501").unwrap()];
        app.publish(care, 10).await;
        let mut meca = offer("b3", "Mécanicien(ne) agricole", "61293");
        meca.rome_codes = vec![CodeRome::parse("I1603").unwrap()];
        meca.level = Some(NiveauDiplome::new(4).unwrap());
        app.publish(meca, 20).await;
        app.store(
            offer("b4", "Offre en attente de validation", "61214"),
            OfferStatus::AValider,
        )
        .await;
        app.sync().await;
        app
    }

    pub async fn store(&self, input: OfferInput, status: OfferStatus) -> i64 {
        self.state
            .store
            .upsert_offer(&input, status, now())
            .await
            .unwrap()
            .0
    }

    /// Publishes an offer as if `days_ago` days before now.
    pub async fn publish(&self, input: OfferInput, days_ago: i64) -> i64 {
        let id = self.store(input, OfferStatus::Publiee).await;
        self.state
            .store
            .set_published_at(id, now() - Duration::days(days_ago))
            .await
            .unwrap();
        id
    }

    /// Brings the index up to date, as the follower does.
    pub async fn sync(&self) {
        tremplin_web::services::indexer::catch_up(&self.state)
            .await
            .unwrap();
        self.state.set_index_ready();
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(
            Request::get(uri)
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn get_as(&self, uri: &str, cookie: &str) -> Reply {
        self.send(
            Request::get(uri)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn post_form(&self, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.send(
            Request::post(uri)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// A JSON request with an optional bearer token.
    pub async fn json(&self, method: &str, uri: &str, token: Option<&str>, body: &str) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(request.body(Body::from(body.to_owned())).unwrap())
            .await
    }

    /// An API token for a new partner organisation named `name`.
    pub async fn partner_token(&self, name: &str) -> String {
        let org = self
            .state
            .store
            .add_organisation(name, OrganisationKind::Partenaire, now())
            .await
            .unwrap();
        let token = tremplin_web::services::secrets::random_token();
        self.state
            .store
            .create_api_token(
                org,
                &tremplin_web::services::secrets::token_hash(&token),
                "tests",
                now(),
            )
            .await
            .unwrap();
        token
    }

    /// Creates an account; returns its email and password.
    pub async fn user(&self, role: Role, organisation: Option<&str>) -> (String, String) {
        let org = match organisation {
            Some(name) => Some(
                match self.state.store.organisation_id(name).await.unwrap() {
                    Some(id) => id,
                    None => self
                        .state
                        .store
                        .add_organisation(name, OrganisationKind::Partenaire, now())
                        .await
                        .unwrap(),
                },
            ),
            None => None,
        };
        let n = self.state.store.users().await.unwrap().len();
        let email = format!("{}{n}@ml-test.example", role.as_str());
        let password = "un mot de passe solide".to_owned();
        let hash = tremplin_web::services::secrets::hash_password(&password).unwrap();
        self.state
            .store
            .add_user(&email, &hash, role, org, now())
            .await
            .unwrap()
            .unwrap();
        (email, password)
    }

    /// The public application form of `offer`: its CSRF cookie and token.
    pub async fn application_form(&self, offer: i64) -> (String, String) {
        let r = self.get(&format!("/offres/{offer}/postuler")).await;
        assert_eq!(r.status, StatusCode::OK);
        let cookie = r
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let token = cookie.split_once('=').unwrap().1.to_owned();
        (cookie, token)
    }

    /// The login form's CSRF cookie and token.
    pub async fn login_form(&self) -> (String, String) {
        let r = self.get("/connexion").await;
        let set = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
        let cookie = set.split(';').next().unwrap().to_owned();
        let token = cookie.split_once('=').unwrap().1.to_owned();
        assert!(r.body.contains(&format!("name=\"csrf\" value=\"{token}\"")));
        (cookie, token)
    }

    /// Signs in; returns the session cookie to send with requests.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let (cookie, token) = self.login_form().await;
        let r = self
            .post_form(
                "/connexion",
                &cookie,
                &[("email", email), ("password", password), ("csrf", &token)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let set = r
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("tremplin_session="))
            .unwrap();
        set.split(';').next().unwrap().to_owned()
    }

    /// A signed-in session of `role` and its CSRF token, read from the dashboard.
    pub async fn session(&self, role: Role, organisation: Option<&str>) -> (String, String) {
        let (email, password) = self.user(role, organisation).await;
        let cookie = self.login(&email, &password).await;
        let body = self.get_as("/gestion", &cookie).await.body;
        let marker = "name=\"csrf\" value=\"";
        let start = body.find(marker).expect("csrf in the page") + marker.len();
        (cookie, body[start..start + 64].to_owned())
    }

    /// Any request, as built by the test.
    pub async fn raw(&self, request: Request<Body>) -> Reply {
        self.send(request).await
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        send_to(&self.state, request).await
    }
}

/// A request to the instance `state` (another instance than a [`TestApp`]'s own, say).
pub async fn send_to(state: &AppState, request: Request<Body>) -> Reply {
    let response = tremplin_web::router(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

/// Media in a bucket of their own on the local S3 server (moto), under a prefix; `None`, said
/// aloud, when moto is not installed (a failure under `TREMPLIN_REQUIRE_S3`).
pub fn s3_media() -> Option<(
    tremplin_web::services::media::Media,
    tremplin_web::services::media::S3Settings,
)> {
    use tremplin_web::services::media::{Media, S3Settings, Secret};
    let moto = tremplin_testing::s3::moto()?;
    let settings = S3Settings {
        bucket: moto.bucket(),
        prefix: "essais".into(),
        endpoint: Some(moto.endpoint.clone()),
        region: Some("us-east-1".into()),
        access_key_id: Some("moto".into()),
        secret_access_key: Some(Secret("moto-secret".into())),
    };
    Some((Media::s3(&settings).unwrap(), settings))
}

/// Sends what the outbox holds into `dir` and returns the messages as written.
pub async fn outbox(app: &TestApp, dir: &std::path::Path) -> Vec<String> {
    let mailer = Mailer::new(
        &MailConfig::Folder(dir.to_owned()),
        "Tremplin <ne-pas-repondre@ml-test.example>",
    )
    .unwrap();
    tremplin_web::services::outbox::drain(
        &app.state.store,
        &app.state.media,
        &mailer,
        &tremplin_web::SystemClock,
    )
    .await
    .unwrap();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

/// The plain text of a message, quoted-printable decoded.
pub fn text(eml: &str) -> String {
    let b = eml.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
            i += 3;
        } else if b[i] == b'='
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            out.push(u8::from_str_radix(&eml[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
