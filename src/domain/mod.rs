//! Domain layer: records and roster, findings, the polars archive, the regulation's rules
//! and scores. Pure: no paths, no files, no render types.

pub mod archive;
pub mod contact;
pub mod decision;
pub mod findings;
pub mod handling;
pub mod model;
pub mod qualification;
pub mod rating;
pub mod reminder;
pub mod rules;
pub mod score;
pub mod session;
pub mod structure;
pub mod text;
