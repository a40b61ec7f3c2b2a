//! A promo's activities: the form offers the promo (an unknown one refused in French), its
//! members registered through the same seats and waiting list as the public page and never
//! twice, their history on the record, the attendance sheets feeding the board's 14-day rule on
//! a fixed clock, the private calendar feed behind a revocable link, and the registrations made
//! through the promo in the right of access and erasure.

use std::collections::HashMap;

use axum::http::{StatusCode, header};
use chrono::NaiveDate;
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventStatus};
use tremplin_domain::activity::{ActivityInput, Attendance, RegistrationStatus};
use tremplin_domain::young::{YoungPersonInput, YoungStatus};
use tremplin_storage::MemberSeat;

use crate::support::{TestApp, backends, now};
use crate::{Has, counselor, new_promo, new_record, redirected_id};

/// The activity form's fields: a CFA visit on 10 December 2026 (the clock says 26 November).
fn visit<'a>(csrf: &'a str, promo: &'a str, places: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("type", "visite_cfa"),
        ("titre", "Visite du CFA de L'Aigle"),
        ("commune", "L'Aigle"),
        ("date", "2026-12-10"),
        ("heure_debut", "09:30"),
        ("heure_fin", "12:00"),
        ("places", places),
        ("anime_par", "Camille, conseillère"),
        ("public_vise", "La promo"),
        ("promo", promo),
    ]
}

fn minor(first: &str) -> YoungPersonInput {
    YoungPersonInput {
        first_name: first.into(),
        last_name: "Fictif".into(),
        birth_date: NaiveDate::from_ymd_opt(2011, 1, 1).unwrap(),
        email: None,
        phone: None,
        guardian_name: Some("Parent Fictif".into()),
        guardian_email: Some(tremplin_domain::Email::parse("parent@example.org").unwrap()),
        guardian_phone: None,
        commune: tremplin_domain::CodeInsee::parse("61214").unwrap(),
        trades: vec![],
        licence: false,
        vehicle: false,
        counselor_id: None,
        status: YoungStatus::EnSuivi,
        notes: String::new(),
    }
}

