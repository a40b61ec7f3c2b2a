//! The widget partners frame in their pages: framed by any site unless an admin lists the
//! sites allowed, every other page refusing to be framed; no cookie; results opening the offer
//! in a new tab with the channel; the back office's snippet builder and partners' names,
//! counted under their own name in « Diffusion ».

mod support;

use axum::http::{StatusCode, header};
use support::{TestApp, backends};
use tremplin_storage::Role;

fn csp(r: &support::Reply) -> String {
    r.headers
        .get(header::CONTENT_SECURITY_POLICY)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn only_the_widget_may_be_framed_and_it_sets_no_cookie() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let r = app.get("/widget").await;
        assert_eq!(r.status, StatusCode::OK, "{backend}");
        assert!(csp(&r).contains("frame-ancestors *"), "{}", csp(&r));
        assert!(!csp(&r).contains("'none'; frame"), "{}", csp(&r));
        assert!(r.headers.get(header::X_FRAME_OPTIONS).is_none());
        assert!(r.headers.get(header::SET_COOKIE).is_none());
        // The rest of the policy stays: no inline script, no script from elsewhere.
        assert!(csp(&r).contains("script-src 'self'"));
        assert!(r.body.contains("<form method=\"get\" action=\"/widget\""));
        assert!(r.body.contains("href=\"/assets/widget.css?v=1\""));
        assert!(
            !r.body.contains("/assets/style.css"),
            "one small stylesheet"
        );

        for uri in [
            "/",
            "/offres",
            "/offres/1",
            "/editions",
            "/connexion",
            "/gestion",
            "/nulle-part",
        ] {
            let r = app.get(uri).await;
            assert!(
                csp(&r).contains("frame-ancestors 'none'"),
                "{uri}: {}",
                csp(&r)
            );
            assert_eq!(r.headers[header::X_FRAME_OPTIONS], "DENY", "{uri}");
        }
    }
}

#[tokio::test]
async fn the_widget_searches_and_opens_offers_in_a_new_tab_with_the_channel() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let r = app
            .get("/widget?q=boulanger&commune=L%27Aigle&rayon=20")
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        assert!(
            r.body.contains("1 offre autour de L&#39;Aigle")
                || r.body.contains("1 offre autour de L'Aigle"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains(
                "<a href=\"https://tremplin.example/offres/1?via=widget\" target=\"_blank\" rel=\"noopener\">Boulanger/Boulangère"
            ),
            "{}",
            r.body
        );
        assert!(!r.body.contains("Aide-soignant"), "only the matches");
        // The whole search on the site, with the channel.
        assert!(
            r.body
                .contains("https://tremplin.example/offres?q=boulanger&#38;commune="),
            "{}",
            r.body
        );
        // The colour and the partner's name stay in the form for the next search.
        let r = app.get("/widget?couleur=vert&via=ent-jean-monnet").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("<body class=\"theme-vert\">"));
        assert!(r.body.contains("name=\"via\" value=\"ent-jean-monnet\""));
        assert!(r.body.contains("name=\"couleur\" value=\"vert\""));
        // Before any search, the newest offers.
        assert!(
            r.body
                .contains("<h2 class=\"w-count\" aria-live=\"polite\">3 offres</h2>"),
            "{}",
            r.body
        );
        let (newest, oldest) = (
            r.body.find("Boulanger/Boulangère").unwrap(),
            r.body.find("Mécanicien").unwrap(),
        );
        assert!(newest < oldest);
    }
}

#[tokio::test]
async fn bad_widget_parameters_are_answered_in_french_inside_the_frame() {
    let app = TestApp::with_catalogue("sqlite").await;
    for (uri, said) in [
        ("/widget?couleur=rose", "Couleur inconnue « rose »"),
        ("/widget?rayon=beaucoup", "Le rayon doit être un nombre"),
        ("/widget?commune=Zzyzzx", "Nous ne trouvons pas la commune"),
        ("/widget?metier=XX", "ROME"),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(r.body.contains(said), "{uri}: {}", r.body);
        // Still a page that lives in its frame, without the site's header.
        assert!(csp(&r).contains("frame-ancestors *"), "{uri}");
        assert!(!r.body.contains("class=\"top\""), "{uri}");
    }
}

