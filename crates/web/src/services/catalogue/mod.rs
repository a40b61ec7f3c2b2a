//! The catalogue as a service: what a search means, running it over the index, and keeping the
//! index in step with the database.

mod query;
mod search;
pub mod view;

pub use query::{CatalogueQuery, Near, ParamStyle, QueryProblem};
pub use search::{Found, new_since, new_this_week, run, run_widening};
pub use view::{OfferView, view};
