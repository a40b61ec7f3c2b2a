//! The back office's frame: who is signed in, their CSRF token for the logout form.

use tremplin_storage::Role;

use crate::shell::auth::Staff;

/// The back office's frame: who is signed in, their CSRF token for the logout form.
pub struct Nav {
    pub email: String,
    pub role: &'static str,
    pub organisation: Option<String>,
    pub csrf: String,
    pub conseiller: bool,
    pub admin: bool,
}

impl Nav {
    pub fn new(s: &Staff) -> Self {
        Self {
            email: s.user.email.clone(),
            role: s.user.role.label(),
            organisation: s.user.organisation_name.clone(),
            csrf: s.csrf.clone(),
            conseiller: s.is_conseiller(),
            admin: s.user.role == Role::Admin,
        }
    }
}
