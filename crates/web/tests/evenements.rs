//! Events for everyone, end to end: a counselor schedules an activity, a young person finds it
//! near their commune and registers without an account, the confirmation carries the `.ics`
//! and a cancellation link, the waiting list moves up, the organiser is told, the reminder
//! goes once the day before, bad input is refused in French with nothing stored, the
//! attendance sheet is the counselors' and prints, the calendars parse back, and a person's
//! registrations are exported and erased.

mod support;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, TimeZone, Utc};
use icalendar::{
    CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventLike, EventStatus,
};
use support::{Reply, TestApp, backends, now, outbox, text};
use tremplin_storage::Role;
use tremplin_web::{AppState, FixedClock};

/// A public rally on Thursday 10 December 2026, 14:00–17:00 in L'Aigle.
fn rally<'a>(csrf: &'a str, places: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("type", "rallye"),
        ("titre", "Rallye des entreprises de L'Aigle"),
        (
            "description",
            "Trois entreprises, trois métiers, une matinée.",
        ),
        ("public", "oui"),
        ("commune", "L'Aigle"),
        ("adresse", "Place Fulbert de Beina"),
        ("date", "2026-12-10"),
        ("heure_debut", "14:00"),
        ("heure_fin", "17:00"),
        ("places", places),
        ("anime_par", "Camille, conseillère"),
        ("email_organisateur", "camille@ml-test.example"),
        ("public_vise", "16-25 ans, sans diplôme ou avec un CAP"),
    ]
}

/// Schedules the rally as a counselor; its id.
async fn schedule(app: &TestApp, places: &str) -> i64 {
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let r = app
        .post_form("/gestion/activites", &cookie, &rally(&csrf, places))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.headers[header::LOCATION].to_str().unwrap();
    to.rsplit('/').next().unwrap().parse().unwrap()
}

/// The public form's CSRF cookie and token.
async fn form(app: &TestApp, id: i64) -> (String, String) {
    let r = app.get(&format!("/evenements/{id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cookie = r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = cookie.split_once('=').unwrap().1.to_owned();
    (cookie, token)
}

fn person<'a>(csrf: &'a str, first: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("prenom", first),
        ("nom", "Martin"),
        ("email", email),
        ("commune", "Mortagne-au-Perche"),
        ("consentement", "oui"),
    ]
}

async fn register(app: &TestApp, id: i64, fields: &[(&str, &str)], cookie: &str) -> Reply {
    app.post_form(&format!("/evenements/{id}/inscription"), cookie, fields)
        .await
}

/// The cancellation link of a confirmation mail.
fn cancel_link(mail: &str) -> String {
    let start = mail.find("/evenements/annuler/").unwrap();
    mail[start..start + "/evenements/annuler/".len() + 64].to_owned()
}

/// The attachment's text: lettre writes text parts as quoted-printable or base64.
fn ics_in(mail: &str) -> String {
    let plain = text(mail);
    if plain.contains("BEGIN:VCALENDAR") {
        return plain;
    }
    let at = mail
        .find("Content-Type: text/calendar")
        .expect("an .ics part");
    let part = &mail[at..];
    let body_start = part.find("\r\n\r\n").unwrap() + 4;
    let body_end = part[body_start..].find("\r\n--").unwrap() + body_start;
    let b64: String = part[body_start..body_end].split_whitespace().collect();
    String::from_utf8(decode_base64(&b64)).unwrap()
}

