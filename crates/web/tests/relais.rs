//! Relaying an edition: the offers' and edition's PNG cards, the counselors' social kit (a
//! ZIP), the printed catalogue and posters (PDF). Everything is read back with independent
//! parsers: the `zip` crate, the `png` decoder, `rqrr` for the QR codes, poppler for the PDFs.

mod support;

use std::collections::BTreeSet;
use std::io::Read;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::{TestApp, backends, now, offer};
use tremplin_storage::Role;
use tremplin_testing::images::decode_png;

const BASE: &str = "https://tremplin.example";

/// Runs poppler's `tool` on `pdf` in a directory removed when the answer is dropped.
fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name);
    std::fs::write(at("f.pdf"), pdf).unwrap();
    let mut cmd = std::process::Command::new(tool);
    cmd.args(args).arg(at("f.pdf"));
    cmd.arg(at(if tool == "pdftotext" { "f.txt" } else { "p" }));
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) : {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = poppler("pdftotext", pdf, &["-enc", "UTF-8"]);
    std::fs::read_to_string(dir.path().join("f.txt")).unwrap()
}

/// Every QR code of every page, rendered at 150 dpi.
fn pdf_qr_codes(pdf: &[u8]) -> BTreeSet<String> {
    let dir = poppler("pdftoppm", pdf, &["-png", "-r", "150"]);
    let mut found = BTreeSet::new();
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "png") {
            found.extend(decode_png(&std::fs::read(p).unwrap()).qr_codes());
        }
    }
    found
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn longest_rome_label() -> String {
    tremplin_referentiels::Rome::embedded()
        .all()
        .map(|m| m.label.clone())
        .max_by_key(|l| l.chars().count())
        .unwrap()
}

#[tokio::test]
async fn offer_cards_are_public_cached_and_drawn_again_when_the_offer_changes() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        for (format, w, h) in [("carre", 1080, 1080), ("lien", 1200, 630)] {
            let r = app
                .get(&format!("/offres/1/carte.png?format={format}"))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{backend} {format}: {}", r.body);
            assert_eq!(r.headers[header::CONTENT_TYPE], "image/png");
            assert!(
                r.headers[header::CACHE_CONTROL]
                    .to_str()
                    .unwrap()
                    .starts_with("public")
            );
            let img = decode_png(&r.bytes);
            assert_eq!((img.width, img.height), (w, h));
            assert!(img.colours() > 20, "pas une image vide");
            assert_eq!(img.qr_codes(), vec![format!("{BASE}/offres/1?via=qr")]);
            let etag = r.headers[header::ETAG].to_str().unwrap().to_owned();
            let again = app
                .raw(
                    Request::get(format!("/offres/1/carte.png?format={format}"))
                        .header(header::IF_NONE_MATCH, &etag)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(again.status, StatusCode::NOT_MODIFIED);
            assert!(again.bytes.is_empty());
        }
        let before = app.get("/offres/1/carte.png?format=lien").await;
        let default = app.get("/offres/1/carte.png").await;
        assert_eq!(default.bytes, before.bytes, "lien by default");

        // The offer changes: another ETag, another image.
        let mut changed = offer("b1", "Boulanger/Boulangère de tradition", "61214");
        changed.company_name = "Boulangerie Renommée".into();
        app.store(changed, tremplin_domain::OfferStatus::Publiee)
            .await;
        let after = app.get("/offres/1/carte.png?format=lien").await;
        assert_eq!(after.status, StatusCode::OK);
        assert_ne!(
            after.headers[header::ETAG],
            before.headers[header::ETAG],
            "{backend}"
        );
        assert_ne!(after.bytes, before.bytes);

        for (uri, status, words) in [
            (
                "/offres/1/carte.png?format=geant",
                StatusCode::BAD_REQUEST,
                "Format de carte inconnu",
            ),
            (
                "/offres/1/carte.png?format=",
                StatusCode::BAD_REQUEST,
                "Format de carte inconnu",
            ),
            (
                "/offres/999/carte.png?format=carre",
                StatusCode::NOT_FOUND,
                "introuvable",
            ),
            (
                "/offres/4/carte.png?format=carre",
                StatusCode::NOT_FOUND,
                "introuvable",
            ),
            (
                "/offres/abc/carte.png",
                StatusCode::NOT_FOUND,
                "introuvable",
            ),
        ] {
            let r = app.get(uri).await;
            assert_eq!(r.status, status, "{backend} {uri}");
            assert!(r.body.contains(words), "{uri}: {}", r.body);
        }

        // Link previews: the offer page points to its 1200×630 card, absolute.
        let page = app.get("/offres/1").await.body;
        for meta in [
            format!(
                "<meta property=\"og:image\" content=\"{BASE}/offres/1/carte.png?format=lien\">"
            ),
            "<meta name=\"twitter:card\" content=\"summary_large_image\">".to_owned(),
            "<meta property=\"og:title\" content=\"Boulanger/Boulangère de tradition".to_owned(),
            "<meta property=\"og:description\"".to_owned(),
            "<meta property=\"og:image:alt\" content=\"".to_owned(),
            "href=\"/offres/1/affiche.pdf\"".to_owned(),
        ] {
            assert!(page.contains(&meta), "{backend}: {meta}");
        }
    }
}

