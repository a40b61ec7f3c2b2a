//! `tremplin`: the whole product in one binary. Parses arguments, sets up logging, loads the
//! configuration and hands over to a command.

mod app;
mod cli;
mod commands;
mod config;
mod demo;
mod demo_covoiturage;
mod demo_events;
mod demo_metiers;
mod demo_pepites;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let config = match config::Config::load(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("Configuration : {e:#}");
            return std::process::ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&config.log).unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(commands::run(cli.command.unwrap_or_default(), config)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Erreur : {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
