//! The edition in the back office: what Thursday will publish, and publishing it now.

use askama::Template;
use axum::extract::{Form, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use tremplin_storage::{EditionPreview, EntryKind};

use crate::services::editions;
use crate::shell::Layout;
use crate::shell::auth::Staff;
use crate::shell::dates::next_edition;
use crate::shell::{CsrfForm, Nav};
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "features/editions/templates/preview.html")]
pub(super) struct EditionPage {
    layout: Layout,
    nav: Nav,
    next_edition: String,
    preview: EditionPreview,
    kinds: [EntryKind; 3],
    /// The latest published editions (number, date), each with its social kit.
    published: Vec<(i64, String)>,
}

pub(super) async fn edition_preview(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let page = EditionPage {
        layout: Layout::new(&state, "/gestion/edition"),
        nav: Nav::new(&staff),
        next_edition: next_edition(editions::next_slot(&state)),
        preview: state.store.edition_preview().await?,
        kinds: EntryKind::ALL,
        published: state
            .store
            .editions(5)
            .await?
            .into_iter()
            .map(|e| (e.number, crate::shell::dates::french_date(e.published_at)))
            .collect(),
    };
    Ok(Html(page.render()?))
}

pub(super) async fn publish_edition(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&form.csrf)?;
    let edition = editions::publish_manual(&state, Some(staff.user.id)).await?;
    staff
        .log(&state, "édition publiée", &format!("n° {}", edition.number))
        .await?;
    Ok(Redirect::to(&format!("/editions/{}", edition.number)).into_response())
}
