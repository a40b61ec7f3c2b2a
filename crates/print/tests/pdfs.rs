//! The PDFs read back with poppler: every offer's title in the extracted text, accents
//! included, and every QR code decoded from the rendered pages back to the offer's address.

mod support;

use std::collections::BTreeSet;

use support::{decode_png, pdftoppm, pdftotext, screenshots, squeeze};
use tremplin_print::Palette;
use tremplin_print::pdf::catalogue::{self, Catalogue, Group, Item};
use tremplin_print::pdf::poster::{self, Poster};

fn item(i: usize, title: &str) -> Item {
    Item {
        title: title.to_owned(),
        company: format!("Entreprise Fictive n° {i} de l'Orne"),
        place: "Mortagne-au-Perche (61400) · à 37 km de L'Aigle".into(),
        facts: "Apprentissage · 24 mois · dès le 01/09/2026 · CAP".into(),
        summary: "Vous apprendrez le métier aux côtés d'un tuteur expérimenté : accueil des clients, préparation, entretien du matériel et respect des règles d'hygiène et de sécurité. ".repeat(3),
        url: format!("https://offres.example.fr/offres/{i}?via=catalogue"),
        link_label: format!("offres.example.fr/offres/{i}"),
    }
}

fn sample(n: usize) -> Catalogue {
    let rome = tremplin_referentiels::Rome::embedded();
    let mut labels: Vec<String> = rome.all().map(|m| m.label.clone()).collect();
    labels.sort_by_key(|l| std::cmp::Reverse(l.chars().count()));
    let mut groups: Vec<Group> = Vec::new();
    for i in 0..n {
        let title = if i % 3 == 0 {
            "Pâtissier/Pâtissière – œuvre « très » soignée".to_owned()
        } else {
            labels[i].clone()
        };
        let heading = format!("Métier n° {}", i / 7);
        match groups.last_mut() {
            Some(g) if g.heading == heading => g.items.push(item(i, &title)),
            _ => groups.push(Group {
                heading,
                items: vec![item(i, &title)],
            }),
        }
    }
    Catalogue {
        title: "Édition n° 12 – jeudi 27 novembre 2026".into(),
        subtitle: format!(
            "{n} offres d'apprentissage autour de L'Aigle et Mortagne-au-Perche, par métier"
        ),
        territory: "Mission Locale de L'Aigle-Mortagne".into(),
        contact: Some("contact@ml.example.fr".into()),
        site: "offres.example.fr".into(),
        groups,
        palette: Palette::default(),
    }
}

#[test]
fn catalogue_text_and_qr_codes_read_back() {
    if !tremplin_testing::tools::poppler() {
        return;
    }
    let c = sample(30);
    let pdf = catalogue::pdf(&c).expect("PDF");
    let text = pdftotext(&pdf);
    let flat = squeeze(&text);
    for g in &c.groups {
        for it in &g.items {
            assert!(
                flat.contains(&squeeze(&it.title)),
                "titre absent : {}\n{text}",
                it.title
            );
        }
    }
    assert!(
        text.contains("Édition n° 12") && text.contains("Pâtissier"),
        "{text}"
    );
    let pages = pdftoppm(&pdf, 150);
    if std::env::var("KEEP_PAGES").is_ok() {
        for (i, p) in pages.iter().enumerate() {
            std::fs::write(format!("/tmp/imprimes-page-{i}.png"), p).unwrap();
        }
    }
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let mut found = BTreeSet::new();
    for (i, page) in pages.iter().enumerate() {
        let img = decode_png(page);
        assert!(
            img.width.abs_diff(1240) <= 1 && img.height.abs_diff(1754) <= 1,
            "A4 à 150 dpi : {}×{}",
            img.width,
            img.height
        );
        found.extend(img.qr_codes());
        if i == 0 {
            std::fs::write(screenshots().join("catalogue-page.png"), page).unwrap();
        }
    }
    let expected: BTreeSet<String> = c
        .groups
        .iter()
        .flat_map(|g| g.items.iter().map(|i| i.url.clone()))
        .collect();
    let missing: Vec<_> = expected.difference(&found).collect();
    assert!(missing.is_empty(), "QR codes illisibles : {missing:?}");
    assert_eq!(found, expected);
}

#[test]
fn empty_catalogue_still_a_valid_pdf() {
    if !tremplin_testing::tools::poppler() {
        return;
    }
    let mut c = sample(0);
    c.groups.clear();
    let text = pdftotext(&catalogue::pdf(&c).unwrap());
    assert!(text.contains("Aucune offre dans cette édition."), "{text}");
}

#[test]
fn poster_text_and_qr_code_read_back() {
    if !tremplin_testing::tools::poppler() {
        return;
    }
    let rome = tremplin_referentiels::Rome::embedded();
    let longest = rome
        .all()
        .map(|m| m.label.clone())
        .max_by_key(|l| l.chars().count())
        .unwrap();
    for title in [longest, "Boulanger/Boulangère".to_owned()] {
        let p = Poster {
            kicker: "Offre d'apprentissage".into(),
            title: title.clone(),
            company: "Boulangerie Fictive du Four à Bois".into(),
            place: "L'Aigle (61300)".into(),
            facts: vec![
                ("Contrat".into(), "Apprentissage, 24 mois".into()),
                ("Début".into(), "dès le 01/09/2026".into()),
                ("Diplôme préparé".into(), "CAP Boulanger – niveau 3 (CAP, BEP)".into()),
                ("Permis B".into(), "Pas nécessaire".into()),
            ],
            summary: "Au fournil d'une boulangerie artisanale, vous apprendrez à pétrir, façonner et cuire le pain. ".repeat(12),
            url: "https://offres.example.fr/offres/7?via=affiche".into(),
            link_label: "offres.example.fr/offres/7".into(),
            territory: "Mission Locale de L'Aigle-Mortagne".into(),
            contact: Some("contact@ml.example.fr".into()),
            palette: Palette::default(),
        };
        let pdf = poster::pdf(&p).unwrap();
        let text = pdftotext(&pdf);
        assert!(squeeze(&text).contains(&squeeze(&title)), "{text}");
        assert!(
            text.contains("Boulangerie Fictive du Four à Bois") && text.contains("Scannez"),
            "{text}"
        );
        let pages = pdftoppm(&pdf, 100);
        assert_eq!(pages.len(), 1);
        assert_eq!(decode_png(&pages[0]).qr_codes(), vec![p.url.clone()]);
    }
}