/// A published edition with the catalogue's offers and one named after the longest trade of
/// the ROME referential.
async fn app_with_edition(backend: &str) -> (TestApp, i64) {
    let app = TestApp::with_catalogue(backend).await;
    let long = app
        .publish(offer("long", &longest_rome_label(), "61293"), 0)
        .await;
    app.state
        .store
        .publish_edition("2026-11-26T09:00:00+01:00", now(), None)
        .await
        .unwrap()
        .unwrap();
    (app, long)
}

#[tokio::test]
async fn the_kit_holds_every_card_its_alternative_text_and_the_posts() {
    for backend in backends() {
        let (app, long) = app_with_edition(backend).await;
        // Counselors only, as the other pages of the edition.
        let anonymous = app.get("/gestion/edition/1/kit").await;
        assert!(
            anonymous.status.is_redirection() || anonymous.status == StatusCode::UNAUTHORIZED,
            "{}",
            anonymous.status
        );
        let (partner, _) = app.session(Role::Partenaire, Some("France Travail")).await;
        assert_eq!(
            app.get_as("/gestion/edition/1/kit", &partner).await.status,
            StatusCode::FORBIDDEN
        );
        let (cookie, _) = app.session(Role::Conseiller, None).await;
        assert!(
            app.get_as("/gestion/edition", &cookie)
                .await
                .body
                .contains("href=\"/gestion/edition/1/kit\"")
        );
        assert_eq!(
            app.get_as("/gestion/edition/9/kit", &cookie).await.status,
            StatusCode::NOT_FOUND
        );

        let r = app.get_as("/gestion/edition/1/kit", &cookie).await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        assert_eq!(r.headers[header::CONTENT_TYPE], "application/zip");
        assert!(
            r.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("kit-edition-1.zip")
        );
        let mut zip =
            zip::ZipArchive::new(std::io::Cursor::new(r.bytes.clone())).expect("une archive ZIP");
        let names: Vec<String> = zip
            .file_names()
            .map(|n| n.expect("nom lisible").into_owned())
            .collect();
        let mut read = |name: &str| {
            let mut f = zip
                .by_name(name)
                .unwrap_or_else(|_| panic!("{name} absent de {names:?}"));
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            v
        };
        // The catalogue's offers (the validated one went out with the edition) and the long
        // one, both sizes each.
        let offers: Vec<&String> = names
            .iter()
            .filter(|n| n.starts_with("offres/") && n.ends_with("/carte-carre.png"))
            .collect();
        assert_eq!(offers.len(), 5, "{names:?}");
        let names_now = names.clone();
        for name in names_now.iter().filter(|n| n.ends_with(".png")) {
            let img = decode_png(&read(name));
            let size = if name.ends_with("carre.png") {
                (1080, 1080)
            } else {
                (1200, 630)
            };
            assert_eq!((img.width, img.height), size, "{name}");
            assert!(img.colours() > 20, "{name}: vide");
            let codes = img.qr_codes();
            if let Some(id) = name
                .strip_prefix("offres/")
                .and_then(|r| r.split('-').next())
            {
                assert_eq!(codes, vec![format!("{BASE}/offres/{id}?via=qr")], "{name}");
                let alt = String::from_utf8(read(&name.replace(
                    &format!("carte-{}", name.rsplit('-').next().unwrap()),
                    "texte-alternatif.txt",
                )))
                .unwrap();
                assert!(alt.len() > 60, "{name}: {alt}");
            } else {
                assert_eq!(codes, vec![format!("{BASE}/editions/1?via=qr")], "{name}");
            }
            if name.starts_with(&format!("offres/{long}-")) {
                // The longest trade name stays inside the frame: margins hold only the
                // background colour.
                let dark = [0x12, 0x3c, 0x69];
                let (w, h) = size;
                let bottom = if w == 1080 { 790 } else { h };
                let (left, right) = if w == 1080 { (64, 1080) } else { (50, 840) };
                for (x0, y0, x1, y1) in [
                    (0, 0, left, bottom),
                    (right - 44, 0, right, bottom),
                    (0, 0, right, 50),
                ] {
                    assert_eq!(
                        img.stray(x0, y0, x1, y1, dark),
                        None,
                        "{name}: texte hors du cadre"
                    );
                }
            }
        }
        let alt = String::from_utf8(read("textes-alternatifs.txt")).unwrap();
        assert!(
            alt.contains(&longest_rome_label()) && alt.contains("Boulanger/Boulangère"),
            "{alt}"
        );
        assert!(
            String::from_utf8(read("edition/texte-alternatif.txt"))
                .unwrap()
                .contains("5 nouvelles offres d'apprentissage cette semaine")
        );
        for (file, limit, via) in [
            ("facebook", 63_206, "facebook"),
            ("instagram", 2_200, "instagram"),
            ("linkedin", 3_000, "linkedin"),
            ("bluesky", 300, "bluesky"),
            ("x", 280, "x"),
        ] {
            let post = String::from_utf8(read(&format!("publications/{file}.txt"))).unwrap();
            assert!(
                post.chars().count() <= limit,
                "{file}: {}",
                post.chars().count()
            );
            assert!(post.contains(&format!("?via={via}")), "{file}: {post}");
            assert!(post.contains("#apprentissage"), "{file}: {post}");
            assert!(
                post.contains("5 nouvelles offres d'apprentissage"),
                "{file}: {post}"
            );
        }
        let facebook = String::from_utf8(read("publications/facebook.txt")).unwrap();
        assert!(
            facebook.contains(&format!("{BASE}/offres/1?via=facebook")),
            "{facebook}"
        );
    }
}