fn decode_base64(s: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = alphabet.iter().position(|a| *a == c).unwrap() as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[tokio::test]
async fn a_young_person_registers_the_waiting_list_moves_up_and_the_organiser_is_told() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let id = schedule(&app, "1").await;

        let list = app.get("/evenements?commune=Mortagne-au-Perche").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(
            list.body.contains("Rallye des entreprises de L&#39;Aigle")
                || list.body.contains("Rallye des entreprises de L'Aigle"),
            "{}",
            list.body
        );
        assert!(
            list.body.contains("jeudi 10 décembre 2026, 14:00 – 17:00"),
            "{}",
            list.body
        );
        // L'Aigle is about 28 km from Mortagne-au-Perche.
        assert!(list.body.contains(" km"), "{}", list.body);
        assert!(list.body.contains("16-25 ans"));

        let (cookie, csrf) = form(&app, id).await;
        let r = register(&app, id, &person(&csrf, "Léa", "lea@exemple.fr"), &cookie).await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        assert!(r.body.contains("Vous êtes inscrit·e"), "{}", r.body);
        let r = register(&app, id, &person(&csrf, "Hugo", "hugo@exemple.fr"), &cookie).await;
        assert!(
            r.body.contains("liste d&#39;attente") || r.body.contains("liste d'attente"),
            "{}",
            r.body
        );

        let dir = tempfile::tempdir().unwrap();
        let mails = outbox(&app, dir.path()).await;
        let to_lea = mails
            .iter()
            .find(|m| m.contains("To: lea@exemple.fr"))
            .expect("Léa's confirmation");
        assert!(
            text(to_lea).contains("Votre inscription est confirmée"),
            "{to_lea}"
        );
        let ics = ics_in(to_lea);
        assert!(
            ics.contains(&format!("UID:evenement-{id}@tremplin.example")),
            "{ics}"
        );
        assert!(ics.contains("DTSTART:20261210T130000Z"), "{ics}");
        let to_hugo = mails
            .iter()
            .find(|m| m.contains("To: hugo@exemple.fr"))
            .unwrap();
        assert!(text(to_hugo).contains("liste d'attente"));
        let organiser: Vec<_> = mails
            .iter()
            .filter(|m| m.contains("To: camille@ml-test.example"))
            .collect();
        assert_eq!(organiser.len(), 2, "the organiser hears of both");
        assert!(
            text(organiser[1]).contains("Places prises : 1 sur 1 ; liste d'attente : 1"),
            "{}",
            text(organiser[1])
        );

        // Léa cancels by her link: a page with one button, then Hugo gets the seat and a mail.
        let link = cancel_link(&text(to_lea));
        let page = app.get(&link).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(
            app.state.store.activity(id).await.unwrap().unwrap().seated,
            1,
            "opening the link cancels nothing"
        );
        let r = app.post_form(&link, &cookie, &[("csrf", &csrf)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Inscription annulée"));
        let regs = app.state.store.registrations(id).await.unwrap();
        let statuses: Vec<_> = regs.iter().map(|r| r.status.as_str()).collect();
        assert_eq!(statuses, ["annule", "inscrit"], "{backend}");
        let dir = tempfile::tempdir().unwrap();
        let mails = outbox(&app, dir.path()).await;
        let promoted = mails
            .iter()
            .find(|m| m.contains("To: hugo@exemple.fr"))
            .expect("Hugo told");
        assert!(
            text(promoted).contains("Une place s'est libérée"),
            "{promoted}"
        );
        assert!(ics_in(promoted).contains("BEGIN:VEVENT"));
        // Cancelling again changes nothing.
        let r = app.post_form(&link, &cookie, &[("csrf", &csrf)]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            app.state.store.activity(id).await.unwrap().unwrap().seated,
            1
        );
        // A link that is not one: 404 in French.
        let r = app
            .get(&format!("/evenements/annuler/{}", "0".repeat(64)))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.get("/evenements/annuler/abc").await.status,
            StatusCode::NOT_FOUND
        );
    }
}

fn count(app: &TestApp, id: i64) -> impl std::future::Future<Output = usize> + '_ {
    async move { app.state.store.registrations(id).await.unwrap().len() }
}

