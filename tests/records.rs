//! End-to-end tests of issue #19, the records real districts keep: the suggestion
//! sheet's handling columns, the 联系群众 sheet, the 称职 rating scale, 审议发言 and the
//! members' 2/3 rule. Figures are counted here from the records, independently of the
//! documents, and must be what the documents print.

mod support;

use chrono::{Datelike, Months, NaiveDate};
use lvzhi::domain::model::{HandlingResult, SuggestionCategory, SuggestionNature};
use lvzhi::domain::text::percent;
use lvzhi::input::{load, YearScope};
use support::*;

fn report_text(dir: &std::path::Path, rel: &str) -> String {
    docx_text(&unzip(&dir.join(rel))["word/document.xml"])
}

#[test]
fn the_yearly_report_quotes_the_new_figures_and_they_match_the_records() {
    let dir = sample_district(6, 60);
    let input = dir.path().join("input");
    let data = load(&input, &YearScope::One(2025)).expect("loads");
    assert_eq!(
        data.validation
            .count(lvzhi::domain::findings::Severity::Error),
        0,
        "{}",
        data.validation.summary()
    );
    let in_2025 = |d: NaiveDate| d.year() == 2025;
    let items: Vec<_> = data
        .records
        .suggestions
        .iter()
        .filter(|s| in_2025(s.date))
        .collect();
    // The liaison office's sheet has the new columns; group 5's own sheet keeps the old
    // ones and still reads (its rows merge into the liaison office's).
    assert!(items
        .iter()
        .all(|s| s.columns.category && s.columns.assigned));
    let motions = items
        .iter()
        .filter(|s| s.nature == Some(SuggestionNature::Motion))
        .count();
    assert!(motions > 0, "the sample keeps 议案 apart");
    let handled: Vec<_> = items
        .iter()
        .filter(|s| s.nature != Some(SuggestionNature::Motion))
        .collect();
    // 按期办复率 counted here: due = answered, or unanswered past the deadline at year end.
    let end = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
    let (mut on_time, mut due) = (0u32, 0u32);
    for s in &handled {
        let Some(a) = s.assigned else { continue };
        let deadline = a.checked_add_months(Months::new(3)).expect("deadline");
        match s.answered {
            Some(b) => {
                due += 1;
                if b <= deadline {
                    on_time += 1;
                }
            }
            None if end > deadline => due += 1,
            None => {}
        }
    }
    let solved = handled
        .iter()
        .filter(|s| s.result == Some(HandlingResult::Solved))
        .count() as u32;
    let urban = items
        .iter()
        .filter(|s| s.category == Some(SuggestionCategory::UrbanEnvironment))
        .count() as u32;
    let contacts: Vec<_> = data
        .records
        .contacts
        .iter()
        .filter(|c| in_2025(c.date))
        .collect();
    let people: u32 = contacts.iter().map(|c| c.people).sum();
    let opinions: u32 = contacts.iter().map(|c| c.opinions).sum();
    assert!(people > 0 && opinions > 0);

    let (code, _, stderr) = run(
        dir.path(),
        &["annual", "--year", "2025", "--date", "2026-01-10"],
    );
    assert_eq!(code, 0, "{stderr}");
    let out = dir.path().join("reports/2025");
    let text = report_text(&out, "关于2025年度代表履职工作情况的报告.docx");
    assert!(
        text.contains(&format!(
            "含议案{motions}件，建议、批评和意见{}件",
            handled.len()
        )),
        "{text}"
    );
    assert!(text.contains(&format!("城建环保{urban}件")), "{text}");
    // Its share is in the table under the sentence.
    assert!(
        text.contains(&format!(
            "城建环保\n{urban}\n{}\n",
            percent(urban, items.len() as u32)
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "已到答复期限的{due}件中，按期答复{on_time}件，按期办复率{}",
            percent(on_time, due)
        )),
        "{text}"
    );
    // Said once: with the A share when it is the same figure, else in a sentence.
    let solved_pct = percent(solved, handled.len() as u32);
    assert!(
        text.contains(&format!("（A类）{solved}件，占{solved_pct}（即解决率）"))
            || text.contains(&format!("解决率（A类件数占建议件数的比例）为{solved_pct}")),
        "{text}"
    );
    assert!(
        text.contains("注：办理结果分类——A类指已解决或基本解决；B类指正在解决或列入计划"),
        "the A–D legend is printed as a note: {text}"
    );
    assert!(
        text.contains(&format!("接待群众{people}人次，收集意见建议{opinions}条")),
        "{text}"
    );
    assert!(
        text.contains("2.\t2025年度各代表之家、代表联络站联系群众情况统计表"),
        "{text}"
    );
    // The appendix's per-家站 sheet adds up to the same figures.
    let sheet = read_sheet(&out.join("2025年度代表履职情况附表.xlsx"), "家站联系群众");
    // The 合计 row, above the sheet's note.
    let total = sheet
        .iter()
        .rev()
        .find(|r| r.first().is_some_and(|c| c == "合计"))
        .expect("合计 row");
    assert_eq!(total[0], "合计");
    assert_eq!(total[2], people.to_string());
    assert_eq!(total[3], opinions.to_string());
    // Each delegate's archive counts the receptions they were at.
    let summary = read_sheet(&out.join("履职档案汇总.xlsx"), "履职档案汇总");
    let col = |h: &str| summary[1].iter().position(|x| x == h).expect(h);
    let (id_col, people_col) = (col("代表编号"), col("接待群众人次"));
    let first = &contacts[0].delegates[0];
    let expected: u32 = contacts
        .iter()
        .filter(|c| c.delegates.contains(first))
        .map(|c| c.people)
        .sum();
    let row = summary
        .iter()
        .find(|r| r.get(id_col) == Some(first))
        .expect("delegate row");
    assert_eq!(row[people_col], expected.to_string());

    // The public edition shows the district's new figures, never a private one.
    let (code, _, stderr) = run(dir.path(), &["public", "--year", "2025"]);
    assert_eq!(code, 0, "{stderr}");
    let site = std::fs::read_to_string(out.join("公开版/网页/index.html")).expect("index");
    assert!(site.contains("代表建议按类别"), "{site}");
    assert!(site.contains(&format!("{people}人次")), "{site}");
    let digits: Vec<usize> = site
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .collect();
    assert!(digits.iter().all(|n| *n < 11), "no phone number");
}