#[tokio::test]
async fn the_printed_catalogue_and_posters_read_back() {
    if !tremplin_testing::tools::poppler() {
        return;
    }
    for backend in backends() {
        let (app, long) = app_with_edition(backend).await;
        let titles = [
            "Boulanger/Boulangère",
            "Aide-soignant·e",
            "Mécanicien(ne) agricole",
            "Offre en attente de validation",
        ];
        let page = app.get("/editions/1").await.body;
        assert!(
            page.contains("href=\"/editions/1/catalogue.pdf\"")
                && page.contains("href=\"/editions/1/catalogue.pdf?par=commune\""),
            "{page}"
        );
        assert!(page.contains(&format!(
            "content=\"{BASE}/editions/1/carte.png?format=lien\""
        )));
        for uri in [
            "/editions/1/catalogue.pdf",
            "/editions/1/catalogue.pdf?par=commune",
        ] {
            let r = app.get(uri).await;
            assert_eq!(r.status, StatusCode::OK, "{backend} {uri}: {}", r.body);
            assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
            let text = pdf_text(&r.bytes);
            for t in titles
                .iter()
                .copied()
                .chain([longest_rome_label().as_str()])
            {
                assert!(
                    squeeze(&text).contains(&squeeze(t)),
                    "{uri}: {t} absent\n{text}"
                );
            }
            assert!(text.contains("Édition n° 1"), "{text}");
            let expected: BTreeSet<String> = [1, 2, 3, 4, long]
                .iter()
                .map(|id| format!("{BASE}/offres/{id}?via=catalogue"))
                .collect();
            assert_eq!(pdf_qr_codes(&r.bytes), expected, "{uri}");
        }
        let by_commune = pdf_text(&app.get("/editions/1/catalogue.pdf?par=commune").await.bytes);
        assert!(
            by_commune.contains("par commune") && by_commune.contains("Mortagne-au-Perche"),
            "{by_commune}"
        );

        let r = app.get("/offres/1/affiche.pdf").await;
        assert_eq!(r.status, StatusCode::OK);
        let text = pdf_text(&r.bytes);
        assert!(
            text.contains("Boulanger/Boulangère") && text.contains("Scannez"),
            "{text}"
        );
        assert_eq!(
            pdf_qr_codes(&r.bytes),
            BTreeSet::from([format!("{BASE}/offres/1?via=affiche")])
        );

        let waiting = app
            .store(
                offer("b8", "Offre pas encore validée", "61214"),
                tremplin_domain::OfferStatus::AValider,
            )
            .await;
        let pending = format!("/offres/{waiting}/affiche.pdf");
        let card = app.get("/editions/1/carte.png?format=carre").await;
        assert_eq!(card.status, StatusCode::OK);
        assert_eq!(
            decode_png(&card.bytes).qr_codes(),
            vec![format!("{BASE}/editions/1?via=qr")]
        );

        for (uri, status, words) in [
            (
                "/editions/1/catalogue.pdf?par=ville",
                StatusCode::BAD_REQUEST,
                "Classement inconnu",
            ),
            (
                "/editions/1/catalogue.pdf?par=metier&par=commune",
                StatusCode::BAD_REQUEST,
                "Paramètres illisibles",
            ),
            (
                "/editions/9/catalogue.pdf",
                StatusCode::NOT_FOUND,
                "introuvable",
            ),
            (
                "/editions/1/carte.png?format=rond",
                StatusCode::BAD_REQUEST,
                "Format de carte inconnu",
            ),
            (
                "/editions/9/carte.png",
                StatusCode::NOT_FOUND,
                "introuvable",
            ),
            (pending.as_str(), StatusCode::NOT_FOUND, "introuvable"),
            (
                "/offres/999/affiche.pdf",
                StatusCode::NOT_FOUND,
                "introuvable",
            ),
        ] {
            let r = app.get(uri).await;
            assert_eq!(r.status, status, "{backend} {uri}");
            assert!(r.body.contains(words), "{uri}: {}", r.body);
        }
    }
}
