//! Renderers: view models in, file bytes out. They know nothing about the rules.

pub mod docx;
pub mod parquet;
mod sheet_xml;
pub mod xlsx;
