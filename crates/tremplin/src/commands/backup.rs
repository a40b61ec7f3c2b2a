//! Backups of the SQLite database: taken live, restored with the server stopped.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use tremplin_search::{SearchError, SearchIndex};
use tremplin_storage::Store;

use crate::config::Config;

pub async fn backup(config: Config, file: &Path) -> anyhow::Result<ExitCode> {
    if file.exists() {
        bail!(
            "{} existe déjà : choisissez un autre nom, rien n'a été écrasé",
            file.display()
        );
    }
    let store = crate::app::open_store(&config).await?;
    store.backup_sqlite(file).await.context("sauvegarde")?;
    println!("Sauvegarde écrite dans {}.", file.display());
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(config: Config, file: &Path) -> anyhow::Result<ExitCode> {
    let url = config.database_url.expose();
    let Some(target) = url
        .strip_prefix("sqlite://")
        .map(|p| p.split('?').next().unwrap_or(p).to_owned())
    else {
        bail!(
            "la restauration intégrée concerne SQLite ; avec PostgreSQL, utilisez pg_restore (voir le README)"
        );
    };
    // A server running on this data directory holds its index: the database is not replaced
    // under it. Held until the end, the lock keeps one from starting meanwhile.
    let index = match SearchIndex::lock(&config.data_dir.join("index")) {
        Ok(lock) => lock,
        Err(SearchError::Busy) => bail!(
            "Un serveur Tremplin est en marche sur ce dossier de données : arrêtez-le avant `tremplin restore` (la base ne peut pas être remplacée sous un serveur qui s'en sert). Rien n'a été remplacé."
        ),
        Err(e) => return Err(e.into()),
    };
    // A copy is checked before anything is replaced: a bad file changes nothing, and the
    // backup itself is never opened for writing.
    let target = Path::new(&target);
    let staging = target.with_extension("db.restauration");
    std::fs::copy(file, &staging).with_context(|| format!("copie vers {}", staging.display()))?;
    let valid = match Store::connect(&format!("sqlite://{}", staging.display())).await {
        Ok(candidate) => {
            let ok = candidate.looks_like_tremplin().await.unwrap_or(false);
            candidate.close().await;
            ok
        }
        Err(_) => false,
    };
    if !valid {
        for side in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{side}", staging.display()));
        }
        bail!(
            "{} n'est pas une sauvegarde de Tremplin (ou elle est abîmée) : rien n'a été remplacé",
            file.display()
        );
    }
    for suffix in ["-wal", "-shm"] {
        let side = format!("{}{suffix}", target.display());
        let _ = std::fs::remove_file(side);
    }
    std::fs::rename(&staging, target)
        .with_context(|| format!("remplacement de {}", target.display()))?;
    // The index follows another history now: rebuilt from the restored database at next start.
    index
        .clear()
        .with_context(|| format!("effacement de l'index de {}", config.data_dir.display()))?;
    println!(
        "Base restaurée depuis {} ; l'index sera reconstruit au prochain démarrage.",
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}