#[tokio::test]
async fn bad_registrations_are_refused_in_french_and_nothing_is_stored() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let id = schedule(&app, "5").await;
        let (cookie, csrf) = form(&app, id).await;

        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (vec![("csrf", &csrf)], "Indiquez « prénom »"),
            (person(&csrf, "Léa", "pas-un-email"), "adresse e-mail"),
            (
                vec![
                    ("csrf", &csrf),
                    ("prenom", "Léa"),
                    ("nom", "Martin"),
                    ("commune", "Mortagne-au-Perche"),
                    ("consentement", "oui"),
                ],
                "Indiquez un e-mail ou un téléphone",
            ),
            (
                vec![
                    ("csrf", &csrf),
                    ("prenom", "Léa"),
                    ("nom", "Martin"),
                    ("email", "lea@exemple.fr"),
                    ("commune", "Zzyzx-sur-Mer"),
                    ("consentement", "oui"),
                ],
                "Nous ne trouvons pas la commune",
            ),
            (
                vec![
                    ("csrf", &csrf),
                    ("prenom", "Léa\u{0}"),
                    ("nom", "Martin"),
                    ("email", "lea@exemple.fr"),
                    ("commune", "Mortagne-au-Perche"),
                    ("consentement", "oui"),
                ],
                "caractère invisible",
            ),
            (
                vec![
                    ("csrf", &csrf),
                    ("prenom", "Léa"),
                    ("nom", "Martin"),
                    ("email", "lea@exemple.fr"),
                    ("commune", "Mortagne-au-Perche"),
                ],
                "acceptez que la Mission Locale",
            ),
        ];
        for (fields, expected) in cases {
            let r = register(&app, id, &fields, &cookie).await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{backend} {fields:?}: {}",
                r.body
            );
            assert!(
                r.body.contains(expected) || r.body.contains(&expected.replace('\'', "&#39;")),
                "{expected}: {}",
                r.body
            );
            assert_eq!(count(&app, id).await, 0);
        }
        // Without the CSRF cookie: refused, nothing stored.
        let r = register(&app, id, &person(&csrf, "Léa", "lea@exemple.fr"), "").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // A malformed body, an id that is not one, an event that does not exist: never a 500.
        let r = app
            .raw(
                Request::post(format!("/evenements/{id}/inscription"))
                    .header(header::COOKIE, &cookie)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from("%%%&&&=\u{1}"))
                    .unwrap(),
            )
            .await;
        assert!(r.status.is_client_error(), "{}", r.status);
        assert_eq!(
            register(&app, 999, &person(&csrf, "Léa", "lea@exemple.fr"), &cookie)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get("/evenements/abc").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get("/evenements/999.ics").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(count(&app, id).await, 0, "{backend}");

        // Twice the same address: the second is refused (409), one registration kept.
        assert_eq!(
            register(&app, id, &person(&csrf, "Léa", "lea@exemple.fr"), &cookie)
                .await
                .status,
            StatusCode::OK
        );
        let r = register(&app, id, &person(&csrf, "Léa", "LEA@exemple.fr"), &cookie).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("déjà inscrit·e"), "{}", r.body);
        assert_eq!(count(&app, id).await, 1);

        // A robot fills the hidden field: the usual answer, nothing stored.
        let mut robot = person(&csrf, "Bot", "bot@exemple.fr");
        robot.push(("site_web", "http://spam.example"));
        assert_eq!(
            register(&app, id, &robot, &cookie).await.status,
            StatusCode::OK
        );
        assert_eq!(count(&app, id).await, 1);

        // A minor, when the event asks for a guardian: their name and phone are required.
        let (cc, ccsrf) = app.session(Role::Conseiller, None).await;
        let mut with_guardian = rally(&ccsrf, "5");
        with_guardian.push(("tuteur_legal", "oui"));
        let r = app
            .post_form(
                &format!("/gestion/activites/{id}/modifier"),
                &cc,
                &with_guardian,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let mut minor = person(&csrf, "Noé", "noe@exemple.fr");
        minor.push(("mineur", "oui"));
        let r = register(&app, id, &minor, &cookie).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("parent ou responsable légal"), "{}", r.body);
        minor.extend([
            ("responsable_nom", "Anne Martin"),
            ("responsable_telephone", "06 11 22 33 44"),
        ]);
        assert_eq!(
            register(&app, id, &minor, &cookie).await.status,
            StatusCode::OK
        );
        assert_eq!(count(&app, id).await, 2);

        // Thirty from one connection in an hour, then 429 with Retry-After (the test sends
        // them all from the same address).
        let mut last = None;
        for i in 0..30 {
            let email = format!("p{i}@exemple.fr");
            let r = register(&app, id, &person(&csrf, "Zoé", &email), &cookie).await;
            last = Some(r);
        }
        let r = last.unwrap();
        assert_eq!(
            r.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{backend}: {}",
            r.body
        );
        assert_eq!(r.headers[header::RETRY_AFTER], "3600");
        assert!(r.body.contains("Réessayez dans une heure"));
    }
}

/// The app's router with another clock (calendars read as of a given day).
async fn at(app: &TestApp, when: DateTime<Utc>) -> AppState {
    let state = AppState::new(
        app.state.store.clone(),
        app.state.index.clone(),
        app.state.refs.clone(),
        Arc::new(FixedClock(when)),
        app.state.config.clone(),
    );
    state.refresh_territory().await.unwrap();
    state
}

async fn get_on(state: &AppState, uri: &str, cookie: &str) -> Reply {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = tremplin_web::router(state.clone())
        .oneshot(
            Request::get(uri)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

fn utc_start(e: &icalendar::Event) -> DateTime<Utc> {
    match e.get_start() {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(t))) => t,
        other => panic!("start not in UTC: {other:?}"),
    }
}

