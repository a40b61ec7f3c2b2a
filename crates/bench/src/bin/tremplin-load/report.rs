//! The table `tremplin-load run` prints.

use crate::*;

pub(crate) fn report(health: Option<&load::Run<Kind>>, mix: &load::Run<Kind>) {
    println!();
    println!(
        "{:<30} {:>9} {:>10} {:>9} {:>9} {:>9} {:>9} {:>8}",
        "requêtes", "nombre", "débit/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "erreurs"
    );
    let elapsed = mix.elapsed.as_secs_f64();
    if let Some(h) = health {
        line(Kind::Healthz.label(), &h.samples, h.elapsed.as_secs_f64());
    }
    for kind in Kind::MIX {
        let samples: Vec<&Sample> = mix.samples.iter().filter(|s| s.kind == kind).collect();
        line(kind.label(), samples, elapsed);
    }
    line("mélange (total)", &mix.samples, elapsed);
    if let Some(h) = health {
        let health_rate = h.samples.len() as f64 / h.elapsed.as_secs_f64();
        let mix_rate = mix.samples.len() as f64 / elapsed;
        println!();
        println!(
            "débit du mélange / débit de /healthz : {:.3} ({mix_rate:.0} / {health_rate:.0} requêtes par seconde)",
            mix_rate / health_rate
        );
    }
}

pub(crate) fn line<'a>(label: &str, samples: impl IntoIterator<Item = &'a Sample>, elapsed: f64) {
    let s = Summary::of(samples);
    println!(
        "{label:<30} {:>9} {:>10.1} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>8}",
        s.count,
        s.count as f64 / elapsed,
        s.p50,
        s.p90,
        s.p99,
        s.max,
        s.errors,
    );
}
