//! Shared by the search benchmark and the load generator: deterministic synthetic offers over
//! real communes and ROME métiers.

pub mod data;
