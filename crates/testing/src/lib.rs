//! What the crates' tests share, so that each fake lives once: the partners' APIs (France
//! Travail and La bonne alternance, serving their documented shapes with scripted failures)
//! an SMS provider (Twilio's Messages API) and an SMTP server that keep what they receive, and
//! the check for the programs some tests read files back with, the PNG and QR code reader the
//! cards' tests use, and a local S3-compatible server (moto). A dev-dependency only: never in a
//! release build.

pub mod images;
pub mod partners;
pub mod s3;
pub mod sms;
pub mod smtp;
pub mod tools;
