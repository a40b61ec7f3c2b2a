//! The public pages, through the whole router, on each backend.

mod support;

use axum::http::StatusCode;
use support::{TestApp, backends, offer};
use tremplin_domain::OfferStatus;
use tremplin_storage::Role;

#[tokio::test]
async fn health_and_readiness() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
        assert_eq!(
            app.get("/readyz").await.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "index not loaded yet"
        );
        app.sync().await;
        assert_eq!(app.get("/readyz").await.status, StatusCode::OK, "{backend}");
    }
}

#[tokio::test]
async fn home_shows_counts_and_this_weeks_offers() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let r = app.get("/").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("3 offres d'alternance"), "{}", r.body);
        // Published 1 day ago: new this week; 10 and 20 days ago: not.
        assert!(
            r.body
                .contains("Nouveau cette semaine <span class=\"count\">(1)</span>"),
            "{backend}"
        );
        assert!(r.body.contains("Boulanger/Boulangère"));
        assert!(!r.body.contains("Mécanicien(ne) agricole"));
        assert!(!r.body.contains("en attente de validation"));
    }
}

#[tokio::test]
async fn results_near_a_commune_typed_by_name() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let r = app
            .get("/offres?q=aide+soignante&commune=Mortagne-au-Perche&rayon=10")
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains("1 offre autour de Mortagne-au-Perche"),
            "{}",
            r.body
        );
        assert!(r.body.contains("Aide-soignant·e"));
        assert!(
            // The commune travels with the link: the offer page measures the trips from it.
            r.body
                .contains("href=\"/offres/2?commune=Mortagne-au-Perche+%2861400%29&#38;retour="),
            "{backend}"
        );
        // With a commune and no chosen order, nearest first.
        let r = app.get("/offres?commune=61293&rayon=100").await;
        let (near, far) = (
            r.body.find("Aide-soignant·e").unwrap(),
            r.body.find("Boulanger/Boulangère").unwrap(),
        );
        assert!(near < far, "{backend}: Mortagne's offers before L'Aigle's");
        assert!(
            r.body
                .contains("<option value=\"\" selected>Les plus proches d")
        );
        let r = app
            .get("/offres?commune=61293&rayon=100&tri=pertinence&q=boulanger")
            .await;
        assert!(
            r.body.contains("<option value=\"pertinence\" selected>"),
            "an explicit order is kept"
        );
        let r = app
            .get("/offres?commune=l%27aigle&rayon=10&tri=distance")
            .await;
        assert!(
            r.body.contains("1 offre autour de L&#39;Aigle")
                || r.body.contains("1 offre autour de L'Aigle"),
            "{}",
            r.body
        );
    }
}

#[tokio::test]
async fn nothing_near_widens_the_radius_and_says_so() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        // Alençon is about 35 km from Mortagne and 40 km from L'Aigle.
        let r = app.get("/offres?commune=61001&rayon=10").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains(
                "Aucune offre à moins de 10 km de Alençon : voici celles à moins de 50 km."
            ),
            "{}",
            r.body
        );
        assert!(r.body.contains("Mécanicien(ne) agricole"));
        // Nothing within 100 km: no widening beyond.
        let r = app.get("/offres?commune=13055&rayon=30").await;
        assert!(
            r.body.contains("Aucune offre autour de Marseille"),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn bad_or_ambiguous_searches_are_explained_in_french() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let r = app.get("/offres?commune=Zzzzville").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body
                .contains("Nous ne trouvons pas la commune « Zzzzville »"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("value=\"Zzzzville\""),
            "what was typed stays in the form"
        );
        let r = app.get("/offres?commune=61400").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body
                .contains("Plusieurs communes correspondent à « 61400 »")
        );
        assert!(
            r.body
                .contains("commune=Mortagne-au-Perche+%2861400%29\">Mortagne-au-Perche (61400)"),
            "{backend}: {}",
            r.body
        );
        // A choice leads to results, even where the commune's INSEE code is also a postcode
        // shared by several communes (Rouen, 76540).
        let r = app.get("/offres?commune=Rouen%20%2876000%29").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Rouen (76000)"), "{}", r.body);
        for bad in [
            "rayon=abc",
            "rayon=900",
            "niveau=9",
            "tri=hasard",
            "tri=distance",
            "page=0",
            "page=99999",
        ] {
            let r = app.get(&format!("/offres?{bad}")).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
            assert!(r.body.contains("class=\"alert\""), "{bad}");
        }
    }
}

