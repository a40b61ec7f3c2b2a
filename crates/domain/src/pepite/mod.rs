//! « Nos pépites »: a weekly video portrait of a young person for employers, with consent done
//! right. The portrait, its consents, its captions and its video container, checked here.

pub mod consent;
mod portrait;
pub mod video;
pub mod webvtt;

pub use portrait::{Area, MIN_COMMUNE_POPULATION, Mobility, Portrait, PortraitInput, age_on};
pub use video::{VideoInfo, VideoKind, VideoLimits, recognise, recognise_from, too_heavy};
pub use webvtt::{Captions, Cue};
