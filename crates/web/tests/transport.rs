//! "Y aller sans voiture" on the offer page: without a feed it says so and nothing breaks; with
//! a feed imported (through one instance, seen by another), Monday's coach to work and
//! Friday's back from the young person's commune, typed as a name or an INSEE code.

mod support;

use axum::http::StatusCode;
use support::{TestApp, backends, now, offer};
use tremplin_transport::gtfs::write_zip;
use tremplin_web::services::transport;

/// Lines 30 and 31 between Mortagne-au-Perche and L'Aigle, stops ~150 m from each centre, on
/// weekdays; no coach on Monday 30 November (an exception).
fn feed() -> Vec<u8> {
    let files: [(&str, &str); 6] = [
        (
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon\n\
             MORT,Mortagne - Place,48.5212,0.5485\n\
             AIGL,L'Aigle - Halle,48.7632,0.6287\n",
        ),
        (
            "routes.txt",
            "route_id,route_short_name,route_long_name,route_type\nL30,30,Mortagne - L'Aigle,3\nL31,31,Mortagne - Tourouvre - L'Aigle,3\n",
        ),
        (
            "trips.txt",
            "route_id,service_id,trip_id\nL31,SEMAINE,LENT\nL30,SEMAINE,ALLER\nL30,SEMAINE,RETOUR\n",
        ),
        (
            "stop_times.txt",
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n\
             LENT,05:30:00,05:30:00,MORT,1\n\
             LENT,07:31:00,07:31:00,AIGL,2\n\
             ALLER,06:42:00,06:42:00,MORT,1\n\
             ALLER,07:31:00,07:31:00,AIGL,2\n\
             RETOUR,17:50:00,17:50:00,AIGL,1\n\
             RETOUR,18:40:00,18:40:00,MORT,2\n",
        ),
        (
            "calendar.txt",
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
             SEMAINE,1,1,1,1,1,0,0,20260901,20270704\n",
        ),
        (
            "calendar_dates.txt",
            "service_id,date,exception_type\nSEMAINE,20261130,2\n",
        ),
    ];
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
    write_zip(&files)
}

#[tokio::test]
async fn the_offer_page_tells_the_weeks_coaches_once_a_feed_is_imported() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let id = app
            .publish(offer("aigle", "Boulanger/Boulangère", "61214"), 1)
            .await;
        let page = format!("/offres/{id}");

        // No feed: said plainly, the page works.
        let r = app.get(&format!("{page}?commune=Mortagne-au-Perche")).await;
        assert_eq!(r.status, StatusCode::OK, "{backend}");
        assert!(
            r.body.contains("ne sont pas connus de Tremplin"),
            "{backend}: {}",
            r.body
        );

        // A malformed feed is refused and leaves nothing behind.
        let refused = transport::import(&app.state.store, "faux.zip", b"PK".to_vec(), now()).await;
        assert!(refused.unwrap_err().to_string().contains("archive ZIP"));
        assert_eq!(app.state.store.transport_feed().await.unwrap(), None);

        let imported = transport::import(&app.state.store, "perche.zip", feed(), now())
            .await
            .unwrap();
        assert_eq!((imported.stops, imported.trips), (2, 3));
        // What the scheduler does every round on every instance.
        transport::refresh(&app.state).await.unwrap();

        // Thursday 26 November: Monday 30 November has no coach (exception), so the week of
        // Monday 7 December; the 5:30 of line 31 arrives at 7:31 too, but the 6:42 leaves later.
        let r = app.get(&format!("{page}?commune=Mortagne-au-Perche")).await;
        assert_eq!(r.status, StatusCode::OK);
        let b = &r.body;
        assert!(
            b.contains("Depuis le centre de Mortagne-au-Perche, la semaine du lundi 7 décembre"),
            "{backend}: {b}"
        );
        assert!(
            b.contains("en car : départ 6 h 42 de Mortagne - Place, ligne 30, arrivée 7 h 31 à L&#39;Aigle - Halle.")
                || b.contains("en car : départ 6 h 42 de Mortagne - Place, ligne 30, arrivée 7 h 31 à L&#x27;Aigle - Halle."),
            "{b}"
        );
        assert!(b.contains("Avant : 3 min à pied jusqu"), "{b}");
        assert!(
            b.contains("(vendredi 11 décembre), en car : départ 17 h 50 de L"),
            "{b}"
        );
        assert!(b.contains("arrivée 18 h 40 à Mortagne - Place"), "{b}");

        // The INSEE code the results' links carry says the same; `depuis` too.
        let by_code = app.get(&format!("{page}?commune=61293")).await;
        assert!(by_code.body.contains("départ 6 h 42 de Mortagne - Place"));
        let depuis = app.get(&format!("{page}?depuis=61293")).await;
        assert!(depuis.body.contains("départ 6 h 42 de Mortagne - Place"));

        // An offer whose training centre is at L'Aigle: the weeks at school get their coaches.
        let laigle = tremplin_domain::CodeInsee::parse("61214").unwrap();
        app.state
            .store
            .save_training_centre("CFA de L'Aigle (fictif)", &laigle, "CAP Boulanger", None)
            .await
            .unwrap();
        let with_cfa = app
            .publish(
                tremplin_domain::OfferInput {
                    cfa: Some("CFA de L'Aigle (fictif)".into()),
                    ..offer("mortagne", "Boulanger/Boulangère", "61293")
                },
                1,
            )
            .await;
        let r = app
            .get(&format!("/offres/{with_cfa}?commune=Mortagne-au-Perche"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}");
        let b = r.body.replace("&#39;", "'").replace("&#x27;", "'");
        let weeks = b
            .split("Les semaines au centre de formation, à L'Aigle")
            .nth(1)
            .unwrap_or_else(|| panic!("{backend}: no weeks at the centre in {b}"));
        assert!(
            weeks.contains("départ 6 h 42 de Mortagne - Place"),
            "{backend}: {weeks}"
        );

        // Far from any stop: no coach, said so, nothing breaks.
        let far = app.get(&format!("{page}?commune=Alençon")).await;
        assert_eq!(far.status, StatusCode::OK);
        assert!(
            far.body
                .contains("aucun car ni train n'y arrive avant midi"),
            "{}",
            far.body
        );

        // No commune: the page asks once, in « Les trajets », and the coaches point there; one
        // it cannot read: it says so.
        let ask = app.get(&page).await;
        assert!(ask.body.contains("Tu habites où ?"), "{}", ask.body);
        assert!(
            ask.body
                .contains("Indique ta commune dans <a href=\"#trajets\">"),
            "{}",
            ask.body
        );
        assert_eq!(
            ask.body.matches("name=\"commune\"").count(),
            1,
            "one form for the commune"
        );
        let unknown = app.get(&format!("{page}?commune=Xyzzyville")).await;
        assert_eq!(unknown.status, StatusCode::OK);
        assert!(
            unknown
                .body
                .contains("Nous ne trouvons pas la commune « Xyzzyville »"),
            "{}",
            unknown.body
        );

        // Another instance on the same database reads the same feed.
        let other = app.second_instance().await;
        let reply = html(other, &format!("{page}?commune=Mortagne-au-Perche")).await;
        assert!(
            reply.contains("départ 6 h 42 de Mortagne - Place"),
            "{backend}"
        );
    }
}

/// One GET through an instance's router: the page.
async fn html(state: tremplin_web::AppState, uri: &str) -> String {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = tremplin_web::router(state)
        .oneshot(
            axum::http::Request::get(uri)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}
