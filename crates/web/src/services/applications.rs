//! Storing an application and sending it: to the employer, the Mission Locale, the young
//! person. Shared by the public form and the counselors' prescription.

use askama::Template;
use tremplin_domain::application::{ApplicationInput, age};
use tremplin_domain::{Invalid, Offer};
use tremplin_storage::{Attachment, StoreError};

use crate::services::{secrets, sms};
use crate::{AppState, WebError};

/// How long the employer's answer links work.
pub const EMPLOYER_LINK_DAYS: i64 = 60;

#[derive(Template)]
#[template(path = "services/templates/mail/employer.txt")]
struct EmployerMail<'a> {
    name: String,
    title: &'a str,
    territory: String,
    commune: String,
    age: i32,
    minor: bool,
    mobility: &'a str,
    email: Option<&'a str>,
    phone: Option<String>,
    message: &'a str,
    yes: String,
    no: String,
}

#[derive(Template)]
#[template(path = "services/templates/mail/employer.html")]
struct EmployerMailHtml<'a> {
    m: &'a EmployerMail<'a>,
}

#[derive(Template)]
#[template(path = "services/templates/mail/confirmation.txt")]
struct ConfirmationMail<'a> {
    first_name: &'a str,
    title: &'a str,
    company: &'a str,
    follow: &'a str,
}

#[derive(Template)]
#[template(path = "services/templates/mail/confirmation.html")]
struct ConfirmationMailHtml<'a> {
    m: &'a ConfirmationMail<'a>,
}

/// What the young person keeps of a sent application.
#[derive(Debug, Clone)]
pub struct Delivered {
    /// The private follow-up link, `https://…/c/k7m2q9x4hw3p`.
    pub link: String,
    /// Its short code, stored only as a hash.
    pub code: String,
    /// The link also leaves by SMS (a mobile number and no e-mail).
    pub by_sms: bool,
    /// The application stored.
    pub id: i64,
}

/// Stores an application and sends it: to the employer (or the Mission Locale for an offer
/// taken by phone), the Mission Locale when there is no CV, the young person's confirmation
/// (by e-mail, or by SMS to a mobile when there is no e-mail and SMS are on).
/// Returns the private follow-up link, or the limit the person is over.
pub async fn deliver(
    state: &AppState,
    offer: &Offer,
    input: &ApplicationInput,
    cv: Option<&Attachment>,
    channel: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Result<Delivered, Invalid>, WebError> {
    let employer_token = secrets::random_token();
    // A short code rather than 64 characters: it is typed from an SMS, read from a QR code,
    // and shown on a phone (why 12 characters is enough: `secrets::CODE_LEN`).
    let follow_token = secrets::short_code();
    let follow = format!("{}/c/{follow_token}", state.config.public_url);
    let id = match state
        .store
        .create_application(
            offer.id,
            input,
            cv,
            &secrets::token_hash(&follow_token),
            &secrets::token_hash(&employer_token),
            channel,
            now,
        )
        .await
    {
        Ok(id) => id,
        Err(StoreError::Invalid(e)) => return Ok(Err(e)),
        Err(e) => return Err(e.into()),
    };
    // To the offer's contact; an offer taken by phone goes to the Mission Locale, which calls.
    let territory = state.territory();
    let recipient = offer
        .fields
        .contact
        .email
        .as_ref()
        .map(|e| e.to_string())
        .or_else(|| territory.as_ref().and_then(|t| t.contact_email.clone()));
    let years = age(input.birth_date, now.date_naive());
    let base = format!("{}/reponse/{employer_token}", state.config.public_url);
    let mail = EmployerMail {
        name: format!("{} {}", input.first_name, input.last_name),
        title: &offer.fields.title,
        territory: territory
            .as_ref()
            .map_or_else(|| "Mission Locale".to_owned(), |t| t.name.clone()),
        commune: state
            .refs
            .communes
            .get(input.commune.as_str())
            .map_or_else(|| input.commune.to_string(), |c| c.label()),
        age: years,
        minor: years < 18,
        mobility: input.mobility.label(),
        email: input.email.as_ref().map(|e| e.as_str()),
        phone: input.phone.as_ref().map(|p| p.display()),
        message: &input.message,
        yes: format!("{base}/entretien"),
        no: format!("{base}/non_retenu"),
    };
    if let Some(to) = recipient {
        let subject = format!(
            "Candidature de {} {} : {}",
            input.first_name, input.last_name, offer.fields.title
        );
        state
            .store
            .enqueue_application_mail(
                id,
                &to,
                &subject,
                &mail.render()?,
                Some(&EmployerMailHtml { m: &mail }.render()?),
                cv,
                now,
            )
            .await?;
    } else {
        tracing::warn!(
            candidature = id,
            "ni contact ni e-mail de la Mission Locale : candidature à transmettre par téléphone"
        );
    }
    if cv.is_none() {
        // Without a CV, the counselors complete the application with the young person.
        if let Some(ml) = territory.as_ref().and_then(|t| t.contact_email.clone()) {
            let text = format!(
                "Candidature sans CV de {} {} pour l'offre « {} » (candidature n° {id}).\nÀ compléter avec le ou la jeune : {}/gestion/candidatures",
                input.first_name, input.last_name, offer.fields.title, state.config.public_url
            );
            state
                .store
                .enqueue_mail(&ml, "Candidature sans CV à compléter", &text, None, now)
                .await?;
        }
    }
    if let Some(email) = &input.email {
        let mail = ConfirmationMail {
            first_name: &input.first_name,
            title: &offer.fields.title,
            company: &offer.fields.company_name,
            follow: &follow,
        };
        let text = mail.render()?;
        let html = ConfirmationMailHtml { m: &mail }.render()?;
        state
            .store
            .enqueue_mail(
                email.as_str(),
                "Votre candidature est partie",
                &text,
                Some(&html),
                now,
            )
            .await?;
    }
    let by_sms = input.email.is_none()
        && state.config.sms
        && input.phone.as_ref().is_some_and(sms::is_mobile);
    if let (true, Some(phone)) = (by_sms, &input.phone) {
        let text = sms::follow_text(&offer.fields.title, &follow);
        state
            .store
            .enqueue_sms(id, &phone.international(), &text, now)
            .await?;
    }
    Ok(Ok(Delivered {
        link: follow,
        code: follow_token,
        by_sms,
        id,
    }))
}
