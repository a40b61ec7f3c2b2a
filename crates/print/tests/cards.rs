//! The cards, decoded back: size, not blank, every text inside its frame even for the
//! longest trade names of the ROME referential, the QR code opening the offer with its channel.

mod support;

use support::{decode_png, screenshots};
use tremplin_print::Palette;
use tremplin_print::card::{self, Card, Format, png};

const DARK: [u8; 3] = [0x12, 0x3c, 0x69];

fn longest_rome_labels(n: usize) -> Vec<String> {
    let rome = tremplin_referentiels::Rome::embedded();
    let mut labels: Vec<String> = rome.all().map(|m| m.label.clone()).collect();
    labels.sort_by_key(|l| std::cmp::Reverse(l.chars().count()));
    labels.truncate(n);
    assert!(labels[0].chars().count() > 95, "{}", labels[0]);
    labels
}

fn card(title: &str, id: usize) -> Card {
    Card {
        kicker: "Offre d'apprentissage".into(),
        title: title.into(),
        details: vec![
            "Établissements Fictifs de Réparation Mécanique et Carrosserie du Pays de Mortagne"
                .into(),
            "Saint-Germain-de-Martigny (61560) · à 9 km de Mortagne-au-Perche".into(),
            "Apprentissage · 24 mois · dès le 01/09/2026".into(),
        ],
        territory: "Mission Locale de L'Aigle-Mortagne".into(),
        link_label: format!("offres.example.fr/offres/{id}"),
        qr_url: format!("https://offres.example.fr/offres/{id}?via=qr"),
        palette: Palette::default(),
    }
}

/// Checks one rendered card: its size, its margins free of anything, text drawn in the
/// column, the QR code readable.
fn check(c: &Card, format: Format) -> support::Image {
    let bytes = png(c, format).expect("rendu");
    let img = decode_png(&bytes);
    let (w, h) = format.size();
    assert_eq!((img.width, img.height), (w as usize, h as usize));
    let ctx = |e: String| format!("{format:?} « {} » : {e}", c.title);
    match format {
        Format::Square => {
            // Left, right and top margins, and the gap above the footer: background only.
            img.uniform(0, 0, 64, 790, DARK).map_err(ctx).unwrap();
            img.uniform(1080 - 64, 0, 1080, 790, DARK)
                .map_err(ctx)
                .unwrap();
            img.uniform(0, 0, 1080, 70, DARK).map_err(ctx).unwrap();
            img.uniform(0, 752, 1080, 790, DARK).map_err(ctx).unwrap();
            assert!(
                img.count_light(72, 190, 1008, 750) > 5_000,
                "{}",
                ctx("titre absent".into())
            );
        }
        Format::Link => {
            img.uniform(0, 0, 48, 630, DARK).map_err(ctx).unwrap();
            img.uniform(794, 0, 840, 630, DARK).map_err(ctx).unwrap();
            img.uniform(0, 0, 840, 54, DARK).map_err(ctx).unwrap();
            img.uniform(0, 584, 840, 630, DARK).map_err(ctx).unwrap();
            assert!(
                img.count_light(56, 150, 792, 582) > 4_000,
                "{}",
                ctx("titre absent".into())
            );
        }
    }
    assert_eq!(
        img.qr_codes(),
        vec![c.qr_url.clone()],
        "{}",
        ctx("QR".into())
    );
    img
}

#[test]
fn longest_rome_trade_names_stay_inside_both_formats() {
    for (i, label) in longest_rome_labels(6).iter().enumerate() {
        for format in Format::ALL {
            check(&card(label, 1000 + i), format);
        }
    }
}

#[test]
fn short_and_oversized_titles_too() {
    let long = "Opérateur / Opératrice de préparation ou de finition sur articles de cuirs, peaux ou matériaux associés en alternance - BTS (H/F), poste à pourvoir";
    for title in [
        "Boulanger/Boulangère",
        "Maçon",
        long,
        "Anticonstitutionnellementanticonstitutionnellement",
    ] {
        for format in Format::ALL {
            check(&card(title, 7), format);
        }
    }
}