/// A district that rates 称职 / 基本称职 / 不称职: the sheet, the ballot, the verdicts
/// and the finding follow the choice; a sheet in the other scale's words is refused.
#[test]
fn the_competence_scale_runs_through_the_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = tiny_input(dir.path());
    tiny_clean_year(&input);
    let config = format!(
        "{CONFIG}\n[rating]\nscale = \"称职\"\ncompetent_min = 0.8\nbasically_competent_min = 0.5\n"
    );
    std::fs::write(input.join("lvzhi.toml"), config).expect("config");
    let head: Vec<V> = [
        "日期",
        "代表编号",
        "姓名",
        "述职形式",
        "选民代表人数",
        "称职",
        "基本称职",
        "不称职",
    ]
    .iter()
    .map(|h| V::S(h))
    .collect();
    let vote = |id: &'static str, name: &'static str, c: f64, b: f64, x: f64| {
        vec![
            V::D(2025, 11, 20),
            V::S(id),
            V::S(name),
            s("当面述职"),
            V::N(20.0),
            V::N(c),
            V::N(b),
            V::N(x),
        ]
    };
    let sheet_ok = xlsx(&[sheet(
        "述职评议",
        vec![
            head,
            // 16 of 20: exactly 80 %, 称职.
            vote("D001", "张三", 16.0, 3.0, 1.0),
            // 10 of 20: exactly 50 %, 基本称职.
            vote("D003", "李四", 10.0, 6.0, 4.0),
            // 9 of 20: 不称职.
            vote("D005", "阿依古丽·买买提", 9.0, 6.0, 5.0),
        ],
    )]);
    std::fs::write(input.join("2025/代表联络室.xlsx"), sheet_ok).expect("write");
    let (code, _, stderr) = run(
        dir.path(),
        &["annual", "--year", "2025", "--date", "2026-01-10"],
    );
    assert_eq!(code, 0, "{stderr}");
    let out = dir.path().join("reports/2025");
    let annual = report_text(&out, "关于2025年度代表履职工作情况的报告.docx");
    assert!(
        annual.contains("评议结果：称职35票，基本称职15票，不称职10票"),
        "{annual}"
    );
    assert!(annual.contains("称职率58.3%"), "{annual}");
    assert!(
        annual.contains("1名代表述职评议结论为不称职（称职票低于50%）：阿依古丽·买买提"),
        "{annual}"
    );
    let voters = report_text(&out, "主任会议/关于2025年度代表述职评议工作情况的报告.docx");
    assert!(
        voters.contains("称职1人、基本称职1人、不称职1人"),
        "{voters}"
    );
    // A table cell is a paragraph: one line each.
    assert!(
        voters.contains("张三\n甲街道\n16\n3\n1\n80.0%\n95.0%\n称职\n"),
        "{voters}"
    );
    assert!(
        voters.contains("李四\n甲街道\n10\n6\n4\n50.0%\n80.0%\n基本称职\n"),
        "{voters}"
    );

    let summary = read_sheet(&out.join("履职档案汇总.xlsx"), "履职档案汇总");
    assert!(
        summary[1].contains(&"不称职".to_string()),
        "{:?}",
        summary[1]
    );
    assert!(!summary[1].contains(&"不满意".to_string()));

    // The ballot and its tally sheet use the same words.
    let (code, _, stderr) = run(
        dir.path(),
        &["evaluation", "--year", "2025", "--ids", "D002"],
    );
    assert_eq!(code, 0, "{stderr}");
    let ballot = report_text(&out, "述职评议表/述职评议表.docx");
    assert!(
        ballot.contains("基本称职\n\n不称职") && !ballot.contains("满意"),
        "{ballot}"
    );
    let tally = read_sheet(&out.join("述职评议表/代表联络室_述职评议.xlsx"), "述职评议");
    assert!(tally.iter().any(|r| r.contains(&"不称职".to_string())));

    // The blank forms ask for 称职 votes.
    let (code, _, stderr) = run(dir.path(), &["forms", "--year", "2025"]);
    assert_eq!(code, 0, "{stderr}");
    let form = read_sheet(&out.join("空白报送表/甲街道.xlsx"), "述职评议");
    assert!(
        form[1].ends_with(&["称职".to_string(), "基本称职".into(), "不称职".into()]),
        "{form:?}"
    );

    // A sheet in the 满意 words under a 称职 district is an error with the fix.
    let wrong = xlsx(&[sheet(
        "述职评议",
        vec![
            header_reports(),
            vote("D002", "王芳（D002）", 18.0, 2.0, 0.0),
        ],
    )]);
    std::fs::write(input.join("2025/甲街道_述职.xlsx"), wrong).expect("write");
    let data = load(&input, &YearScope::One(2025)).expect("loads");
    assert!(
        data.validation.findings.iter().any(|f| f
            .message
            .contains("与 lvzhi.toml 规定的评议等次（称职、基本称职、不称职）不一致")),
        "{}",
        data.validation.summary()
    );
}

