//! Public transport for Tremplin: a GTFS feed read and checked ([`gtfs`]), made ready for
//! routing ([`network`]), and the earliest arrival between two points on a day ([`raptor`]).
//! No HTTP, no SQL: the feed's bytes come from the caller (the database keeps them).

pub mod gtfs;
pub mod network;
pub mod raptor;

pub use gtfs::{Feed, GtfsError, read_zip, repack};
pub use network::{Day, Network, Run, Settings, Timetable, distance_m};
pub use raptor::{
    Ends, Journey, Leg, best_journey, best_journey_by, earliest_arrival, earliest_arrival_by,
    earliest_arrivals,
};
