//! Car-pooling between young people: opting in on the application form suggests a pair to the
//! counselors; the follow-up page withdraws and opts in again; a minor needs their guardian's
//! agreement (refused in French, nothing stored); « Mettre en relation » writes to each side
//! (a minor's guardian) with the counselor's address and never the other young person's
//! contact; a counselor opts a record in; erasure takes opt-ins and pairs with it.

#[path = "../support/mod.rs"]
mod support;

mod demandes;
mod donnees;

use support::TestApp;

/// The public form's CSRF cookie and token.
pub(crate) async fn form(app: &TestApp, offer: i64) -> (String, String) {
    app.application_form(offer).await
}

/// An application to offer 1 (a company in L'Aigle), with the car-pool box ticked or not.
pub(crate) async fn apply(
    app: &TestApp,
    first: &str,
    email: &str,
    phone: &str,
    commune: &str,
    birth: &str,
    extra: &[(&str, &str)],
) -> support::Reply {
    let (cookie, csrf) = form(app, 1).await;
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("prenom", first),
        ("nom", "Fictif"),
        ("email", email),
        ("telephone", phone),
        ("commune", commune),
        ("date_naissance", birth),
        ("mobilite", "aucune"),
        ("consentement", "oui"),
    ];
    fields.extend_from_slice(extra);
    app.post_form("/offres/1/postuler", &cookie, &fields).await
}

pub(crate) fn follow_link(body: &str) -> String {
    let start =
        body.find("https://tremplin.example/c/").unwrap() + "https://tremplin.example".len();
    body[start..].split(['"', '<']).next().unwrap().to_owned()
}

pub(crate) const OPT_IN: &[(&str, &str)] = &[("covoiturage", "oui")];

/// The hidden ids of the first pair on the counselor's page.
pub(crate) fn first_pair(body: &str) -> (String, String) {
    let read = |name: &str| {
        let marker = format!("name=\"{name}\" value=\"");
        let start = body.find(&marker).unwrap() + marker.len();
        body[start..].split('"').next().unwrap().to_owned()
    };
    (read("a"), read("b"))
}

/// A CFA in Alençon: its id, as the record's form sends it.
pub(crate) async fn cfa(app: &TestApp) -> String {
    let code = tremplin_domain::CodeInsee::parse("61001").unwrap();
    app.state
        .store
        .save_training_centre("CFA Fictif d'Alençon", &code, "CAP Boulanger", None)
        .await
        .unwrap()
        .to_string()
}

/// A counselor's record of a young person from Rai, born on `birth`.
pub(crate) async fn record(app: &TestApp, birth: &str) -> i64 {
    app.state
        .store
        .create_young_person(
            &tremplin_domain::young::YoungPersonInput {
                first_name: "Inès".into(),
                last_name: "Fictif".into(),
                birth_date: chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d").unwrap(),
                email: Some(tremplin_domain::Email::parse("ines@exemple.fr").unwrap()),
                phone: None,
                guardian_name: None,
                guardian_email: None,
                guardian_phone: None,
                commune: tremplin_domain::CodeInsee::parse("61342").unwrap(),
                trades: Vec::new(),
                licence: false,
                vehicle: false,
                counselor_id: None,
                status: tremplin_domain::young::YoungStatus::EnSuivi,
                notes: String::new(),
            },
            support::now(),
        )
        .await
        .unwrap()
}
