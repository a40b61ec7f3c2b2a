//! What every page's frame shows, and the page for a path that leads nowhere.

use crate::{AppState, WebError};

/// What every page's frame shows.
pub struct Layout {
    pub territory: String,
    pub contact_email: Option<String>,
    pub canonical: String,
    /// The Atom feed that carries what the page shows, announced to feed readers.
    pub feed: Option<FeedLink>,
}

pub struct FeedLink {
    pub href: String,
    pub title: String,
}

impl Layout {
    pub fn new(state: &AppState, path: &str) -> Self {
        let t = state.territory();
        Self {
            territory: t
                .as_ref()
                .map_or_else(|| "Mission Locale".to_owned(), |t| t.name.clone()),
            contact_email: t.and_then(|t| t.contact_email),
            canonical: format!("{}{}", state.config.public_url, path),
            feed: None,
        }
    }

    /// The frame of a page rendered where the state is out of reach (an error answer): no
    /// territory name, no canonical address.
    pub fn bare() -> Self {
        Self {
            territory: "Mission Locale".to_owned(),
            contact_email: None,
            canonical: String::new(),
            feed: None,
        }
    }

    /// Announces the page's feed (`<link rel="alternate" type="application/atom+xml">`).
    pub fn with_feed(mut self, href: impl Into<String>, title: impl Into<String>) -> Self {
        self.feed = Some(FeedLink {
            href: href.into(),
            title: title.into(),
        });
        self
    }
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}
