//! 联系群众 (issue #19): receptions of voters at a 家站, by one or several delegates.

use super::row::{identify, Row};
use super::workbook::{Candidates, FileContext};
use crate::domain::contact::{Contact, ContactHandling};
use crate::domain::text::split_name_list;

pub(super) fn read_contact(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
    let date = row.date("日期", true);
    let station = row.text("家站/联络站");
    let people = row.count("接待群众人数");
    let opinions = row.count("收集意见建议条数");
    let handling = row.choice(
        "办理方式",
        ContactHandling::parse,
        "当场答复、转交办理、形成代表建议",
    );
    let result = row.info_text("办理结果");
    let feedback = row.info_text("反馈情况");
    let near = ctx.near();
    let raw = row.text("代表");
    let mut delegates = Vec::new();
    for token in delegate_names(&raw, ctx.roster) {
        if let Some(id) = identify(row, ctx.roster, near, "代表", "", &token) {
            if !delegates.contains(&id) {
                delegates.push(id);
            }
        }
    }
    if delegates.is_empty() && !row.failed {
        row.error(
            "代表",
            "",
            "「代表」未填写",
            "请填写参加接待的代表姓名，多人用顿号（、）分隔",
        );
    }
    let (Some(date), Some(people), Some(opinions)) = (date, people, opinions) else {
        return false;
    };
    for id in &delegates {
        ctx.check_date(row, "日期", date, id);
    }
    if opinions > 0 && handling.is_none() && !row.failed {
        row.warn(
            "办理方式",
            "",
            "收集了意见建议但未填办理方式，统计时计为“未填办理方式”",
            "请填写：当场答复、转交办理或形成代表建议",
        );
    }
    if row.failed || delegates.is_empty() {
        return false;
    }
    cands.contacts.push((
        Contact {
            date,
            station,
            delegates,
            people,
            opinions,
            handling,
            result,
            feedback,
            unit: ctx.unit.name.clone(),
            source: row.source.clone(),
        },
        ctx.authority(None, ""),
    ));
    true
}

/// The names in a 代表 cell. Names are split at 、，；/ and line breaks; a space splits
/// only a cell without those (「张三 李四」), and never a roster name typed with a space
/// between its characters (「王 芳」).
fn delegate_names(raw: &str, roster: &crate::domain::model::Roster) -> Vec<String> {
    let explicit = ['、', ',', '，', ';', '；', '/', '\n', '\r'];
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    if raw.contains(explicit) {
        return raw
            .split(explicit)
            .map(squeeze)
            .filter(|s| !s.is_empty())
            .collect();
    }
    let whole = squeeze(raw);
    let (name, _) = crate::domain::text::split_name_and_id(&whole);
    if !roster
        .by_name(&crate::domain::text::normalize_name(&name))
        .is_empty()
    {
        return vec![whole];
    }
    split_name_list(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Delegate, Roster};

    #[test]
    fn names_split_at_separators_and_spaces_but_not_inside_a_name() {
        let mut a = Delegate::sample("D1");
        a.name = "王芳".into();
        let mut b = Delegate::sample("D2");
        b.name = "李四".into();
        let roster = Roster::new(vec![a, b]);
        assert_eq!(delegate_names("王 芳、李四", &roster), ["王芳", "李四"]);
        assert_eq!(delegate_names("王 芳(D1)", &roster), ["王芳(D1)"]);
        assert_eq!(delegate_names("王芳 李四", &roster), ["王芳", "李四"]);
        assert_eq!(delegate_names("", &roster), Vec::<String>::new());
    }
}
