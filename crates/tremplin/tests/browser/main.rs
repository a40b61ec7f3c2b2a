//! What a young person clicks, in a real browser (Debian's chromium + chromedriver), against
//! the real binary serving the demo territory. Also takes the README's screenshots and checks
//! accessibility with axe-core.
//!
//! Skipped, loudly, when chromedriver is not installed, unless `TREMPLIN_REQUIRE_BROWSER` is
//! set (CI sets it): then a missing browser is a failure.
//!
//! One file per journey; `support` holds what they share.

mod support;

mod apprenti;
mod atelier;
mod candidatures;
mod covoiturage;
mod metiers;
mod pepites;
mod promos;
mod recherche;
mod relais;
mod semaine;
