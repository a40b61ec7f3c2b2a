//! The audit log: who did what, when. Admins only.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use tremplin_storage::AuditEntry;

use crate::shell::Layout;
use crate::shell::Nav;
use crate::shell::auth::Staff;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new().route("/gestion/journal", get(journal))
}

#[derive(Template)]
#[template(path = "features/journal/templates/journal.html")]
struct JournalPage {
    layout: Layout,
    nav: Nav,
    entries: Vec<AuditEntry>,
}

async fn journal(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    let page = JournalPage {
        layout: Layout::new(&state, "/gestion/journal"),
        nav: Nav::new(&staff),
        entries: state.store.audit_log(200).await?,
    };
    Ok(Html(page.render()?))
}
