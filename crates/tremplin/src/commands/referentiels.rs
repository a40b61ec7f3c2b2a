use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use tremplin_referentiels::parse_official_centres;

use crate::config::Config;

/// Loads data.gouv.fr's commune centres into the database. Running servers keep the centres
/// they started with until they are restarted; at that start their index, built with other
/// centres, is replayed from the feed (see `app::open_with_index`).
pub async fn communes(config: Config, file: &Path) -> anyhow::Result<ExitCode> {
    let reader =
        std::fs::File::open(file).with_context(|| format!("ouverture de {}", file.display()))?;
    let centres = match parse_official_centres(reader) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("Fichier refusé, rien n'a été enregistré : {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let state = crate::app::open(&config).await?;
    let known: Vec<(String, f64, f64)> = centres
        .into_iter()
        .filter(|c| state.refs.communes.get(&c.code).is_some())
        .map(|c| (c.code, c.lat, c.lon))
        .collect();
    let n = state
        .store
        .save_commune_centres(&known, chrono::Utc::now())
        .await?;
    println!("{n} commune(s) mises à jour avec leur centre officiel.");
    println!(
        "Les serveurs Tremplin déjà en marche gardent les anciens centres : redémarrez-les pour qu'ils utilisent les nouveaux, dans les distances comme dans la recherche."
    );
    Ok(ExitCode::SUCCESS)
}

/// Imports a GTFS feed into the database, whole or not at all. Every instance reads it from
/// there at its next scheduler round (30 s), so one import serves them all.
pub async fn gtfs(config: Config, file: &Path) -> anyhow::Result<ExitCode> {
    use tremplin_web::services::transport::{ImportError, import};
    let bytes = std::fs::read(file).with_context(|| format!("ouverture de {}", file.display()))?;
    let name = file
        .file_name()
        .map_or_else(|| "flux.zip".into(), |n| n.to_string_lossy().into_owned());
    let store = crate::app::open_store(&config).await?;
    match import(&store, &name, bytes, chrono::Utc::now()).await {
        Ok(feed) => {
            let days = match (feed.valid_from, feed.valid_to) {
                (Some(a), Some(b)) => {
                    format!(", du {} au {}", a.format("%d/%m/%Y"), b.format("%d/%m/%Y"))
                }
                _ => String::new(),
            };
            println!(
                "Flux GTFS « {name} » importé : {} arrêt(s), {} course(s), {} passage(s){days}.",
                feed.stops, feed.trips, feed.stop_times
            );
            println!("Les serveurs Tremplin en marche l'utilisent dans la minute.");
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Refused(e)) => {
            eprintln!("Fichier refusé, rien n'a été enregistré : {e}");
            Ok(ExitCode::from(2))
        }
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}
