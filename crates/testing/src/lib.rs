//! What the crates' tests share, so that each fake lives once: the partners' APIs (France
//! Travail and La bonne alternance, serving their documented shapes with scripted failures)
//! and an SMTP server that keeps what it receives. A dev-dependency only: never in a release
//! build.

pub mod partners;
pub mod smtp;
