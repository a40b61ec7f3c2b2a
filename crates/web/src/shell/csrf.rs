//! The form of a button that only carries the CSRF token.

use serde::Deserialize;

/// A form with the CSRF token only (log out, publish, revoke…).
#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}
