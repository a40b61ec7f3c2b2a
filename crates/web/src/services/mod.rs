//! Application work with no HTTP in it: search over the index and the indexer that follows the
//! database, the edition, applications and their notices, retention, the outbox, uploads,
//! invitations, reach. (CSV files and the connectors' runs live in the connectors crate.)

pub mod applications;
pub mod catalogue;
pub mod editions;
pub mod indexer;
pub mod invitations;
pub mod notices;
pub mod outbox;
pub mod reach;
pub mod retention;
pub mod revisions;
pub mod secrets;
pub mod simulateur;
pub mod uploads;