fn events(ics: &str) -> Vec<icalendar::Event> {
    let cal: icalendar::Calendar = ics.parse().unwrap_or_else(|e| panic!("{e}: {ics}"));
    cal.components
        .into_iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn calendars_parse_back_right_across_the_clock_changes_with_stable_uids_and_cancellations() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        // 25 October 2026 (the day winter time starts) and 29 March 2027 (the day after
        // summer time starts), both 09:30 in Paris.
        let mut ids = Vec::new();
        for date in ["2026-10-25", "2027-03-29"] {
            let mut f = rally(&csrf, "10");
            f.retain(|(k, _)| *k != "date" && *k != "heure_debut" && *k != "heure_fin");
            f.extend([
                ("date", date),
                ("heure_debut", "09:30"),
                ("heure_fin", "12:00"),
            ]);
            let r = app.post_form("/gestion/activites", &cookie, &f).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            ids.push(
                r.headers[header::LOCATION]
                    .to_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .parse::<i64>()
                    .unwrap(),
            );
        }
        let early = at(&app, Utc.with_ymd_and_hms(2026, 10, 1, 8, 0, 0).unwrap()).await;
        let feed = get_on(&early, "/evenements.ics", "").await;
        assert_eq!(feed.status, StatusCode::OK);
        assert!(
            feed.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/calendar")
        );
        assert!(
            !feed.body.contains("TZID"),
            "times in UTC, no VTIMEZONE needed"
        );
        let parsed = events(&feed.body);
        assert_eq!(parsed.len(), 2, "{backend}: {}", feed.body);
        assert_eq!(
            utc_start(&parsed[0]),
            Utc.with_ymd_and_hms(2026, 10, 25, 8, 30, 0).unwrap()
        );
        assert_eq!(
            utc_start(&parsed[1]),
            Utc.with_ymd_and_hms(2027, 3, 29, 7, 30, 0).unwrap()
        );
        let uid = parsed[0].get_uid().unwrap().to_owned();
        assert_eq!(uid, format!("evenement-{}@tremplin.example", ids[0]));
        assert_eq!(parsed[0].get_sequence(), Some(0));
        assert_eq!(parsed[0].get_status(), Some(EventStatus::Confirmed));
        assert_eq!(
            parsed[0].get_summary(),
            Some("Rallye des entreprises de L'Aigle")
        );
        assert_eq!(
            parsed[0].get_location(),
            Some("Place Fulbert de Beina, L'Aigle (61300)")
        );

        // An edit keeps the UID and raises the SEQUENCE.
        let mut f = rally(&csrf, "10");
        f.retain(|(k, _)| !["date", "heure_debut", "heure_fin", "titre"].contains(k));
        f.extend([
            ("date", "2026-10-25"),
            ("heure_debut", "10:00"),
            ("heure_fin", "12:00"),
            ("titre", "Rallye des entreprises, nouvelle heure"),
        ]);
        let r = app
            .post_form(
                &format!("/gestion/activites/{}/modifier", ids[0]),
                &cookie,
                &f,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let one = get_on(&early, &format!("/evenements/{}.ics", ids[0]), "").await;
        let e = &events(&one.body)[0];
        assert_eq!(e.get_uid(), Some(uid.as_str()), "{backend}");
        assert_eq!(e.get_sequence(), Some(1));
        assert_eq!(
            utc_start(e),
            Utc.with_ymd_and_hms(2026, 10, 25, 9, 0, 0).unwrap()
        );
        assert_eq!(
            e.get_summary(),
            Some("Rallye des entreprises, nouvelle heure")
        );

        // Cancelled: still in the feed, as CANCELLED, same UID, SEQUENCE up again; gone from
        // the public list.
        let r = app
            .post_form(
                &format!("/gestion/activites/{}/annuler", ids[0]),
                &cookie,
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let feed = events(&get_on(&early, "/evenements.ics", "").await.body);
        let cancelled = feed
            .iter()
            .find(|e| e.get_uid() == Some(uid.as_str()))
            .expect("kept in the feed");
        assert_eq!(
            cancelled.get_status(),
            Some(EventStatus::Cancelled),
            "{backend}"
        );
        assert_eq!(cancelled.get_sequence(), Some(2));
        let list = get_on(&early, "/evenements", "").await;
        assert!(!list.body.contains("nouvelle heure"), "{}", list.body);
        assert!(
            get_on(&early, &format!("/evenements/{}", ids[0]), "")
                .await
                .body
                .contains("Cet événement est annulé")
        );
    }
}

#[tokio::test]
async fn attendance_is_the_counselors_and_the_sheet_prints() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let id = schedule(&app, "5").await;
        let (pc, pcsrf) = form(&app, id).await;
        for (first, email) in [("Léa", "lea@exemple.fr"), ("Hugo", "hugo@exemple.fr")] {
            assert_eq!(
                register(&app, id, &person(&pcsrf, first, email), &pc)
                    .await
                    .status,
                StatusCode::OK
            );
        }
        let regs = app.state.store.registrations(id).await.unwrap();
        let (lea, hugo) = (format!("p-{}", regs[0].id), format!("p-{}", regs[1].id));

        // A partner may neither see nor mark the sheet.
        let (partner, partner_csrf) = app.session(Role::Partenaire, Some("Partenaire A")).await;
        assert_eq!(
            app.get_as(&format!("/gestion/activites/{id}"), &partner)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let r = app
            .post_form(
                &format!("/gestion/activites/{id}/presences"),
                &partner,
                &[("csrf", &partner_csrf), (&lea, "present")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(
            app.state
                .store
                .registration(regs[0].id)
                .await
                .unwrap()
                .unwrap()
                .attendance
                .is_none()
        );

        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let sheet = app
            .get_as(&format!("/gestion/activites/{id}"), &cookie)
            .await;
        assert_eq!(sheet.status, StatusCode::OK);
        assert!(
            sheet
                .body
                .contains(&format!("name=\"{lea}\" value=\"present\"")),
            "{}",
            sheet.body
        );
        let r = app
            .post_form(
                &format!("/gestion/activites/{id}/presences"),
                &cookie,
                &[("csrf", &csrf), (&lea, "present"), (&hugo, "excuse")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let marks: Vec<_> = app
            .state
            .store
            .registrations(id)
            .await
            .unwrap()
            .iter()
            .map(|r| r.attendance.clone())
            .collect();
        assert_eq!(
            marks,
            [Some("present".into()), Some("excuse".into())],
            "{backend}"
        );
        // A value that is no choice: 400, nothing changed.
        let r = app
            .post_form(
                &format!("/gestion/activites/{id}/presences"),
                &cookie,
                &[("csrf", &csrf), (&lea, "peut-etre")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            app.state
                .store
                .registration(regs[0].id)
                .await
                .unwrap()
                .unwrap()
                .attendance
                .as_deref(),
            Some("present")
        );

        // The history of a registrant, by e-mail.
        let h = app
            .get_as(
                "/gestion/activites/historique?email=LEA@exemple.fr",
                &cookie,
            )
            .await;
        assert_eq!(h.status, StatusCode::OK);
        assert!(h.body.contains("Présent·e"), "{}", h.body);

        let pdf = app
            .get_as(&format!("/gestion/activites/{id}/emargement.pdf"), &cookie)
            .await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
        assert!(pdf.bytes.starts_with(b"%PDF"));
        if tremplin_testing::tools::poppler() {
            let text = pdf_text(&pdf.bytes);
            for expected in [
                "FEUILLE D'ÉMARGEMENT",
                "Rallye des entreprises de L'Aigle",
                "Léa Martin",
                "Hugo Martin",
                "Présent·e",
                "Excusé·e",
                "2 inscrit·e(s) · 1 présent·e(s) · 1 excusé·e(s) · 0 absent·e(s)",
                "Mortagne-au-Perche",
            ] {
                assert!(text.contains(expected), "{expected}: {text}");
            }
        }
    }
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-layout"])
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn the_reminder_goes_once_the_day_before() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let id = schedule(&app, "5").await;
        let (c, csrf) = form(&app, id).await;
        assert_eq!(
            register(&app, id, &person(&csrf, "Léa", "lea@exemple.fr"), &c)
                .await
                .status,
            StatusCode::OK
        );
        let start = app
            .state
            .store
            .activity(id)
            .await
            .unwrap()
            .unwrap()
            .starts_at;
        let week_before = at(&app, start - Duration::days(7)).await;
        assert_eq!(
            tremplin_web::services::events::remind(&week_before)
                .await
                .unwrap(),
            0
        );
        let day_before = at(&app, start - Duration::hours(20)).await;
        assert_eq!(
            tremplin_web::services::events::remind(&day_before)
                .await
                .unwrap(),
            1,
            "{backend}"
        );
        assert_eq!(
            tremplin_web::services::events::remind(&day_before)
                .await
                .unwrap(),
            0,
            "once"
        );
        let later = at(&app, start - Duration::hours(2)).await;
        assert_eq!(
            tremplin_web::services::events::remind(&later)
                .await
                .unwrap(),
            0,
            "once"
        );
        // Sent as of a later day: the reminders are queued at the day before's time.
        let dir = tempfile::tempdir().unwrap();
        let mailer = tremplin_mail::Mailer::new(
            &tremplin_mail::MailConfig::Folder(dir.path().to_owned()),
            "Tremplin <ne-pas-repondre@ml-test.example>",
        )
        .unwrap();
        tremplin_web::services::outbox::drain(
            &app.state.store,
            &app.state.media,
            &mailer,
            &FixedClock(start + Duration::days(1)),
        )
        .await
        .unwrap();
        let mails: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        let reminders: Vec<_> = mails
            .iter()
            .filter(|m| text(m).contains("C'est demain"))
            .collect();
        assert_eq!(reminders.len(), 1);
    }
}

#[tokio::test]
async fn a_persons_registrations_are_exported_erased_and_forgotten_after_the_retention() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let id = schedule(&app, "5").await;
        let (c, csrf) = form(&app, id).await;
        assert_eq!(
            register(&app, id, &person(&csrf, "Léa", "lea@exemple.fr"), &c)
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            register(&app, id, &person(&csrf, "Hugo", "hugo@exemple.fr"), &c)
                .await
                .status,
            StatusCode::OK
        );
        let (admin, acsrf) = app.session(Role::Admin, None).await;
        let page = app
            .get_as("/gestion/personnes?email=lea@exemple.fr", &admin)
            .await;
        assert!(page.body.contains("1 inscription(s)"), "{}", page.body);
        let export = app
            .post_form(
                "/gestion/personnes/export",
                &admin,
                &[
                    ("csrf", &acsrf),
                    ("email", "lea@exemple.fr"),
                    ("telephone", ""),
                ],
            )
            .await;
        assert_eq!(export.status, StatusCode::OK);
        let json = export.json();
        assert_eq!(json["inscriptions"][0]["prenom"], "Léa", "{backend}");
        assert_eq!(json["inscriptions"][0]["evenement"], id);
        let r = app
            .post_form(
                "/gestion/personnes/effacer",
                &admin,
                &[
                    ("csrf", &acsrf),
                    ("email", "lea@exemple.fr"),
                    ("telephone", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let left: Vec<_> = app
            .state
            .store
            .registrations(id)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.first_name)
            .collect();
        assert_eq!(left, ["Hugo"]);
        let journal = app.state.store.audit_log(50).await.unwrap();
        assert!(
            journal.iter().all(|e| !e.detail.contains("lea@")),
            "no address in the log"
        );

        // Twelve months after the event, the territory's retention erases the rest.
        let start = app
            .state
            .store
            .activity(id)
            .await
            .unwrap()
            .unwrap()
            .starts_at;
        let soon = at(&app, start + Duration::days(300)).await;
        tremplin_web::services::retention::forget_old(&soon)
            .await
            .unwrap();
        assert_eq!(app.state.store.registrations(id).await.unwrap().len(), 1);
        let later = at(&app, start + Duration::days(400)).await;
        tremplin_web::services::retention::forget_old(&later)
            .await
            .unwrap();
        assert!(
            app.state.store.registrations(id).await.unwrap().is_empty(),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn the_counselors_form_refuses_bad_input_in_french() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let mut f = rally(&csrf, "0");
        f.retain(|(k, _)| *k != "heure_fin");
        f.push(("heure_fin", "13:00"));
        let r = app.post_form("/gestion/activites", &cookie, &f).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body.contains("nombre de places")
                && r.body.contains("La fin doit venir après le début"),
            "{}",
            r.body
        );
        let mut f = rally(&csrf, "5");
        f.retain(|(k, _)| *k != "date" && *k != "heure_debut");
        f.extend([("date", "2027-03-28"), ("heure_debut", "02:30")]);
        let r = app.post_form("/gestion/activites", &cookie, &f).await;
        assert!(
            r.body.contains("heure d&#39;été") || r.body.contains("heure d'été"),
            "{}",
            r.body
        );
        let mut f = rally(&csrf, "5");
        f.push(("entreprises", "999"));
        let r = app.post_form("/gestion/activites", &cookie, &f).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            app.state
                .store
                .activities_since(now() - Duration::days(400))
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        // The form, empty and for a stored activity, shows.
        assert_eq!(
            app.get_as("/gestion/activites/nouvelle", &cookie)
                .await
                .status,
            StatusCode::OK
        );
    }
}
