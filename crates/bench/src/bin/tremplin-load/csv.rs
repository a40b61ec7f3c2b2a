//! `tremplin-load csv`: synthetic offers (real communes and ROME métiers) for `tremplin import csv`.

use std::io::Write;
use std::process::ExitCode;

use tremplin_bench::data::{self, Rng, World};

pub(crate) fn write_csv(n: usize, departements: &[String]) -> ExitCode {
    let world = World::load_in(departements);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut rng = Rng::new(0x10ad);
    let real_today = chrono::Utc::now().date_naive();
    let header = "external_id,title,description,rome_code,company_name,commune_code,contract_type,\
                  target_diploma_level,start_date,positions,contact_email\n";
    let mut ok = out.write_all(header.as_bytes()).is_ok();
    for (place, offer) in world.placed_offers(n) {
        let contract = match offer.contract {
            tremplin_domain::ContractType::Apprentissage => "apprentissage",
            tremplin_domain::ContractType::Professionnalisation => "professionnalisation",
        };
        let line = format!(
            "charge-{id},{title},{description},{rome},{company},{commune},{contract},{level},{start},{positions},recrutement{id}@exemple.fr\n",
            id = offer.id,
            title = quote(&title(&offer.title)),
            description = quote(&offer.description),
            rome = offer.rome_codes[0],
            company = quote(&offer.company),
            commune = place.code,
            level = offer.level.unwrap_or(3),
            // Start dates from a month ahead: the server expires offers whose start has passed.
            start = offer
                .start
                .map(
                    |d| (real_today + (d - data::today()) + chrono::Duration::days(30)).to_string()
                )
                .unwrap_or_default(),
            positions = 1 + rng.below(3),
        );
        ok &= out.write_all(line.as_bytes()).is_ok();
    }
    if ok && out.flush().is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Titles are 3 to 150 characters: a few ROME labels are shorter ("DJ") or, with a
/// qualifier, longer.
pub(crate) fn title(t: &str) -> String {
    let t: String = t.chars().take(150).collect();
    if t.chars().count() < 3 {
        format!("{t} en apprentissage")
    } else {
        t
    }
}

pub(crate) fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}
