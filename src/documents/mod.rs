//! Documents layer: one file per document kind, each built from the archive and the rules
//! into the view its renderer takes.

pub mod annual;
pub mod chair;
pub mod evaluation;
pub mod public;
pub mod quarterly;
pub mod term;
pub mod view;
