//! The connectors' test helpers: clients pointed at the shared fake servers
//! (`tremplin_testing::partners`), made fast.

#![allow(dead_code)]

use std::sync::OnceLock;
use std::time::Duration;

use tremplin_connectors::http::Http;
use tremplin_connectors::{france_travail, labonnealternance};
use tremplin_referentiels::Communes;

pub fn communes() -> &'static Communes {
    static C: OnceLock<Communes> = OnceLock::new();
    C.get_or_init(|| Communes::embedded().unwrap())
}

/// A France Travail client on the fake, fast: 5 ms between requests, 1 ms backoff.
pub fn ft_client(base: &str, departements: &[&str]) -> france_travail::Client {
    let mut http = Http::new(Duration::from_millis(5)).unwrap();
    http.backoff = Duration::from_millis(1);
    http.retries = 3;
    france_travail::Client::new(
        france_travail::Settings {
            api_base: format!("{base}/v2"),
            token_url: format!("{base}/token"),
            client_id: "id-ml".into(),
            client_secret: "secret-ml".into(),
            departements: departements.iter().map(|d| (*d).to_owned()).collect(),
        },
        http,
    )
}

pub fn lba_client(base: &str) -> labonnealternance::Client {
    let mut http = Http::new(Duration::from_millis(5)).unwrap();
    http.backoff = Duration::from_millis(1);
    http.retries = 3;
    labonnealternance::Client::new(
        labonnealternance::Settings {
            api_base: format!("{base}/api"),
            token: "jeton-lba".into(),
        },
        http,
    )
}

#[allow(unused_imports)]
pub use tremplin_testing::partners::{Fake, Scripted, ft_offer, start};
