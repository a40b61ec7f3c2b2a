//! Shared by the search benchmark and the load generator: deterministic synthetic offers over
//! real communes and ROME métiers, and how the load generator paces and measures requests.

pub mod data;
pub mod load;
