//! The JSON API v1: the catalogue read by partner sites, school ENTs and apps, and the
//! partners' writes (their own offers, with a bearer token) on the same paths.

mod partenaires;
mod public;

pub use public::router;
