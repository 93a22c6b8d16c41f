//! Tables as Parquet, for analysis in other tools: the same rows and columns as the
//! XLSX sheets, with whole numbers as integers and dates as dates.

use super::xlsx::{Cell, Kind, Listing, Table};
use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;

fn days_since_epoch(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
    (d - epoch).num_days() as i32
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
        let name: PlSmallStr = h.as_str().into();
        let col = if !cells.is_empty() && all(|c| matches!(c, Cell::Int(_))) {
            let v: Vec<Option<i64>> = cells
                .iter()
                .map(|c| if let Cell::Int(x) = c { Some(*x) } else { None })
                .collect();
            Column::new(name, v)
        } else if !cells.is_empty() && all(|c| matches!(c, Cell::Date(_))) {
            let v: Vec<Option<i32>> = cells
                .iter()
                .map(|c| {
                    if let Cell::Date(d) = c {
                        Some(days_since_epoch(*d))
                    } else {
                        None
                    }
                })
                .collect();
            Column::new(name, v).cast(&DataType::Date)?
        } else {
            let v: Vec<Option<String>> = cells
                .iter()
                .map(|c| match c {
                    Cell::Text(s) => Some(s.clone()),
                    Cell::Int(x) => Some(x.to_string()),
                    Cell::Num(x) | Cell::Pct(x) => Some(x.to_string()),
                    Cell::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
                    Cell::Empty => None,
                })
                .collect();
            Column::new(name, v)
        };
        cols.push(col);
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
    let n = rows.len();
    let mut text: Vec<Vec<Option<String>>> = Vec::new();
    let mut ints: Vec<Vec<Option<i64>>> = Vec::new();
    let mut dates: Vec<Vec<Option<i32>>> = Vec::new();
    // Where each column's values go: (kind, index into its kind's vectors).
    let slots: Vec<(Kind, usize)> = l
        .columns
        .iter()
        .map(|(_, k)| {
            let at = match k {
                Kind::Text => {
                    text.push(Vec::with_capacity(n));
                    text.len() - 1
                }
                Kind::Int => {
                    ints.push(Vec::with_capacity(n));
                    ints.len() - 1
                }
                Kind::Date => {
                    dates.push(Vec::with_capacity(n));
                    dates.len() - 1
                }
            };
            (*k, at)
        })
        .collect();
    let mut row = Vec::with_capacity(l.columns.len());
    for i in rows {
        row.clear();
        (l.fill)(i, &mut row);
        for (c, (kind, at)) in slots.iter().enumerate() {
            let v = row.get_mut(c).map_or(Cell::Empty, std::mem::take);
            match (kind, v) {
                (Kind::Text, Cell::Empty) => text[*at].push(None),
                (Kind::Text, Cell::Text(s)) => text[*at].push(Some(s)),
                (Kind::Text, Cell::Int(x)) => text[*at].push(Some(x.to_string())),
                (Kind::Text, Cell::Num(x) | Cell::Pct(x)) => text[*at].push(Some(x.to_string())),
                (Kind::Text, Cell::Date(d)) => {
                    text[*at].push(Some(d.format("%Y-%m-%d").to_string()))
                }
                (Kind::Int, Cell::Int(x)) => ints[*at].push(Some(x)),
                (Kind::Int, Cell::Empty) => ints[*at].push(None),
                (Kind::Date, Cell::Date(d)) => dates[*at].push(Some(days_since_epoch(d))),
                (Kind::Date, Cell::Empty) => dates[*at].push(None),
                (k, v) => anyhow::bail!(
                    "「{}」第{}列声明为{:?}，但第{}行的值是{:?}（程序内部错误）",
                    l.sheet,
                    c + 1,
                    k,
                    i + 1,
                    v
                ),
            }
        }
    }
    let mut text = text.into_iter();
    let mut ints = ints.into_iter();
    let mut dates = dates.into_iter();
    let mut cols = Vec::with_capacity(l.columns.len());
    for (h, k) in &l.columns {
        let name: PlSmallStr = h.as_str().into();
        let col = match k {
            Kind::Text => Column::new(name, text.next().unwrap_or_default()),
            Kind::Int => Column::new(name, ints.next().unwrap_or_default()),
            Kind::Date => {
                Column::new(name, dates.next().unwrap_or_default()).cast(&DataType::Date)?
            }
        };
        cols.push(col);
    }
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
