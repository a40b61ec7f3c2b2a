//! Benchmark (not a test) of what relays an edition: one PNG card, the social kit of a
//! 50-offer edition (100 offer cards, 2 edition cards, the posts, the ZIP), and the PDF
//! catalogue of a 300-offer edition. Synthetic offers over the communes of the Orne, real ROME
//! trade names. Aims on the 2-core machine: a card under 30 ms, the kit and the PDF under 3 s.
//!
//! `cargo run --release -p tremplin-bench --bin tremplin-relais -- [--runs 5]`

use std::time::{Duration, Instant};

use tremplin_bench::data::World;
use tremplin_print::Palette;
use tremplin_print::card::{self, Card, Format};
use tremplin_print::kit::{Entry, zip};
use tremplin_print::pdf::catalogue::{self, Catalogue, Group, Item};
use tremplin_print::posts::{EditionPosts, NETWORKS, PostOffer};
use tremplin_search::OfferDoc;

const SITE: &str = "https://offres.ml-aigle-mortagne.fr";
const TERRITORY: &str = "Mission Locale de L'Aigle-Mortagne";

fn main() {
    let mut runs = 5usize;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => {
                runs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| fail())
            }
            _ => fail(),
        }
    }
    let world = World::load_in(&["61".to_owned()]);
    let offers: Vec<(String, OfferDoc)> = world
        .placed_offers(300)
        .map(|(p, o)| (p.name.clone(), o))
        .collect();

    // One card: the first render loads the font; then the median of many.
    let c = offer_card(&offers[0].0, &offers[0].1);
    let first = time(|| card::png(&c, Format::Square).map(|_| ()));
    let mut rows = Vec::new();
    for format in Format::ALL {
        let samples: Vec<Duration> = (0..runs * 4)
            .map(|i| {
                let (place, o) = &offers[i % offers.len()];
                let c = offer_card(place, o);
                time(|| card::png(&c, format).map(|_| ()))
            })
            .collect();
        rows.push((
            format!(
                "one card, {} ({}×{})",
                format.slug(),
                format.size().0,
                format.size().1
            ),
            median(samples),
            "30 ms",
        ));
    }
    // Where one card's time goes (carre, the larger): each stage alone, median of many.
    let stages: Vec<Card> = (0..runs * 4)
        .map(|i| {
            let (place, o) = &offers[i % offers.len()];
            offer_card(place, o)
        })
        .collect();
    let f = Format::Square;
    let stage = |what: &str, run: &dyn Fn(&Card) -> Result<(), tremplin_print::Error>| {
        let samples = stages.iter().map(|c| time(|| run(c))).collect();
        (what.to_owned(), median(samples), "")
    };
    let mut breakdown = vec![
        stage("layout: SVG with measured, wrapped text", &|c| {
            card::svg(c, f).map(|_| ())
        }),
        stage("layout + usvg tree (text shaped into outlines)", &|c| {
            card::tree(c, f).map(|_| ())
        }),
    ];
    let trees: Vec<_> = stages
        .iter()
        .map(|c| card::tree(c, f).expect("arbre"))
        .collect();
    let pixmaps: Vec<_> = trees
        .iter()
        .map(|t| card::rasterize(t, f).expect("pixels"))
        .collect();
    let timed = |what: &str, run: &dyn Fn(usize) -> Result<(), tremplin_print::Error>| {
        let samples = (0..stages.len()).map(|i| time(|| run(i))).collect();
        (what.to_owned(), median(samples), "")
    };
    breakdown.push(timed("rasterize (resvg, tiny-skia)", &|i| {
        card::rasterize(&trees[i], f).map(|_| ())
    }));
    breakdown.push(timed("PNG: indexed, zlib 6, no filter", &|i| {
        card::encode_with(
            &pixmaps[i],
            png::Compression::Balanced,
            png::Filter::NoFilter,
        )
        .map(|_| ())
    }));
    for (what, filter) in [
        (
            "PNG: indexed, fdeflate, adaptive filter",
            png::Filter::Adaptive,
        ),
        ("PNG: indexed, fdeflate, Up filter", png::Filter::Up),
        ("PNG: indexed, fdeflate, no filter", png::Filter::NoFilter),
    ] {
        breakdown.push(timed(what, &|i| {
            card::encode_with(&pixmaps[i], png::Compression::Fast, filter).map(|_| ())
        }));
    }
    breakdown.push(timed("PNG: what cards use (card::encode)", &|i| {
        card::encode(&pixmaps[i]).map(|_| ())
    }));
    breakdown.push(timed(
        "PNG: RGBA, zlib 6, adaptive (tiny-skia's own, before)",
        &|i| {
            pixmaps[i]
                .encode_png()
                .map(|_| ())
                .map_err(|e| tremplin_print::Error::Render(e.to_string()))
        },
    ));
    let size = |compression, filter| {
        card::encode_with(&pixmaps[0], compression, filter).map_or(0, |p| p.len() / 1024)
    };
    let png_sizes = [
        (
            "what cards use",
            card::encode(&pixmaps[0]).map_or(0, |p| p.len() / 1024),
        ),
        (
            "fdeflate, adaptive",
            size(png::Compression::Fast, png::Filter::Adaptive),
        ),
        (
            "fdeflate, Up",
            size(png::Compression::Fast, png::Filter::Up),
        ),
        (
            "fdeflate, no filter",
            size(png::Compression::Fast, png::Filter::NoFilter),
        ),
        (
            "zlib 6, no filter",
            size(png::Compression::Balanced, png::Filter::NoFilter),
        ),
        (
            "RGBA, before",
            pixmaps[0].encode_png().map_or(0, |p| p.len() / 1024),
        ),
    ];

    let serial: Vec<Duration> = (0..runs)
        .map(|_| time(|| build_kit(&offers[..50], false).map(|_| ())))
        .collect();
    rows.push((
        "kit of a 50-offer edition, cards one after another".into(),
        median(serial),
        "3 s",
    ));
    let kit: Vec<Duration> = (0..runs)
        .map(|_| time(|| build_kit(&offers[..50], true).map(|_| ())))
        .collect();
    let mut kit_bytes = 0;
    let _ = build_kit(&offers[..50], true).map(|z| kit_bytes = z.len());
    rows.push((
        format!(
            "kit of a 50-offer edition (102 cards, 5 posts, ZIP), cards on {} cores",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        ),
        median(kit),
        "3 s",
    ));
    let cat = catalogue_of(&offers);
    let pdf: Vec<Duration> = (0..runs)
        .map(|_| time(|| catalogue::pdf(&cat).map(|_| ())))
        .collect();
    let pdf_bytes = catalogue::pdf(&cat).map(|p| p.len()).unwrap_or(0);
    let pages = catalogue::layout(&cat).len();
    rows.push((
        format!("PDF catalogue, 300 offers ({pages} pages)"),
        median(pdf),
        "3 s",
    ));

    println!("| measure (median of {runs}+ runs) | time | aim |");
    println!("|---|---:|---:|");
    println!("| first card after start (font loaded) | {} | |", ms(first));
    for (what, d, aim) in rows {
        println!("| {what} | {} | < {aim} |", ms(d));
    }
    println!(
        "\n| one carre card, stage by stage (median of {}) | time |",
        stages.len()
    );
    println!("|---|---:|");
    for (what, d, _) in breakdown {
        println!("| {what} | {} |", ms(d));
    }
    println!(
        "\nkit: {} KB; catalogue: {} KB",
        kit_bytes / 1024,
        pdf_bytes / 1024
    );
    let sizes: Vec<String> = png_sizes
        .iter()
        .map(|(what, kb)| format!("{kb} KB ({what})"))
        .collect();
    println!("one carre card: {}", sizes.join(" / "));
}