/// 审议发言 on attendance rows reach the members' report; a member below 2/3 of the
/// meetings is named in a sentence and a table; exactly 2/3 is not.
#[test]
fn members_reports_show_speeches_and_flag_attendance_below_two_thirds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = tiny_input(dir.path());
    tiny_clean_year(&input);
    let head: Vec<V> = [
        "日期",
        "会议类别",
        "会议名称",
        "代表编号",
        "姓名",
        "出席情况",
        "审议发言",
    ]
    .iter()
    .map(|h| V::S(h))
    .collect();
    // 张三 (D001), the only SC member, attended the tiny year's meeting; this file adds
    // four more, two attended: 3 of 5 (60 %) is below 2/3.
    let sc = |m: u8, p: &'static str, speeches: f64| {
        vec![
            V::D(2025, m, 10),
            s("常委会会议"),
            V::O(format!("第{m}次会议")),
            s("D001"),
            s("张三"),
            V::S(p),
            V::N(speeches),
        ]
    };
    let office = xlsx(&[sheet(
        "出席记录",
        vec![
            head,
            sc(4, "出席", 2.0),
            sc(6, "出席", 1.0),
            sc(8, "请假", 0.0),
            sc(10, "缺席", 0.0),
        ],
    )]);
    std::fs::write(input.join("2025/常委会办公室_下半年.xlsx"), office).expect("write");
    let (code, _, stderr) = run(
        dir.path(),
        &["annual", "--year", "2025", "--date", "2026-01-10"],
    );
    assert_eq!(code, 0, "{stderr}");
    let text = report_text(
        &dir.path().join("reports/2025"),
        "主任会议/关于2025年度常委会组成人员履职情况的报告.docx",
    );
    assert!(text.contains("审议发言3人次（1人发言）"), "{text}");
    assert!(
        text.contains("张三本年度出席常委会会议的次数不足应出席次数的三分之二，出席率见下表"),
        "{text}"
    );
    assert!(text.contains("张三\n甲街道\n5\n3\n60.0%\n3\n"), "{text}");
}

