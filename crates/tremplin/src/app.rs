//! What every command opens: the database (migrated), the referentials with the official
//! commune centres applied, and this instance's search index.

use std::sync::Arc;

use anyhow::Context;
use tremplin_referentiels::{Centre, Communes, Rome};
use tremplin_search::SearchIndex;
use tremplin_storage::Store;
use tremplin_web::{AppState, Referentiels, SystemClock, WebConfig};

use crate::config::Config;

pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let store = Store::connect(config.database_url.expose())
        .await
        .context("connexion à la base de données")?;
    store.migrate().await.context("migrations")?;
    Ok(store)
}

pub async fn open(config: &Config) -> anyhow::Result<AppState> {
    let store = open_store(config).await?;
    let mut communes = Communes::embedded().context("référentiel des communes")?;
    let centres: Vec<Centre> = store
        .commune_centres()
        .await?
        .into_iter()
        .map(|(code, lat, lon)| Centre { code, lat, lon })
        .collect();
    communes.apply_centres(&centres);
    let refs = Arc::new(Referentiels {
        communes,
        rome: Rome::embedded(),
    });
    let index_dir = config.data_dir.join("index");
    let index = SearchIndex::open(&index_dir).map_err(|e| {
        anyhow::anyhow!(
            "{e} (dossier {}) : un autre processus Tremplin utilise-t-il déjà ce dossier de données ?",
            index_dir.display()
        )
    })?;
    let state = AppState::new(
        store,
        Arc::new(index),
        refs,
        Arc::new(SystemClock),
        WebConfig {
            public_url: config.public_url.clone(),
            uploads_dir: config.data_dir.join("uploads"),
            trust_proxy: config.trust_proxy,
            connectors: config.connectors.clone(),
            body_timeout: tremplin_web::shell::protect::BODY_TIMEOUT,
        },
    );
    state.refresh_territory().await?;
    Ok(state)
}