#[test]
fn escapes_text_and_writes_the_screenshots() {
    let mut c = card("Mécanicien·ne <auto> & \"moto\"", 42);
    c.details[0] = "Garage Fictif & Fils </text><script>".into();
    let svg = tremplin_print::card::svg(&c, Format::Square).unwrap();
    assert!(svg.contains("&lt;auto&gt; &amp; &quot;moto&quot;"), "{svg}");
    assert!(!svg.contains("<script>"));
    check(&c, Format::Square);

    let demo = Card {
        kicker: "Nouvelle offre d'apprentissage".into(),
        title: "Conducteur / Conductrice d'engins agricoles".into(),
        details: vec![
            "EARL Fictive des Hauts du Perche".into(),
            "Tourouvre au Perche (61190) · à 12 km de Mortagne-au-Perche".into(),
            "Apprentissage · 24 mois · dès le 01/09/2026".into(),
        ],
        territory: "Mission Locale de L'Aigle-Mortagne".into(),
        link_label: "offres.ml-aigle-mortagne.fr/offres/12".into(),
        qr_url: "https://offres.ml-aigle-mortagne.fr/offres/12?via=qr".into(),
        palette: Palette::default(),
    };
    let alt = demo.alt_text();
    assert!(
        alt.contains("Conducteur / Conductrice d'engins agricoles") && alt.contains("Tourouvre"),
        "{alt}"
    );
    for format in Format::ALL {
        check(&demo, format);
        std::fs::write(
            screenshots().join(format!("carte-{}.png", format.slug())),
            png(&demo, format).unwrap(),
        )
        .unwrap();
    }
}

/// The cards' encoder (indexed colours) writes the very pixels the renderer drew: decoded,
/// they equal those of tiny-skia's own encoder (RGBA), for both formats, in a smaller file.
#[test]
fn the_fast_png_holds_the_same_pixels_as_the_renderers_own_encoder() {
    for format in Format::ALL {
        let c = card("Pâtissier / Pâtissière", 3);
        let pixmap = card::rasterize(&card::tree(&c, format).unwrap(), format).unwrap();
        let reference = decode_png(&pixmap.encode_png().unwrap());
        let fast = decode_png(&card::encode(&pixmap).unwrap());
        assert_eq!(
            (fast.width, fast.height),
            (reference.width, reference.height)
        );
        let differ = fast
            .rgb
            .iter()
            .zip(&reference.rgb)
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(differ, 0, "{format:?} : {differ} pixels diffèrent");
        let (small, before) = (card::encode(&pixmap).unwrap(), pixmap.encode_png().unwrap());
        assert!(
            small.len() < before.len(),
            "{} ≥ {}",
            small.len(),
            before.len()
        );
        assert_eq!(png(&c, format).unwrap(), card::encode(&pixmap).unwrap());
    }
}

/// Cards drawn together on every core come back in order, each the same bytes as drawn alone.
#[test]
fn cards_drawn_on_every_core_are_those_drawn_one_by_one_in_order() {
    let jobs: Vec<(Card, Format)> = ["Boulanger/Boulangère", "Maçon", "Fleuriste", "Coiffeur"]
        .iter()
        .enumerate()
        .flat_map(|(i, t)| Format::ALL.map(|f| (card(t, 100 + i), f)))
        .collect();
    let together = card::pngs(&jobs);
    assert_eq!(together.len(), jobs.len());
    for ((c, f), drawn) in jobs.iter().zip(together) {
        assert_eq!(drawn.unwrap(), png(c, *f).unwrap(), "{f:?} « {} »", c.title);
    }
    assert!(card::pngs(&[]).is_empty());
}

/// Past 256 colours the encoder writes RGB, with transparency tiny-skia's RGBA: every pixel
/// kept either way.
#[test]
fn images_of_many_colours_or_with_transparency_keep_every_pixel() {
    use resvg::tiny_skia::Pixmap;
    let mut many = Pixmap::new(600, 3).unwrap();
    let mut expected = Vec::new();
    for (i, p) in many.data_mut().chunks_exact_mut(4).enumerate() {
        let c = [(i % 256) as u8, (i / 256 % 256) as u8, (i * 7 % 256) as u8];
        p.copy_from_slice(&[c[0], c[1], c[2], 255]);
        expected.push(c);
    }
    let decoded = decode_png(&card::encode(&many).unwrap());
    assert_eq!((decoded.width, decoded.height), (600, 3));
    assert!(decoded.rgb == expected, "RGB au-delà de 256 couleurs");

    let mut clear = Pixmap::new(4, 4).unwrap();
    clear.data_mut()[..4].copy_from_slice(&[60, 30, 0, 128]);
    assert_eq!(card::encode(&clear).unwrap(), clear.encode_png().unwrap());
    // Wholly transparent; and transparent only at the end, past 256 colours.
    let blank = Pixmap::new(4, 4).unwrap();
    assert_eq!(card::encode(&blank).unwrap(), blank.encode_png().unwrap());
    let last = many.data().len() - 4;
    many.data_mut()[last..].copy_from_slice(&[0, 0, 0, 0]);
    assert_eq!(card::encode(&many).unwrap(), many.encode_png().unwrap());
}
