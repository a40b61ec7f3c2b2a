//! The catalogue's full-text and geographic index, kept in process with tantivy.
//!
//! The index is derived data: the database is the truth, and each instance keeps its own
//! index, fed by the database's revision feed (see the web crate's indexer). The revision
//! indexed last is stored in each commit, so a restart resumes where it stopped.

pub mod analysis;
mod collector;
mod geo;
mod index;
mod query;
mod ranges;

pub use index::{IndexLock, OfferDoc, SearchIndex};
pub use query::{Hit, SearchQuery, SearchResults, Sort};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("index de recherche : {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("index de recherche : {0}")]
    Io(#[from] std::io::Error),
    #[error("index de recherche : {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// Another process writes this index (only one may at a time).
    #[error("index de recherche déjà ouvert en écriture par un autre processus")]
    Busy,
    /// A [`SearchIndex::detached`] index was asked to write.
    #[error("index de recherche ouvert en lecture seule : écriture refusée")]
    Detached,
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;
