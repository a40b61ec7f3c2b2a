//! What every command opens: the database (migrated), the referentials with the official
//! commune centres applied, and a search index.
//!
//! Only `serve` and `reindex` write this instance's index (`<data-dir>/index`, one writer at
//! a time): the other commands change the database alone, beside running servers whose
//! indexers follow the change feed, and get an empty index they never write.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use tremplin_referentiels::{Centre, Communes, Rome};
use tremplin_search::{SearchError, SearchIndex};
use tremplin_storage::Store;
use tremplin_web::services::media::Media;
use tremplin_web::{AppState, Referentiels, SystemClock, WebConfig};

use crate::config::Config;

pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let store = Store::connect(config.database_url.expose())
        .await
        .context("connexion à la base de données")?;
    store.migrate().await.context("migrations")?;
    // The pay rules file, loaded at every start: rows already in the table are kept as they
    // are (administrators' confirmations and added rows included).
    let rules = tremplin_referentiels::pay_rules().context("règles de salaire")?;
    store
        .seed_pay_rules(&rules, chrono::Utc::now())
        .await
        .context("chargement des règles de salaire")?;
    Ok(store)
}

/// The state of a command that changes only the database, and works beside running servers.
pub async fn open(config: &Config) -> anyhow::Result<AppState> {
    let store = open_store(config).await?;
    let (refs, _) = referentiels(&store).await?;
    let index = SearchIndex::detached()?;
    state(config, store, index, refs).await
}

/// The state of a command that writes this instance's index: `serve` and `reindex`. The
/// index is taken before anything else, so that a command refused because another process
/// holds it has changed nothing; `busy` says why in the words of that command.
pub async fn open_with_index(
    config: &Config,
    busy: impl FnOnce(&Path) -> String,
) -> anyhow::Result<AppState> {
    let index_dir = config.data_dir.join("index");
    let index = match SearchIndex::open(&index_dir) {
        Ok(index) => index,
        Err(SearchError::Busy) => anyhow::bail!(busy(&config.data_dir)),
        Err(e) => return Err(e).with_context(|| format!("dossier {}", index_dir.display())),
    };
    let store = open_store(config).await?;
    let (refs, basis) = referentiels(&store).await?;
    state(config, store, index.with_basis(basis), refs).await
}

/// The referentials with the official commune centres of the database applied, and what
/// names those centres for the index (empty without any).
async fn referentiels(store: &Store) -> anyhow::Result<(Arc<Referentiels>, String)> {
    let mut communes = Communes::embedded().context("référentiel des communes")?;
    let centres: Vec<Centre> = store
        .commune_centres()
        .await?
        .into_iter()
        .map(|(code, lat, lon)| Centre { code, lat, lon })
        .collect();
    communes.apply_centres(&centres);
    let basis = centres_basis(&centres);
    let refs = Arc::new(Referentiels {
        communes,
        rome: Rome::embedded(),
    });
    Ok((refs, basis))
}

/// A fingerprint of the official centres, stable from one run to the next: an index built
/// with other centres is replayed when the server starts (see `SearchIndex::with_basis`).
fn centres_basis(centres: &[Centre]) -> String {
    if centres.is_empty() {
        return String::new();
    }
    let mut sorted: Vec<&Centre> = centres.iter().collect();
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    // FNV-1a, 64 bits.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for c in sorted {
        feed(c.code.as_bytes());
        feed(&[0]);
        feed(&c.lat.to_bits().to_le_bytes());
        feed(&c.lon.to_bits().to_le_bytes());
    }
    format!("centres-{hash:016x}")
}

async fn state(
    config: &Config,
    store: Store,
    index: SearchIndex,
    refs: Arc<Referentiels>,
) -> anyhow::Result<AppState> {
    let media = match &config.media_s3 {
        Some(s3) => Media::s3(s3).map_err(anyhow::Error::msg)?,
        None => Media::local(&config.media_dir),
    };
    tracing::info!(stockage = %media.describe(), "fichiers déposés");
    let state = AppState::with_media(
        store,
        Arc::new(index),
        refs,
        Arc::new(SystemClock),
        WebConfig {
            public_url: config.public_url.clone(),
            uploads_dir: config.media_dir.clone(),
            trust_proxy: config.trust_proxy,
            connectors: config.connectors.clone(),
            body_timeout: tremplin_web::shell::protect::BODY_TIMEOUT,
            sms: config.sms.is_some(),
        },
        media,
    );
    // Before the network is first built (lazily, or by the scheduler's first round).
    state.transport.configure(config.walking);
    state.refresh_territory().await?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn centre(code: &str, lat: f64, lon: f64) -> Centre {
        Centre {
            code: code.into(),
            lat,
            lon,
        }
    }

    #[test]
    fn the_centres_basis_depends_on_the_centres_not_their_order() {
        assert_eq!(centres_basis(&[]), "");
        let a = centres_basis(&[centre("61214", 48.76, 0.62), centre("61001", 48.43, 0.09)]);
        let b = centres_basis(&[centre("61001", 48.43, 0.09), centre("61214", 48.76, 0.62)]);
        assert_eq!(a, b);
        assert_ne!(
            a,
            centres_basis(&[centre("61214", 48.76, 0.63), centre("61001", 48.43, 0.09)])
        );
        assert!(a.starts_with("centres-"), "{a}");
    }
}
