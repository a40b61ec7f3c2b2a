//! One module a command, each with its own `run`.

mod accounts;
mod backup;
mod connectors;
mod import;
mod referentiels;
mod serve;

use std::process::ExitCode;

use tremplin_storage::EntryKind;

use crate::cli::{Command, Edition, Import, Organisation, Referentiels, Token, User};
use crate::config::Config;

pub async fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => serve::run(config).await,
        Command::Migrate => {
            crate::app::open_store(&config).await?;
            println!("Base de données à jour.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(Import::Csv(args)) => import::run(config, args).await,
        Command::Import(Import::FranceTravail(args)) => {
            connectors::france_travail(config, args).await
        }
        Command::Import(Import::Labonnealternance(args)) => connectors::lba(config, args).await,
        Command::Reindex => {
            let state = crate::app::open_with_index(&config, |dir| {
                format!(
                    "L'index est utilisé par un serveur Tremplin en marche : arrêtez-le avant `tremplin reindex` (dossier de données {}). Un serveur en marche tient lui-même son index à jour ; rien n'a été modifié.",
                    dir.display()
                )
            })
            .await?;
            let n =
                tremplin_web::services::indexer::rebuild(&state.store, &state.index, &state.refs)
                    .await?;
            println!("Index reconstruit : {n} offre(s) publiée(s).");
            Ok(ExitCode::SUCCESS)
        }
        Command::Organisation(Organisation::Add { name, kind }) => {
            accounts::add_organisation(config, &name, &kind).await
        }
        Command::User(User::Add {
            email,
            role,
            organisation,
        }) => accounts::add_user(config, &email, &role, organisation.as_deref()).await,
        Command::Backup { file } => backup::backup(config, &file).await,
        Command::Restore { file } => backup::restore(config, &file).await,
        Command::Token(Token::Create {
            organisation,
            label,
        }) => accounts::create_token(config, &organisation, &label).await,
        Command::Edition(Edition::Publish) => {
            let state = crate::app::open(&config).await?;
            let edition = tremplin_web::services::editions::publish_manual(&state, None)
                .await
                .map_err(|e| anyhow::anyhow!(e.message()))?;
            let count = |k| edition.entries.iter().filter(|e| e.kind == k).count();
            println!(
                "Édition n° {} publiée : {} nouvelle(s), {} modifiée(s), {} retirée(s).",
                edition.number,
                count(EntryKind::New),
                count(EntryKind::Updated),
                count(EntryKind::Removed)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Referentiels(Referentiels::Communes { file }) => {
            referentiels::communes(config, &file).await
        }
        Command::Referentiels(Referentiels::Gtfs { file }) => {
            referentiels::gtfs(config, &file).await
        }
    }
}
