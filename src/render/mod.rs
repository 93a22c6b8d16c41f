//! Renderers: view models in, file bytes out. They know nothing about the rules.

pub mod docx;
pub mod parquet;
pub mod xlsx;
