//! Tremplin's domain: the values and rules of an apprenticeship catalogue.
//!
//! Everything here validates at construction and speaks French to the user through
//! [`Invalid`]. No HTTP, no SQL: the storage, search and web crates build on these types.

pub mod activity;
pub mod application;
pub mod board;
pub mod budget;
pub mod carpool;
mod error;
pub mod geo;
pub mod import;
pub mod lifecycle;
pub mod network;
mod offer;
pub mod pay;
pub mod pepite;
pub mod promo;
pub mod reach;
pub mod revision;
mod status;
mod values;
pub mod young;

pub use error::{Invalid, UnknownValue};
pub use offer::{Contact, GeoPoint, Offer, OfferInput, OfferSource, SourceKind, StartDate};
pub use status::{ClosingReason, NOT_A_REFUSAL, OfferStatus};
pub use values::{
    CodeInsee, CodeRome, ContractType, Email, HttpUrl, NiveauDiplome, Siret, Telephone, check_text,
};
