//! Input layer: opening workbooks within limits, header detection, merged cells, cell
//! clean-up, the folder walk, the roster and the sheet readers → a `Dataset`.

pub mod header;
pub mod ingest;
pub mod merges;
pub mod open;
pub mod register;
pub mod row;