#[tokio::test]
async fn an_admin_restricts_the_sites_allowed_to_frame_it() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (admin, csrf) = app.session(Role::Admin, None).await;
        let page = app.get_as("/gestion/territoire", &admin).await;
        assert!(page.body.contains("name=\"origines\""), "{}", page.body);

        let r = app
            .post_form(
                "/gestion/territoire/widget",
                &admin,
                &[
                    ("csrf", &csrf),
                    (
                        "origines",
                        "https://ENT.lycee-exemple.fr/\nhttp://127.0.0.1:8123",
                    ),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let r = app.get("/widget").await;
        assert!(
            csp(&r).contains(
                "frame-ancestors 'self' http://127.0.0.1:8123 https://ent.lycee-exemple.fr"
            ),
            "{}",
            csp(&r)
        );

        // A bad line: the whole list refused, in French, nothing changed.
        for bad in [
            "ent.lycee.fr",
            "https://a.fr/page",
            "https://a.fr 'unsafe-inline'",
        ] {
            let r = app
                .post_form(
                    "/gestion/territoire/widget",
                    &admin,
                    &[
                        ("csrf", &csrf),
                        ("origines", &format!("https://ok.fr\n{bad}")),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
            assert!(r.body.contains("Ligne 2"), "{}", r.body);
            assert!(r.body.contains("aria-invalid=\"true\""));
        }
        assert_eq!(
            app.state.store.widget_origins().await.unwrap(),
            vec!["http://127.0.0.1:8123", "https://ent.lycee-exemple.fr"]
        );

        // Without the form's token, or as a counselor: refused, nothing changed.
        let r = app
            .post_form("/gestion/territoire/widget", &admin, &[("origines", "")])
            .await;
        assert_ne!(r.status, StatusCode::SEE_OTHER);
        let (counselor, ccsrf) = app.session(Role::Conseiller, None).await;
        let r = app
            .post_form(
                "/gestion/territoire/widget",
                &counselor,
                &[("csrf", &ccsrf), ("origines", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(app.state.store.widget_origins().await.unwrap().len(), 2);

        // An empty list opens it to every site again.
        let r = app
            .post_form(
                "/gestion/territoire/widget",
                &admin,
                &[("csrf", &csrf), ("origines", "  \n")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(csp(&app.get("/widget").await).contains("frame-ancestors *"));
    }
}

#[tokio::test]
async fn the_builder_gives_the_code_and_partners_are_counted_under_their_name() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (counselor, csrf) = app.session(Role::Conseiller, None).await;

        let r = app
            .post_form(
                "/gestion/widget/partenaires",
                &counselor,
                &[("csrf", &csrf), ("nom", "ENT lycée Jean-Monnet")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        assert_eq!(
            r.headers[header::LOCATION],
            "/gestion/widget?via=ent-lycee-jean-monnet"
        );
        for (name, said) in [
            ("ENT lycée Jean-Monnet", "déjà ce nom"),
            ("  ", "au moins deux lettres"),
            ("WhatsApp", "déjà celui d"),
            (&"x".repeat(81), "80 caractères"),
        ] {
            let r = app
                .post_form(
                    "/gestion/widget/partenaires",
                    &counselor,
                    &[("csrf", &csrf), ("nom", name)],
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}");
            assert!(r.body.contains(said), "{name}: {}", r.body);
        }
        assert_eq!(
            app.state.store.widgets().await.unwrap(),
            vec![(
                "ent-lycee-jean-monnet".to_owned(),
                "ENT lycée Jean-Monnet".to_owned()
            )]
        );

        let r = app
            .get_as(
                "/gestion/widget?q=boulanger&commune=L%27Aigle&rayon=20&couleur=vert&via=ent-lycee-jean-monnet",
                &counselor,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let src = "/widget?q=boulanger&#38;commune=";
        assert!(
            r.body.contains(&format!("<iframe src=\"{src}")),
            "{}",
            r.body
        );
        assert!(
            r.body
                .contains("couleur=vert&#38;via=ent-lycee-jean-monnet"),
            "{}",
            r.body
        );
        // The code to copy: the frame at the public address, and the optional sizing script.
        assert!(
            r.body.contains(
                "&#60;iframe data-tremplin src=&#34;https://tremplin.example/widget?q=boulanger"
            ),
            "{}",
            r.body
        );
        assert!(r.body.contains("https://tremplin.example/assets/widget.js"));
        // A bad choice: said in French.
        let r = app
            .get_as("/gestion/widget?couleur=fuchsia", &counselor)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("Choisissez une couleur"));
        let r = app.get_as("/gestion/widget?via=inconnu", &counselor).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("Choisissez un site partenaire"));

        // Visits through the partner's widget count under its name; made-up names for nothing.
        for uri in [
            "/offres/1?via=ent-lycee-jean-monnet",
            "/offres/1?via=ent-lycee-jean-monnet",
            "/offres/2?via=ent-lycee-jean-monnet",
            "/offres/2?via=widget",
            "/offres/2?via=ent-inconnu",
        ] {
            assert_eq!(app.get(uri).await.status, StatusCode::OK);
        }
        let monday = chrono::NaiveDate::from_ymd_opt(2020, 1, 6).unwrap();
        assert_eq!(
            app.state.store.views_by_channel(monday).await.unwrap(),
            vec![
                ("ent-lycee-jean-monnet".to_owned(), 3),
                ("widget".to_owned(), 1)
            ]
        );
        // The application form carries the partner's name on.
        let form = app
            .get("/offres/1/postuler?via=ent-lycee-jean-monnet")
            .await
            .body;
        assert!(
            form.contains("name=\"via\" value=\"ent-lycee-jean-monnet\""),
            "{form}"
        );

        let dashboard = app.get_as("/gestion", &counselor).await.body;
        let section = &dashboard[dashboard.find("<h2 id=\"diffusion\">").unwrap()..];
        assert!(
            section.contains(
                "<th scope=\"row\">Widget · ENT lycée Jean-Monnet</th><td data-label=\"Offres ouvertes\">3</td><td data-label=\"Candidatures\">0</td>"
            ),
            "{section}"
        );
        assert!(
            section.contains("<th scope=\"row\">Widget</th><td data-label=\"Offres ouvertes\">1</td><td data-label=\"Candidatures\">0</td>"),
            "{section}"
        );
        // The chart per week and channel, with its table, and the offers most opened.
        assert!(
            section.contains("aria-labelledby=\"diffusion-vues-titre\""),
            "{section}"
        );
        assert!(section.contains("(4 en 8 semaines)"), "{section}");
        let top = &section[section.find("Les offres les plus ouvertes").unwrap()..];
        let first = top.find("Boulanger/Boulangère</a> : 2 ouvertures").unwrap();
        let second = top.find(": 2 ouvertures").unwrap();
        assert_eq!(first + "Boulanger/Boulangère</a> ".len(), second, "{top}");
    }
}

#[tokio::test]
async fn the_dashboard_shows_what_each_edition_brought() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let edition = app
            .state
            .store
            .publish_edition("2026-11-26T09:00:00+01:00", support::now(), None)
            .await
            .unwrap()
            .expect("an edition");
        for uri in [
            "/offres/1?via=facebook",
            "/offres/2?via=qr",
            "/offres/2?via=qr",
        ] {
            app.get(uri).await;
        }
        let (counselor, _) = app.session(Role::Conseiller, None).await;
        let dashboard = app.get_as("/gestion", &counselor).await.body;
        let at = dashboard
            .find("Ce qu&#39;ont apporté les dernières éditions")
            .or_else(|| dashboard.find("Ce qu'ont apporté les dernières éditions"))
            .expect("the editions' reach");
        let table = &dashboard[at..];
        let row = format!(
            "<a href=\"/editions/{}\">n° {}</a>",
            edition.number, edition.number
        );
        let cells = &table[table.find(&row).expect("its row")..];
        // Its new offers, opened three times by links.
        let new = edition
            .entries
            .iter()
            .filter(|e| e.kind == tremplin_storage::EntryKind::New)
            .count();
        assert!(new >= 2);
        assert!(
            cells.contains(&format!("<td data-label=\"Nouvelles offres\">{new}</td><td data-label=\"Ouvertes par un lien partagé\">3</td><td data-label=\"Candidatures\">0</td>")),
            "{backend}: {cells}"
        );
    }
}
