//! Tables as Parquet, for analysis in other tools: the same rows and columns as the
//! XLSX sheets, with whole numbers as integers and dates as dates.

use super::xlsx::{Cell, Table};
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

#[cfg(test)]
mod tests {
    use super::*;

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
