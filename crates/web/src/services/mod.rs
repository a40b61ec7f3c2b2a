//! Application work with no HTTP in it: search over the index and the indexer that follows the
//! database, the edition, applications and their notices, retention, the mail and SMS outboxes,
//! uploads, invitations, reach, the saved-search alerts, public transport (the GTFS feed and the
//! week's trips), and what relays an edition (cards, kit,
//! printed catalogue and posters). (CSV files and the connectors' runs live in the connectors
//! crate.)

pub mod alerts;
pub mod applications;
pub mod budget;
pub mod calendar;
pub mod catalogue;
pub mod covoiturage;
pub mod editions;
pub mod events;
pub mod indexer;
pub mod invitations;
pub mod media;
pub mod notices;
pub mod offer_figures;
pub mod outbox;
pub mod pepite_picks;
pub mod pepites;
pub mod phoning;
pub mod promo_activities;
pub mod promos;
pub mod reach;
pub mod relays;
pub mod retention;
pub mod revisions;
pub mod secrets;
pub mod simulateur;
pub mod sms;
pub mod trajets;
pub mod transport;
pub mod typed;
pub mod uploads;
