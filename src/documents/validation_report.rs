//! 校验报告.xlsx: every finding with where it is and how to fix it, and the per-file
//! reconciliation (rows read = accepted + merged duplicates + rejected).

use super::DocumentView;
use crate::domain::findings::Validation;
use crate::render::xlsx::{Cell, Table};

/// 校验报告.xlsx: the findings and the per-file reconciliation.
pub fn validation_report(v: &Validation) -> DocumentView {
    DocumentView::workbook("校验报告", sheets(v))
}

/// The offending value as a cell: a number read from the input (a voter count of 18)
/// is a number again, as long as writing it back gives the same text (an identifier
/// typed as 0012 stays text).
fn value_cell(v: &str) -> Cell {
    match v.parse::<i64>() {
        Ok(n) if n.to_string() == v => Cell::Int(n),
        _ => match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x.to_string() == v => Cell::Num(x),
            _ => Cell::Text(v.to_string()),
        },
    }
}

fn sheets(v: &Validation) -> Vec<Table> {
    let mut findings = Table::new(
        "问题清单",
        &[
            "序号",
            "级别",
            "文件",
            "工作表",
            "行号",
            "列",
            "值",
            "问题",
            "修改建议",
        ],
    );
    for (i, f) in v.findings.iter().enumerate() {
        findings.rows.push(vec![
            Cell::Int(i as i64 + 1),
            f.severity.label().into(),
            f.file.clone().into(),
            f.sheet.clone().into(),
            if f.row > 0 {
                Cell::Int(i64::from(f.row))
            } else {
                Cell::Empty
            },
            f.column.clone().into(),
            value_cell(&f.value),
            f.message.clone().into(),
            f.hint.clone().into(),
        ]);
    }
    findings.notes.push(
        "说明：“错误”的行不能计入档案，请修改后重新报送；“警告”的行已计入，请核实；“提示”仅供参考。"
            .to_string(),
    );
    let mut files = Table::new(
        "文件核对",
        &[
            "文件",
            "报送单位",
            "读取行数",
            "接受",
            "合并重复",
            "剔除",
            "说明行（未计入）",
            "核对结果",
        ],
    );
    for t in &v.tallies {
        let result = if t.unreadable {
            "无法读取"
        } else if t.balances() {
            "平衡"
        } else {
            "不平衡"
        };
        files.rows.push(vec![
            t.file.clone().into(),
            t.unit.clone().into(),
            t.read.into(),
            t.accepted.into(),
            t.merged.into(),
            t.rejected.into(),
            t.notes.into(),
            result.into(),
        ]);
    }
    files
        .notes
        .push("核对规则：读取行数 = 接受 + 合并重复 + 剔除。空行不计；“填表人”“合计”等说明行单独列出，不计入数据。".to_string());
    vec![findings, files]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_the_input_are_numbers_again() {
        assert_eq!(value_cell("18"), Cell::Int(18));
        assert_eq!(value_cell("-3"), Cell::Int(-3));
        assert_eq!(value_cell("2.5"), Cell::Num(2.5));
        for text in ["0012", "+5", "1e3", "NaN", "inf", "十八", "18人", ""] {
            assert_eq!(value_cell(text), Cell::Text(text.into()), "{text}");
        }
    }
}
