//! Documents layer: one file per document kind, each a function from the archive, the
//! records and the rules to one [`DocumentView`]. Nothing here touches paths or files.

pub mod annual;
pub mod archive_summary;
pub mod chair;
pub mod commend;
pub mod contact;
pub mod delegate_archive;
pub mod evaluation;
pub mod handling;
pub mod public;
pub mod public_figures;
pub mod qualification;
pub mod quarterly;
pub mod reminders;
pub mod scoreboard;
pub mod term;
pub mod validation_report;

use crate::render::docx::{Document, TableBlock};
use crate::render::xlsx::Table;
use serde_json::Value;
use std::collections::HashMap;

/// One document as the renderers take it (文书视图): its Word edition (wording from an
/// editable template, or a form laid out in code) and its Excel edition (sheets, with
/// their charts). Every document kind returns this one shape; the command decides only
/// where the files go.
#[derive(Debug, Default)]
pub struct DocumentView {
    pub word: Option<Word>,
    pub sheets: Vec<Table>,
    /// The workbook's file name (no extension) when it is not the Word edition's title.
    pub workbook: Option<String>,
    /// The Word file's name (no extension) when it is not the document's title.
    pub file: Option<String>,
}

/// The Word edition of a document.
#[derive(Debug)]
pub enum Word {
    /// Wording from a template (`render::template` name), filled with these variables
    /// and named tables.
    Template {
        name: &'static str,
        vars: Value,
        tables: HashMap<String, TableBlock>,
    },
    /// A form whose layout is the document itself (the 述职评议表 ballot).
    Laid(Document),
}

impl DocumentView {
    /// A document worded by `template`.
    pub fn worded(
        template: &'static str,
        vars: Value,
        tables: HashMap<String, TableBlock>,
    ) -> Self {
        DocumentView {
            word: Some(Word::Template {
                name: template,
                vars,
                tables,
            }),
            ..DocumentView::default()
        }
    }

    /// A workbook-only document named `name`.
    pub fn workbook(name: impl Into<String>, sheets: Vec<Table>) -> Self {
        DocumentView {
            sheets,
            workbook: Some(name.into()),
            ..DocumentView::default()
        }
    }

    /// The same document with the template variable `key` set (a form laid out in code
    /// has none).
    pub fn with_var(mut self, key: &str, value: Value) -> Self {
        if let Some(Word::Template {
            vars: Value::Object(m),
            ..
        }) = &mut self.word
        {
            m.insert(key.to_string(), value);
        }
        self
    }

    /// The same document with an Excel edition; named after the Word title unless `name`.
    pub fn with_sheets(mut self, sheets: Vec<Table>, name: Option<String>) -> Self {
        self.sheets = sheets;
        self.workbook = name;
        self
    }
}

/// Bar charts over a per-group sheet's first `groups` rows, each on a chart sheet of its
/// own: (title, value column, whether the values are percentages).
pub(crate) fn group_bar_charts(
    t: &mut crate::render::xlsx::Table,
    groups: usize,
    charts: [(String, u16, bool); 2],
) {
    let Some(last) = (groups as u32).checked_sub(1) else {
        return;
    };
    for (title, value_col, percent) in charts {
        t.charts.push(crate::render::xlsx::ChartSpec {
            title,
            pie: false,
            category_col: 0,
            value_col,
            rows: (0, last),
            percent,
        });
    }
}