/// A suggestion sheet made before issue #19 (no 类别, 性质, 交办日期 …) still reads,
/// and the report says those figures are missing rather than printing 0.
#[test]
fn an_old_suggestion_sheet_reads_and_missing_figures_are_said_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = tiny_input(dir.path());
    tiny_clean_year(&input);
    let head: Vec<V> = [
        "建议编号",
        "提出日期",
        "提出时段",
        "标题",
        "领衔代表",
        "附议代表",
        "承办单位",
        "办理结果",
        "代表满意度",
    ]
    .iter()
    .map(|h| V::S(h))
    .collect();
    let row = |n: &'static str, lead: &'static str, result: &'static str| {
        vec![
            V::S(n),
            V::D(2025, 1, 8),
            s("大会期间"),
            s("关于道路养护的建议"),
            V::S(lead),
            V::E,
            s("区交通局"),
            V::S(result),
            s("满意"),
        ]
    };
    let old = xlsx(&[sheet(
        "代表建议",
        vec![
            head,
            row("2025-001", "张三", "A"),
            row("2025-002", "李四", "B"),
        ],
    )]);
    std::fs::write(input.join("2025/代表联络室.xlsx"), old).expect("write");
    let data = load(&input, &YearScope::One(2025)).expect("loads");
    assert_eq!(data.records.suggestions.len(), 2);
    assert_eq!(
        data.validation
            .count(lvzhi::domain::findings::Severity::Error),
        0
    );
    let (code, _, stderr) = run(
        dir.path(),
        &["annual", "--year", "2025", "--date", "2026-01-10"],
    );
    assert_eq!(code, 0, "{stderr}");
    let text = report_text(
        &dir.path().join("reports/2025"),
        "关于2025年度代表履职工作情况的报告.docx",
    );
    for missing in [
        "本年度报送的建议未登记类别，无法按类别统计。",
        "本年度未登记重点督办情况。",
        "按期办复率缺数据，无法计算。",
        "本年度没有报送家站联系群众记录",
    ] {
        assert!(text.contains(missing), "{missing}: {text}");
    }
    assert!(!text.contains("按期办复率0"), "{text}");
    assert!(!text.contains("重点督办的0件"), "{text}");
    // What the old sheet does hold is still computed: one of two is A.
    assert!(
        text.contains("占50.0%（即解决率）")
            || text.contains("解决率（A类件数占建议件数的比例）为50.0%"),
        "{text}"
    );
    assert!(
        text.contains("注：办理结果分类——A类指已解决或基本解决"),
        "{text}"
    );
}