fn fail() -> ! {
    eprintln!("usage: tremplin-relais [--runs 5]");
    std::process::exit(2)
}

fn time(f: impl FnOnce() -> Result<(), tremplin_print::Error>) -> Duration {
    let started = Instant::now();
    f().expect("rendu");
    started.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn offer_card(place: &str, o: &OfferDoc) -> Card {
    Card {
        kicker: "Nouvelle offre d'apprentissage".into(),
        title: o.title.clone(),
        details: vec![
            o.company.clone(),
            format!("{place} · à 14 km de L'Aigle"),
            "Apprentissage · 24 mois · dès que possible".into(),
        ],
        territory: TERRITORY.into(),
        link_label: format!("offres.ml-aigle-mortagne.fr/offres/{}", o.id),
        qr_url: format!("{SITE}/offres/{}?via=qr", o.id),
        palette: Palette::default(),
    }
}

/// What `services::relays::kit` puts in the ZIP, without the database reads.
/// `together`: the cards drawn on every core, as the service draws those not yet cached.
fn build_kit(
    offers: &[(String, OfferDoc)],
    together: bool,
) -> Result<Vec<u8>, tremplin_print::Error> {
    let mut jobs = Vec::new();
    let ed = Card {
        kicker: "Édition n° 12 · jeudi 27 novembre 2026".into(),
        title: format!(
            "{} nouvelles offres d'apprentissage cette semaine",
            offers.len()
        ),
        details: vec!["autour de L'Aigle et Mortagne-au-Perche".into()],
        territory: TERRITORY.into(),
        link_label: "offres.ml-aigle-mortagne.fr/editions/12".into(),
        qr_url: format!("{SITE}/editions/12?via=qr"),
        palette: Palette::default(),
    };
    let mut names = Vec::new();
    let mut texts = Vec::new();
    for format in Format::ALL {
        names.push(format!("edition/carte-{}.png", format.slug()));
        jobs.push((ed.clone(), format));
    }
    for (place, o) in offers {
        let c = offer_card(place, o);
        for format in Format::ALL {
            names.push(format!("offres/{}/carte-{}.png", o.id, format.slug()));
            jobs.push((c.clone(), format));
        }
        texts.push(Entry::new(
            format!("offres/{}/texte-alternatif.txt", o.id),
            c.alt_text(),
        ));
    }
    let drawn = if together {
        card::pngs(&jobs)
    } else {
        jobs.iter().map(|(c, f)| card::png(c, *f)).collect()
    };
    let mut entries = Vec::new();
    for (name, png) in names.into_iter().zip(drawn) {
        entries.push(Entry::new(name, png?));
    }
    entries.extend(texts);
    let posts = EditionPosts {
        count: offers.len(),
        around: "L'Aigle et Mortagne-au-Perche".into(),
        territory: TERRITORY.into(),
        url: format!("{SITE}/editions/12"),
        offers: offers
            .iter()
            .map(|(p, o)| PostOffer {
                title: o.title.clone(),
                company: o.company.clone(),
                commune: p.clone(),
                url: format!("{SITE}/offres/{}", o.id),
            })
            .collect(),
        places: vec!["L'Aigle".into(), "Mortagne-au-Perche".into()],
    };
    for n in NETWORKS {
        entries.push(Entry::new(
            format!("publications/{}", n.file),
            posts.post(&n),
        ));
    }
    zip(&entries, (2026, 11, 27, 9, 0))
}

fn catalogue_of(offers: &[(String, OfferDoc)]) -> Catalogue {
    let mut groups: Vec<Group> = Vec::new();
    let mut sorted: Vec<&(String, OfferDoc)> = offers.iter().collect();
    sorted.sort_by(|a, b| a.1.rome_labels.first().cmp(&b.1.rome_labels.first()));
    for (place, o) in sorted {
        let heading = o.rome_labels.first().cloned().unwrap_or_default();
        let item = Item {
            title: o.title.clone(),
            company: o.company.clone(),
            place: place.clone(),
            facts: "Apprentissage · 24 mois · dès que possible".into(),
            summary: o.description.clone(),
            url: format!("{SITE}/offres/{}?via=catalogue", o.id),
            link_label: format!("offres.ml-aigle-mortagne.fr/offres/{}", o.id),
        };
        match groups.last_mut() {
            Some(g) if g.heading == heading => g.items.push(item),
            _ => groups.push(Group {
                heading,
                items: vec![item],
            }),
        }
    }
    Catalogue {
        title: "Édition n° 12 – jeudi 27 novembre 2026".into(),
        subtitle: "300 offres d'apprentissage autour de L'Aigle et Mortagne-au-Perche, par métier"
            .into(),
        territory: TERRITORY.into(),
        contact: Some("contact@ml-aigle-mortagne.fr".into()),
        site: "offres.ml-aigle-mortagne.fr".into(),
        groups,
        palette: Palette::default(),
    }
}