#[tokio::test]
async fn voir_plus_loads_the_next_results_without_infinite_scroll() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        for i in 0..25 {
            app.publish(
                offer(&format!("p{i}"), &format!("Boulanger numéro {i}"), "61214"),
                i,
            )
            .await;
        }
        app.sync().await;
        let r = app.get("/offres?q=boulanger").await;
        assert_eq!(r.body.matches("class=\"card\"").count(), 20);
        assert!(
            r.body.contains("href=\"/offres?q=boulanger&#38;page=2\""),
            "{}",
            r.body
        );
        let r = app.get("/offres?q=boulanger&page=2").await;
        assert_eq!(r.body.matches("class=\"card\"").count(), 25, "{backend}");
        assert!(!r.body.contains("Voir plus d'offres"));
    }
}

#[tokio::test]
async fn offer_page_has_every_field_json_ld_and_open_graph() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let cfa = tremplin_domain::CodeInsee::parse("61001").unwrap();
        app.state
            .store
            .save_training_centre("3IFA Alençon", &cfa, "CAP Boulanger", None)
            .await
            .unwrap();
        let mut input = offer("x", "Boulanger/Boulangère", "61214");
        input.cfa = Some("3IFA Alençon".into());
        input.contact.phone = Some(tremplin_domain::Telephone::parse("0261910000").unwrap());
        input.rqth = true;
        let id = app.publish(input, 2).await;
        app.sync().await;
        let r = app.get(&format!("/offres/{id}?depuis=61293")).await;
        assert_eq!(r.status, StatusCode::OK);
        let b = &r.body;
        for needle in [
            "<h1>Boulanger/Boulangère</h1>",
            "Entreprise Fictive",
            "à 28 km de Mortagne-au-Perche",
            "Le centre de formation, 3IFA Alençon (Alençon) : depuis l'entreprise 54 km à vol d&#39;oiseau",
            "href=\"tel:+33261910000\"",
            "mailto:contact@entreprise.example",
            "Ouverte aux personnes en situation de handicap (RQTH)",
            "CAP Boulanger – Niveau 3 (CAP, BEP)",
            "24 mois",
            "href=\"/metiers/D1102?commune=",
            "\"@type\":\"JobPosting\"",
            "<meta property=\"og:title\" content=\"Boulanger/Boulangère – Entreprise Fictive, L&#39;Aigle\">",
            "<link rel=\"canonical\" href=\"https://tremplin.example/offres/",
        ] {
            assert!(b.contains(needle), "{backend}: missing {needle}\n{b}");
        }
        let ld_start = b.find("application/ld+json\">").unwrap() + "application/ld+json\">".len();
        let ld_end = b[ld_start..].find("</script>").unwrap();
        let ld: serde_json::Value = serde_json::from_str(&b[ld_start..ld_start + ld_end]).unwrap();
        assert_eq!(ld["hiringOrganization"]["name"], "Entreprise Fictive");
        assert_eq!(ld["jobLocation"]["address"]["postalCode"], "61300");
    }
}

#[tokio::test]
async fn unknown_or_unpublished_offers_are_not_found() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        for uri in [
            "/offres/4",
            "/offres/999",
            "/offres/abc",
            "/offres/-1",
            "/nulle-part",
            "/metiers/Z9999",
            "/metiers/xx",
            "/offres/+1",
            "/offres/1e3",
            "/offres/99999999999999999999",
            "/offres/%C3%A9",
            "/editions/un",
            "/offres/abc/postuler",
        ] {
            let r = app.get(uri).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend} {uri}");
            assert!(r.body.contains("Page introuvable"), "{uri}");
        }
        // The back office and the API say it their own way.
        let (cookie, _) = app.session(Role::Conseiller, None).await;
        for uri in ["/gestion/offres/abc", "/gestion/entreprises/1x"] {
            let r = app.get_as(uri, &cookie).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend} {uri}");
            assert!(r.body.contains("Page introuvable"), "{uri}");
        }
        let r = app.json("GET", "/api/v1/offers/abc", None, "").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.json()["error"].as_str().unwrap().contains("n'existe pas"));
    }
}

#[tokio::test]
async fn user_text_is_escaped_everywhere() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let mut evil = offer("e", "Boulanger <script>alert(1)</script>", "61214");
        evil.description =
            "Description </script><script>alert(2)</script> avec \"guillemets\" & esperluette."
                .into();
        evil.company_name = "<img src=x onerror=alert(3)>".into();
        let id = app.publish(evil, 1).await;
        app.sync().await;
        for uri in [
            format!("/offres/{id}"),
            "/offres?q=boulanger".into(),
            "/".into(),
            "/offres?q=%3Cscript%3Ealert(4)%3C/script%3E".into(),
        ] {
            let r = app.get(&uri).await;
            assert!(!r.body.contains("<script>alert"), "{backend} {uri}");
            assert!(!r.body.contains("<img src=x"), "{uri}");
        }
        let r = app.get(&format!("/offres/{id}")).await;
        assert!(
            r.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("\\u003c/script>\\u003cscript>alert(2)"),
            "JSON-LD escapes '<'"
        );
    }
}