#[tokio::test]
async fn members_are_registered_once_through_the_seats_and_their_history_is_theirs() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf, me) = counselor(&app).await;
        let promo = new_promo(&app, &cookie, &csrf, me, &[("nom", "Promo d'hiver")]).await;
        let promo_s = promo.to_string();
        for (first, email) in [("Inès", "ines@example.org"), ("Théo", "theo@example.org")] {
            let r = new_record(&app, &cookie, &csrf, first, email, &[("promo", &promo_s)]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        // A minor whose record carries only the guardian's e-mail.
        let theo_minor = app
            .state
            .store
            .create_young_person(&minor("Lou"), now())
            .await
            .unwrap();
        app.state
            .store
            .add_promo_member(
                promo,
                theo_minor,
                NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            )
            .await
            .unwrap();

        let form = app
            .get_as(
                &format!("/gestion/activites/nouvelle?promo={promo}"),
                &cookie,
            )
            .await
            .body;
        assert!(
            form.has(&format!(
                "<option value=\"{promo}\" selected>Promo d'hiver</option>"
            )),
            "{form}"
        );
        // An unknown promo: refused in French, nothing stored.
        let r = app
            .post_form("/gestion/activites", &cookie, &visit(&csrf, "9999", "2"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.has("Cette promo n'existe pas"), "{}", r.body);
        let r = app
            .post_form("/gestion/activites", &cookie, &visit(&csrf, "deux", "2"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            app.state
                .store
                .promo_activities(promo)
                .await
                .unwrap()
                .is_empty()
                && app
                    .state
                    .store
                    .activities_since(now())
                    .await
                    .unwrap()
                    .is_empty()
        );
        let r = app
            .post_form("/gestion/activites", &cookie, &visit(&csrf, &promo_s, "2"))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id = redirected_id(&r);
        assert_eq!(
            app.state
                .store
                .activity(id)
                .await
                .unwrap()
                .unwrap()
                .promo_id,
            Some(promo)
        );
        let sheet = app
            .get_as(&format!("/gestion/activites/{id}"), &cookie)
            .await
            .body;
        assert!(
            sheet.contains("Inscrire les membres de la promo (3)"),
            "{sheet}"
        );

        // Two seats for three members: two seated, the third waits; again, nobody twice.
        let r = app
            .post_form(
                &format!("/gestion/activites/{id}/membres"),
                &cookie,
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(
            r.headers[header::LOCATION],
            format!("/gestion/activites/{id}?inscrits=2&attente=1&deja=0#membres")
        );
        let count = |regs: &[tremplin_storage::Registration], s: RegistrationStatus| {
            regs.iter().filter(|r| r.status == s).count()
        };
        let regs = app.state.store.registrations(id).await.unwrap();
        assert_eq!(
            (
                count(&regs, RegistrationStatus::Inscrit),
                count(&regs, RegistrationStatus::Attente)
            ),
            (2, 1)
        );
        let r = app
            .post_form(
                &format!("/gestion/activites/{id}/membres"),
                &cookie,
                &[("csrf", &csrf)],
            )
            .await;
        assert!(
            r.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .contains("inscrits=0&attente=0&deja=3")
        );
        let page = app
            .get_as(
                &format!("/gestion/activites/{id}?inscrits=0&attente=0&deja=3"),
                &cookie,
            )
            .await
            .body;
        assert!(page.contains("3 déjà inscrit(s)"), "{page}");
        assert_eq!(app.state.store.registrations(id).await.unwrap().len(), 3);
        // One member: not one of the promo's is a page that does not exist.
        let r = app
            .post_form(
                &format!("/gestion/activites/{id}/membres/9999"),
                &cookie,
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // An activity of no promo: a French refusal.
        let r = app
            .post_form("/gestion/activites", &cookie, &visit(&csrf, "", "2"))
            .await;
        let loose = redirected_id(&r);
        let r = app
            .post_form(
                &format!("/gestion/activites/{loose}/membres"),
                &cookie,
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.has("n'est liée à aucune promo"), "{}", r.body);

        // The seated minor was at the visit: her record shows it.
        let lou = regs
            .iter()
            .find(|r| r.young_person_id == Some(theo_minor))
            .unwrap();
        assert!(lou.minor);
        let seated = regs
            .iter()
            .find(|r| r.status == RegistrationStatus::Inscrit)
            .unwrap();
        app.state
            .store
            .set_attendance(id, seated.id, Attendance::Present, None, now())
            .await
            .unwrap();
        let who = seated.young_person_id.unwrap();
        let record = app
            .get_as(&format!("/gestion/jeunes/{who}"), &cookie)
            .await
            .body;
        let history = record.split("Activités et présences").nth(1).unwrap();
        assert!(
            history.has("Visite du CFA de L'Aigle")
                && history.contains("(par la promo)")
                && history.contains("Présent"),
            "{record}"
        );

        // The right of access and erasure, by the guardian's e-mail: the registration made
        // through the promo (it carries no contact of its own) is exported, then erased.
        let (admin, admin_csrf) = app.session(tremplin_storage::Role::Admin, None).await;
        let r = app
            .post_form(
                "/gestion/personnes/export",
                &admin,
                &[("csrf", &admin_csrf), ("email", "parent@example.org")],
            )
            .await;
        let export: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let mine = export["inscriptions"].as_array().unwrap();
        assert_eq!(mine.len(), 1, "{backend}: {}", r.body);
        assert_eq!(mine[0]["fiche_jeune"], theo_minor);
        assert_eq!(mine[0]["evenement"], id);
        let r = app
            .post_form(
                "/gestion/personnes/effacer",
                &admin,
                &[("csrf", &admin_csrf), ("email", "parent@example.org")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let left = app.state.store.registrations(id).await.unwrap();
        assert_eq!(left.len(), 2);
        assert!(left.iter().all(|r| r.young_person_id != Some(theo_minor)));
    }
}

/// An activity of the promo held `days_ago` days before the clock's day, each member marked
/// as given. Scheduled ahead (a member is registered before the end), then moved to its day.
async fn held(app: &TestApp, promo: i64, days_ago: i64, marks: &[(i64, Attendance)]) {
    let date = (crate::support::now().date_naive() - chrono::Duration::days(days_ago))
        .format("%Y-%m-%d")
        .to_string();
    let input = |date: &str| {
        let map: HashMap<&str, String> = [
            ("type", "atelier"),
            ("titre", "Atelier CV"),
            ("commune", "61214"),
            ("date", date),
            ("heure_debut", "14:00"),
            ("heure_fin", "16:00"),
            ("places", "10"),
            ("anime_par", "Camille"),
            ("public_vise", "La promo"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect();
        ActivityInput::parse(
            &|k| map.get(k).cloned().unwrap_or_default(),
            vec![],
            None,
            &|_| true,
        )
        .unwrap()
    };
    let s = &app.state.store;
    let id = s
        .create_activity(&input("2026-12-20"), Some(promo), now())
        .await
        .unwrap();
    for (who, mark) in marks {
        let MemberSeat::New(reg, _) = s
            .register_member(id, *who, &format!("h-{id}-{who}"), now())
            .await
            .unwrap()
        else {
            panic!("registered once");
        };
        s.set_attendance(id, reg, *mark, None, now()).await.unwrap();
    }
    s.update_activity(id, &input(&date), Some(promo), now())
        .await
        .unwrap();
}

#[tokio::test]
async fn attendance_feeds_the_board_present_only_on_a_fixed_clock() {
    // The clock says 26 November 2026; everyone joined on 1 November.
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf, me) = counselor(&app).await;
    let promo = new_promo(
        &app,
        &cookie,
        &csrf,
        me,
        &[
            ("nom", "Promo d'hiver"),
            ("debut", "2026-11-01"),
            ("fin", "2027-03-31"),
            ("objectif", "2027-03-31"),
        ],
    )
    .await;
    let mut ids = Vec::new();
    for first in ["Alix", "Basile", "Chloé", "Dana"] {
        let email = format!("{}@example.org", first.to_lowercase()).replace('é', "e");
        let r = new_record(&app, &cookie, &csrf, first, &email, &[]).await;
        let id = redirected_id(&r);
        app.state
            .store
            .add_promo_member(promo, id, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
            .await
            .unwrap();
        ids.push(id);
    }
    // Alix was there 10 days ago, Basile 15 days ago; Chloé was absent and Dana excused
    // 5 days ago.
    held(&app, promo, 10, &[(ids[0], Attendance::Present)]).await;
    held(&app, promo, 15, &[(ids[1], Attendance::Present)]).await;
    held(
        &app,
        promo,
        5,
        &[(ids[2], Attendance::Absent), (ids[3], Attendance::Excuse)],
    )
    .await;
    let board = app
        .get_as(&format!("/gestion/promos/{promo}"), &cookie)
        .await
        .body;
    let risk = board
        .split("Jeunes à risque")
        .nth(1)
        .unwrap()
        .split("<h2")
        .next()
        .unwrap();
    let inactive = |name: &str| {
        risk.split("<tr>")
            .find(|row| row.contains(name))
            .is_some_and(|row| row.contains("Aucune activité suivie depuis 14 jours"))
    };
    assert!(!inactive("Alix"), "present 10 days ago: {risk}");
    assert!(inactive("Basile"), "present 15 days ago: {risk}");
    assert!(inactive("Chloé"), "absent does not count: {risk}");
    assert!(inactive("Dana"), "excused does not count: {risk}");
    // The board lists the promo's activities with who came.
    let activities = board.split("Activités de la promo").nth(1).unwrap();
    assert_eq!(activities.matches("Atelier CV").count(), 3, "{activities}");
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

/// The calendar link on the page just after « Renouveler le lien »: its path.
fn link_in(page: &str) -> String {
    let start = page.find("/agenda/promos/").expect("the new link");
    page[start..start + "/agenda/promos/".len() + 64 + ".ics".len()].to_owned()
}

#[tokio::test]
async fn the_promo_calendar_is_private_revocable_and_names_no_member() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf, me) = counselor(&app).await;
        let promo = new_promo(&app, &cookie, &csrf, me, &[("nom", "Promo d'hiver")]).await;
        let other = new_promo(&app, &cookie, &csrf, me, &[("nom", "Autre promo")]).await;
        let promo_s = promo.to_string();
        let r = new_record(
            &app,
            &cookie,
            &csrf,
            "Inès",
            "ines@example.org",
            &[("promo", &promo_s)],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let ours = redirected_id(
            &app.post_form("/gestion/activites", &cookie, &visit(&csrf, &promo_s, "5"))
                .await,
        );
        app.post_form(
            &format!("/gestion/activites/{ours}/membres"),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
        let theirs = redirected_id(
            &app.post_form(
                "/gestion/activites",
                &cookie,
                &visit(&csrf, &other.to_string(), "5"),
            )
            .await,
        );
        let mut public = visit(&csrf, "", "5");
        public.push(("public", "oui"));
        public.retain(|(k, v)| *k != "titre" || v.is_empty());
        public.push(("titre", "Job dating de l'alternance"));
        let open = redirected_id(&app.post_form("/gestion/activites", &cookie, &public).await);

        let board = app
            .get_as(&format!("/gestion/promos/{promo}"), &cookie)
            .await
            .body;
        assert!(board.contains("Créer le lien de l'agenda"), "{board}");
        let r = app
            .post_form(
                &format!("/gestion/promos/{promo}/agenda"),
                &cookie,
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let first = link_in(&r.body);
        assert!(r.body.contains(&format!("https://tremplin.example{first}")));
        // Shown once: the page after it only says a link exists.
        let board = app
            .get_as(&format!("/gestion/promos/{promo}"), &cookie)
            .await
            .body;
        assert!(
            board.contains("Un lien est actif depuis le 26/11/2026")
                && board.contains("Renouveler le lien")
                && !board.contains("/agenda/promos/"),
            "{board}"
        );

        let feed = app.get(&first).await;
        assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
        assert!(
            feed.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/calendar")
        );
        assert!(
            !feed.body.contains("Inès") && !feed.body.contains("Fictif"),
            "no member's name: {}",
            feed.body
        );
        let parsed = events(&feed.body);
        let uid = |id: i64| format!("evenement-{id}@tremplin.example");
        let uids: Vec<&str> = parsed.iter().filter_map(|e| e.get_uid()).collect();
        assert_eq!(
            uids,
            [uid(ours), uid(open)],
            "not the other promo's {theirs}"
        );
        let visit_event = &parsed[0];
        match visit_event.get_start() {
            // 09:30 in Paris, winter time.
            Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(t))) => {
                assert_eq!(t.to_rfc3339(), "2026-12-10T08:30:00+00:00")
            }
            other => panic!("start not in UTC: {other:?}"),
        }
        assert_eq!(visit_event.get_sequence(), Some(0));
        assert_eq!(visit_event.get_status(), Some(EventStatus::Confirmed));
        assert_eq!(
            visit_event.get_url(),
            None,
            "a reserved activity has no page"
        );

        // Changed, then cancelled: the same UID, SEQUENCE up, CANCELLED.
        let mut changed = visit(&csrf, &promo_s, "5");
        changed.retain(|(k, _)| *k != "heure_debut");
        changed.push(("heure_debut", "10:00"));
        let r = app
            .post_form(
                &format!("/gestion/activites/{ours}/modifier"),
                &cookie,
                &changed,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        app.post_form(
            &format!("/gestion/activites/{ours}/annuler"),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
        let parsed = events(&app.get(&first).await.body);
        let e = parsed
            .iter()
            .find(|e| e.get_uid() == Some(uid(ours).as_str()))
            .unwrap();
        assert_eq!(e.get_sequence(), Some(2));
        assert_eq!(e.get_status(), Some(EventStatus::Cancelled));

        // Renewed: the old link is gone, a wrong one too, both a plain 404.
        let r = app
            .post_form(
                &format!("/gestion/promos/{promo}/agenda"),
                &cookie,
                &[("csrf", &csrf)],
            )
            .await;
        let second = link_in(&r.body);
        assert_ne!(first, second);
        assert_eq!(app.get(&second).await.status, StatusCode::OK);
        let revoked = app.get(&first).await;
        let wrong = app
            .get(&format!("/agenda/promos/{}.ics", "0".repeat(64)))
            .await;
        assert_eq!(revoked.status, StatusCode::NOT_FOUND);
        assert_eq!(wrong.status, StatusCode::NOT_FOUND);
        // The same page either way (it names the address asked for, nothing else).
        assert_eq!(
            revoked.body.replace(&first, "LIEN"),
            wrong
                .body
                .replace(&format!("/agenda/promos/{}.ics", "0".repeat(64)), "LIEN")
        );
        for bad in [
            "/agenda/promos/abc.ics",
            &second.replace(".ics", ""),
            &format!("/agenda/promos/{}.ics", "z".repeat(64)),
        ] {
            assert_eq!(app.get(bad).await.status, StatusCode::NOT_FOUND, "{bad}");
        }
        // Only counselors renew.
        let (partner, partner_csrf) = app
            .session(tremplin_storage::Role::Partenaire, Some("Partenaire A"))
            .await;
        let r = app
            .post_form(
                &format!("/gestion/promos/{promo}/agenda"),
                &partner,
                &[("csrf", &partner_csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&second).await.status, StatusCode::OK);
    }
}
