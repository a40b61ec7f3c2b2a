//! One module a command, each with its own `run`.

mod import;
mod referentiels;
mod serve;

use std::process::ExitCode;

use crate::cli::{Command, Import, Referentiels};
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
        Command::Reindex => {
            let state = crate::app::open(&config).await?;
            let n =
                tremplin_web::catalogue::indexer::rebuild(&state.store, &state.index, &state.refs)
                    .await?;
            println!("Index reconstruit : {n} offre(s) publiée(s).");
            Ok(ExitCode::SUCCESS)
        }
        Command::Referentiels(Referentiels::Communes { file }) => {
            referentiels::communes(config, &file).await
        }
    }
}
