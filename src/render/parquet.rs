//! Tables as Parquet, for analysis in other tools: the same rows and columns as the
//! XLSX sheets, with whole numbers as integers and dates as dates.

use super::xlsx::{Cell, Kind, Listing, Table};
use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;
use polars_io::prelude::ParquetWriter;

fn days_since_epoch(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
    (d - epoch).num_days() as i32
}

/// One column's values on their way into a data frame. Text is copied into the
/// column's buffers as it comes: a row group's strings are never all held one by one.
enum Values {
    Text(StringChunkedBuilder),
    Int(Vec<Option<i64>>),
    Date(Vec<Option<i32>>),
}

impl Values {
    fn new(kind: Kind, capacity: usize) -> Values {
        match kind {
            Kind::Text => Values::Text(StringChunkedBuilder::new("".into(), capacity)),
            Kind::Int => Values::Int(Vec::with_capacity(capacity)),
            Kind::Date => Values::Date(Vec::with_capacity(capacity)),
        }
    }

    /// Adds a cell; any cell goes into a text column, only its own kind (or a blank)
    /// into the others. Gives the cell back when it does not fit.
    fn push(&mut self, c: &Cell) -> Result<(), Cell> {
        match (self, c) {
            (Values::Text(v), c) => match c {
                Cell::Text(s) => v.append_value(s),
                Cell::Int(x) => v.append_value(x.to_string()),
                Cell::Num(x) | Cell::Pct(x) | Cell::Dec1(x) => v.append_value(x.to_string()),
                Cell::Date(d) => v.append_value(d.format("%Y-%m-%d").to_string()),
                Cell::Empty => v.append_null(),
            },
            (Values::Int(v), Cell::Int(x)) => v.push(Some(*x)),
            (Values::Int(v), Cell::Empty) => v.push(None),
            (Values::Date(v), Cell::Date(d)) => v.push(Some(days_since_epoch(*d))),
            (Values::Date(v), Cell::Empty) => v.push(None),
            (_, c) => return Err(c.clone()),
        }
        Ok(())
    }

    fn into_column(self, name: &str) -> PolarsResult<Column> {
        let name: PlSmallStr = name.into();
        match self {
            Values::Text(v) => Ok(v.finish().with_name(name).into_column()),
            Values::Int(v) => Ok(Column::new(name, v)),
            Values::Date(v) => Column::new(name, v).cast(&DataType::Date),
        }
    }
}

/// The table as a data frame: a column of only whole numbers (or blanks) is Int64, of
/// only dates is Date, anything else is text.
pub fn to_frame(t: &Table) -> PolarsResult<DataFrame> {
    let mut cols = Vec::with_capacity(t.headers.len());
    for (i, h) in t.headers.iter().enumerate() {
        let cells: Vec<&Cell> = t
            .rows
            .iter()
            .map(|r| r.get(i).unwrap_or(&Cell::Empty))
            .collect();
        let all = |f: fn(&Cell) -> bool| cells.iter().all(|c| matches!(c, Cell::Empty) || f(c));
        let kind = if !cells.is_empty() && all(|c| matches!(c, Cell::Int(_))) {
            Kind::Int
        } else if !cells.is_empty() && all(|c| matches!(c, Cell::Date(_))) {
            Kind::Date
        } else {
            Kind::Text
        };
        let mut values = Values::new(kind, cells.len());
        for c in cells {
            // The kind was chosen so that every cell fits.
            let _ = values.push(c);
        }
        cols.push(values.into_column(h)?);
    }
    DataFrame::new_infer_height(cols)
}

/// Parquet bytes of a table.
pub fn parquet(t: &Table) -> Result<Vec<u8>> {
    let mut df = anyhow::Context::with_context(to_frame(t), || {
        format!("转换「{}」为 Parquet 时出错", t.sheet)
    })?;
    let mut buf = Vec::new();
    let written = ParquetWriter::new(&mut buf).finish(&mut df);
    anyhow::Context::with_context(written, || {
        format!("写入「{}」的 Parquet 文件时出错", t.sheet)
    })?;
    Ok(buf)
}

/// Rows per row group of a listing: memory holds one group's columns at a time.
const LISTING_CHUNK: usize = 250_000;

