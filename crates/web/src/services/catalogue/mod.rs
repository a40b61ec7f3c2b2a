//! The catalogue as a service: what a search means, running it over the index, and keeping the
//! index in step with the database.

mod cache;
mod query;
mod search;
pub mod trips;
pub mod view;

pub use cache::OfferCache;
pub use query::{CatalogueQuery, DEFAULT_RADIUS_KM, Near, ParamStyle, QueryProblem};
pub use search::{Found, new_since, new_this_week, run, run_in, run_widening, similar};
pub use trips::{MAX_EXAMINED, NoCar, Trips};
pub use view::{OfferView, view};
