//! What every page shares: the frame and navigation, who is signed in, the CSRF form, French
//! dates, charts, the lines of back-office lists, and the static assets.

pub mod assets;
pub mod auth;
pub mod burnup;
pub mod charts;
mod csrf;
pub mod dates;
mod ids;
mod layout;
mod lines;
mod nav;
pub mod panics;
pub mod protect;
pub mod rejections;

pub use csrf::CsrfForm;
pub use ids::{ApiId, Id, Ids};
pub use layout::{Layout, not_found};
pub use lines::{ApplicationLine, OfferLine, line};
pub use nav::Nav;
