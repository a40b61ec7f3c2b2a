//! Inviting someone to the back office: a one-time link by email; the account is created
//! when the link is used.

use askama::Template;
use tremplin_storage::Role;

use crate::services::secrets;
use crate::{AppState, WebError};

pub const INVITATION_SECONDS: i64 = 3 * 24 * 3600;

#[derive(Template)]
#[template(path = "services/templates/mail/invitation.txt")]
struct InvitationText<'a> {
    inviter: &'a str,
    territory: &'a str,
    role: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "services/templates/mail/invitation.html")]
struct InvitationHtml<'a> {
    inviter: &'a str,
    territory: &'a str,
    role: &'a str,
    link: &'a str,
}

/// Queues the invitation email from `inviter` (an email address); the account is created when
/// the link is used.
pub async fn send_invitation(
    state: &AppState,
    inviter: &str,
    email: &str,
    role: Role,
    organisation: Option<i64>,
) -> Result<(), WebError> {
    let token = secrets::random_token();
    let now = state.clock.now();
    state
        .store
        .create_account_token(
            &secrets::token_hash(&token),
            "invitation",
            email,
            None,
            Some(role),
            organisation,
            now.timestamp() + INVITATION_SECONDS,
        )
        .await?;
    let link = format!("{}/invitation/{token}", state.config.public_url);
    let territory = state
        .territory()
        .map_or_else(|| "Mission Locale".to_owned(), |t| t.name);
    let role_label = role.label();
    let text = InvitationText {
        inviter,
        territory: &territory,
        role: role_label,
        link: &link,
    }
    .render()?;
    let html = InvitationHtml {
        inviter,
        territory: &territory,
        role: role_label,
        link: &link,
    }
    .render()?;
    state
        .store
        .enqueue_mail(
            email,
            "Votre invitation à la gestion de Tremplin",
            &text,
            Some(&html),
            now,
        )
        .await?;
    Ok(())
}