/// One row group of a listing as a data frame, each column typed as declared.
fn listing_chunk(l: &Listing, rows: std::ops::Range<usize>) -> Result<DataFrame> {
    let mut values: Vec<Values> = l
        .columns
        .iter()
        .map(|(_, k)| Values::new(*k, rows.len()))
        .collect();
    let mut row = Vec::with_capacity(l.columns.len());
    for i in rows {
        row.clear();
        (l.fill)(i, &mut row);
        // A short row ends in blanks; cells past the last column are not listed.
        let cells = row.iter().chain(std::iter::repeat(&Cell::Empty));
        for (c, (column, cell)) in values.iter_mut().zip(cells).enumerate() {
            if let Err(v) = column.push(cell) {
                anyhow::bail!(
                    "「{}」第{}列声明为{:?}，但第{}行的值是{:?}（程序内部错误）",
                    l.sheet,
                    c + 1,
                    l.columns[c].1,
                    i + 1,
                    v
                );
            }
        }
    }
    let cols = values
        .into_iter()
        .zip(&l.columns)
        .map(|(v, (h, _))| v.into_column(h))
        .collect::<PolarsResult<Vec<Column>>>()?;
    Ok(DataFrame::new_infer_height(cols)?)
}

/// Parquet bytes of a listing, written one row group at a time from the records.
pub fn listing_parquet(l: &Listing) -> Result<Vec<u8>> {
    listing_parquet_chunked(l, LISTING_CHUNK)
}

fn listing_parquet_chunked(l: &Listing, chunk: usize) -> Result<Vec<u8>> {
    let context = || format!("写入「{}」的 Parquet 文件时出错", l.sheet);
    let mut buf = Vec::new();
    let first = listing_chunk(l, 0..l.len.min(chunk))?;
    let mut writer = anyhow::Context::with_context(
        ParquetWriter::new(&mut buf).batched(first.schema()),
        context,
    )?;
    anyhow::Context::with_context(writer.write_batch(&first), context)?;
    drop(first);
    let mut at = chunk;
    while at < l.len {
        let part = listing_chunk(l, at..l.len.min(at + chunk))?;
        anyhow::Context::with_context(writer.write_batch(&part), context)?;
        at += chunk;
    }
    anyhow::Context::with_context(writer.finish(), context)?;
    drop(writer);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars_io::prelude::{ParquetReader, SerReader};

    #[test]
    fn listings_are_written_in_row_groups_with_declared_types() {
        let l = Listing::new(
            "记录",
            &[
                ("日期", Kind::Date),
                ("序号", Kind::Int),
                ("内容", Kind::Text),
            ],
            25,
            |i, row| {
                row.extend([
                    if i == 3 {
                        Cell::Empty
                    } else {
                        NaiveDate::from_ymd_opt(2025, 2, 1 + i as u32).into()
                    },
                    Cell::Int(i as i64),
                    format!("第{i}行").into(),
                ])
            },
        );
        let bytes = listing_parquet_chunked(&l, 10).expect("parquet");
        let df = ParquetReader::new(std::io::Cursor::new(bytes))
            .finish()
            .expect("reads back");
        assert_eq!(df.height(), 25);
        assert_eq!(df.column("日期").expect("c").dtype(), &DataType::Date);
        assert_eq!(df.column("日期").expect("c").null_count(), 1);
        assert_eq!(df.column("序号").expect("c").dtype(), &DataType::Int64);
        let text = df.column("内容").expect("c").str().expect("text").clone();
        assert_eq!(text.get(24), Some("第24行"));
        assert_eq!(text.get(10), Some("第10行"));
        // Same rows as collecting the listing into a table first.
        let whole = to_frame(&l.to_table()).expect("frame");
        assert!(whole.equals_missing(&df));
    }

    #[test]
    fn a_cell_that_contradicts_its_column_is_an_error_not_a_null() {
        let l = Listing::new("记录", &[("序号", Kind::Int)], 1, |_, row| {
            row.push("七".into())
        });
        let err = listing_parquet(&l).expect_err("refused");
        assert!(err.to_string().contains("第1列"), "{err}");
    }

    #[test]
    fn columns_get_their_types() {
        let mut t = Table::new("t", &["a", "b", "c"]);
        t.rows.push(vec![
            Cell::Int(1),
            Cell::Date(NaiveDate::from_ymd_opt(2025, 3, 5).expect("d")),
            "x".into(),
        ]);
        t.rows.push(vec![Cell::Empty, Cell::Empty, Cell::Int(2)]);
        let df = to_frame(&t).expect("frame");
        assert_eq!(df.column("a").expect("a").dtype(), &DataType::Int64);
        assert_eq!(df.column("b").expect("b").dtype(), &DataType::Date);
        assert_eq!(df.column("c").expect("c").dtype(), &DataType::String);
        assert!(!parquet(&t).expect("parquet").is_empty());
    }
}