#[tokio::test]
async fn security_headers_on_every_page() {
    let app = TestApp::with_catalogue("sqlite").await;
    for uri in [
        "/",
        "/offres",
        "/offres/1",
        "/nulle-part",
        "/api/v1/offers",
        "/assets/style.css",
    ] {
        let r = app.get(uri).await;
        let csp = r
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{uri}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
        assert!(r.headers.get("x-request-id").is_some());
    }
}

#[tokio::test]
async fn pages_stay_light_for_rural_connections() {
    let app = TestApp::new("sqlite").await;
    for i in 0..20 {
        let mut o = offer(
            &format!("w{i}"),
            "Agent·e de maintenance des bâtiments communaux",
            "61214",
        );
        o.description = "Entretien courant des bâtiments. ".repeat(60);
        app.publish(o, i).await;
    }
    app.sync().await;
    let css = app.get("/assets/style.css").await.body.len();
    for uri in [
        "/",
        "/offres?q=maintenance&commune=61214",
        "/offres/1?depuis=61293",
        "/accessibilite",
    ] {
        let html = app.get(uri).await.body.len();
        assert!(html + css < 60 * 1024, "{uri}: {html} + {css} bytes");
    }
}

#[tokio::test]
async fn legal_and_accessibility_pages() {
    let app = TestApp::new("sqlite").await;
    for (uri, needle) in [
        ("/accessibilite", "RGAA 4.1"),
        ("/mentions-legales", "Éditeur"),
        ("/confidentialite", "aucun cookie de suivi"),
        ("/donnees", "CC BY 4.0"),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert!(r.body.contains(needle), "{uri}");
    }
}

#[tokio::test]
async fn offers_by_trade() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let r = app.get("/metiers/I1603").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("1 offre en ce moment."), "{}", r.body);
        assert!(r.body.contains("Mécanicien(ne) agricole"));
        assert!(!r.body.contains("Boulanger/Boulangère"), "{backend}");
    }
}

#[tokio::test]
async fn a_change_reaches_search_within_two_seconds_without_restart() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (stop, rx) = tokio::sync::watch::channel(false);
        let follower = tokio::spawn(tremplin_web::services::indexer::follow(
            app.state.clone(),
            rx,
        ));
        let id = app
            .store(
                offer("live", "Couvreur zingueur", "61214"),
                OfferStatus::Publiee,
            )
            .await;
        let started = std::time::Instant::now();
        loop {
            if app
                .get("/offres?q=couvreur")
                .await
                .body
                .contains("Couvreur zingueur")
            {
                break;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(2),
                "{backend}: not searchable after 2 s"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        app.state
            .store
            .set_offer_status(id, OfferStatus::Retiree, support::now())
            .await
            .unwrap();
        let started = std::time::Instant::now();
        while app
            .get("/offres?q=couvreur")
            .await
            .body
            .contains("Couvreur zingueur")
        {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(2),
                "{backend}: withdrawn offer still listed"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        stop.send(true).unwrap();
        follower.await.unwrap();
    }
}

/// The share block: plain links for each channel, each bringing `?via=` so that the channel is
/// known; nothing from elsewhere is loaded.
#[tokio::test]
async fn an_offer_is_shared_by_plain_links_that_carry_their_channel() {
    let app = TestApp::with_catalogue("sqlite").await;
    let body = app.get("/offres/1").await.body;
    let link = "https://tremplin.example/offres/1";
    for (channel, prefix) in [
        ("whatsapp", "https://wa.me/?text="),
        ("sms", "sms:?&amp;body="),
        ("email", "mailto:?subject="),
        ("facebook", "https://www.facebook.com/sharer/sharer.php?u="),
        (
            "linkedin",
            "https://www.linkedin.com/sharing/share-offsite/?url=",
        ),
    ] {
        let at = body
            .find(&format!("href=\"{prefix}"))
            .unwrap_or_else(|| panic!("{channel}: {body}"));
        let href = body[at..].split('"').nth(1).unwrap();
        assert!(
            href.contains(&format!(
                "https%3A%2F%2Ftremplin.example%2Foffres%2F1%3Fvia%3D{channel}"
            )),
            "{channel}: {href}"
        );
    }
    assert!(body.contains(&format!("value=\"{link}?via=lien\" readonly")));
    assert!(
        body.contains("data-copy=\"lien-offre\" hidden"),
        "the copy button waits for the script"
    );
    // A visit through a shared link is the same page.
    let via = app.get("/offres/1?via=whatsapp").await;
    assert_eq!(via.status, StatusCode::OK);
    assert!(
        via.body
            .contains(&format!("<link rel=\"canonical\" href=\"{link}\">"))
    );
}

#[tokio::test]
async fn the_search_placeholder_gives_l_aigles_real_postcode() {
    let app = TestApp::with_catalogue("sqlite").await;
    let body = app.get("/").await.body;
    assert!(body.contains("placeholder=\"L'Aigle, 61300…\""), "{body}");
}
