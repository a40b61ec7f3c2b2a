//! Application work with no HTTP in it: search over the index and the indexer that follows the
//! database, the edition, applications and their notices, retention, the outbox, uploads,
//! invitations, CSV files and the connectors' runs.

pub mod applications;
pub mod catalogue;
pub mod csv_import;
pub mod editions;
pub mod imports;
pub mod indexer;
pub mod invitations;
pub mod notices;
pub mod outbox;
pub mod retention;
pub mod uploads;
