//! The young people counselors follow and the summer promos: records, linking, milestones, the
//! board, the season's results and the personal data they hold.

#[path = "../support/mod.rs"]
mod support;

mod activites;
mod board;
mod donnees;
mod jeunes;

use support::TestApp;
use tremplin_storage::Role;

/// A counselor's session and their user id.
pub(crate) async fn counselor(app: &TestApp) -> (String, String, i64) {
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let id = app
        .state
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.role == Role::Conseiller)
        .map(|u| u.id)
        .max()
        .unwrap();
    (cookie, csrf, id)
}

/// The id at the end of a redirect (`/gestion/jeunes/7` → 7).
pub(crate) fn redirected_id(r: &support::Reply) -> i64 {
    let location = r
        .headers
        .get(axum::http::header::LOCATION)
        .expect("a redirect")
        .to_str()
        .unwrap();
    location
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{location}"))
}

/// Creates a record through the form; returns the redirect.
pub(crate) async fn new_record(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    first: &str,
    email: &str,
    extra: &[(&str, &str)],
) -> support::Reply {
    let mut fields = vec![
        ("csrf", csrf),
        ("prenom", first),
        ("nom", "Fictif"),
        ("date_naissance", "2005-04-02"),
        ("email", email),
        ("commune", "L'Aigle"),
        ("metiers", "boulanger"),
        ("statut", "en_suivi"),
        ("notes", "Cherche près de chez elle."),
    ];
    fields.extend_from_slice(extra);
    app.post_form("/gestion/jeunes", cookie, &fields).await
}

/// An application as the storage receives it, from this e-mail.
pub(crate) fn application_input(email: &str) -> tremplin_domain::application::ApplicationInput {
    tremplin_domain::application::ApplicationInput {
        first_name: "Léa".into(),
        last_name: "Fictif".into(),
        email: Some(tremplin_domain::Email::parse(email).unwrap()),
        phone: None,
        commune: tremplin_domain::CodeInsee::parse("61214").unwrap(),
        birth_date: chrono::NaiveDate::from_ymd_opt(2005, 4, 2).unwrap(),
        mobility: tremplin_domain::application::Mobility::Aucune,
        message: String::new(),
    }
}

/// Creates a promo through the form; returns its id.
pub(crate) async fn new_promo(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    me: i64,
    fields: &[(&str, &str)],
) -> i64 {
    let me = me.to_string();
    let mut all = vec![("csrf", csrf), ("conseillers", me.as_str())];
    all.extend_from_slice(fields);
    let r = app.post_form("/gestion/promos", cookie, &all).await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
    redirected_id(&r)
}

/// Reads a page as its reader does: askama writes `'` as `&#39;`.
pub(crate) trait Has {
    fn has(&self, needle: &str) -> bool;
}

impl Has for str {
    fn has(&self, needle: &str) -> bool {
        self.replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .contains(needle)
    }
}
