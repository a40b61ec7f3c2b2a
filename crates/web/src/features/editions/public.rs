//! The public archive of editions.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use tremplin_storage::{EditionEntry, EntryKind};

use crate::shell::Id;
use crate::shell::Layout;
use crate::shell::dates::french_date;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "features/editions/templates/editions.html")]
pub(super) struct ListPage {
    layout: Layout,
    editions: Vec<(i64, String)>,
}

pub(super) async fn list(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let editions = state
        .store
        .editions(100)
        .await?
        .into_iter()
        .map(|e| (e.number, french_date(e.published_at)))
        .collect();
    Ok(Html(
        ListPage {
            layout: Layout::new(&state, "/editions")
                .with_feed("/editions.atom", "Les éditions du jeudi"),
            editions,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "features/editions/templates/edition.html")]
pub(super) struct EditionPage {
    layout: Layout,
    number: i64,
    date: String,
    new: Vec<EditionEntry>,
    updated: Vec<EditionEntry>,
    removed: Vec<EditionEntry>,
    /// The edition's 1200×630 card, for link previews (absolute).
    card: String,
    /// The week's pépites still published.
    pepites: Vec<crate::services::pepite_picks::Featured>,
}

pub(super) async fn one(
    State(state): State<AppState>,
    Id(number): Id,
) -> Result<Html<String>, WebError> {
    let e = state
        .store
        .edition(number)
        .await?
        .ok_or(WebError::NotFound)?;
    let of = |kind: EntryKind| {
        e.entries
            .iter()
            .filter(|x| x.kind == kind)
            .cloned()
            .collect::<Vec<_>>()
    };
    let page = EditionPage {
        layout: Layout::new(&state, &format!("/editions/{number}")),
        number,
        date: french_date(e.published_at),
        new: of(EntryKind::New),
        updated: of(EntryKind::Updated),
        removed: of(EntryKind::Removed),
        card: format!(
            "{}/editions/{number}/carte.png?format=lien",
            state.config.public_url
        ),
        pepites: crate::services::pepite_picks::shown(&state, number).await?,
    };
    Ok(Html(page.render()?))
}
