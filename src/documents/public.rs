//! The public edition of the archives (R3: made public step by step): per delegate the
//! public fields and the performance figures, as XLSX and as a static HTML site that
//! reads offline and on a phone. Which fields are public is configuration; the phone
//! number and the birth date never are.

use crate::config::Config;
use crate::domain::archive::{Archive, DelegateArchive, Metric, R1_ITEMS};
use crate::domain::model::Delegate;
use crate::render::xlsx::{Cell, Table};

pub(crate) fn field(d: &Delegate, f: &str, config: &Config) -> String {
    match f {
        "姓名" => d.name.clone(),
        "代表小组" => d.group.clone(),
        "届别" => config.term_name(),
        "工作单位及职务" => d.work_unit.clone(),
        "性别" => d.gender.clone(),
        "民族" => d.ethnicity.clone(),
        "政治面貌" => d.party.clone(),
        "选区" => d.constituency.clone(),
        "身份" => d.roles.label(),
        "代表状态" => d.status_label().to_string(),
        _ => String::new(),
    }
}

/// The figures some delegate of the archive has: a column of zeros (未报 0 for everyone)
/// says nothing to the public and is left out.
fn shown_metrics(a: &Archive) -> Vec<Metric> {
    Metric::ALL
        .iter()
        .copied()
        .filter(|m| a.delegates.iter().any(|d| d.get(*m) > 0))
        .collect()
}

/// The public workbook: one row per delegate, public fields then every figure some
/// delegate has.
pub fn workbook(a: &Archive, fields: &[&str], config: &Config) -> Table {
    let metrics = shown_metrics(a);
    let mut headers: Vec<&str> = fields.to_vec();
    let grades = config.rating.grades();
    headers.extend(
        metrics
            .iter()
            .map(|m| super::archive_summary::vote_label(*m, grades)),
    );
    let mut t = Table::new("代表履职情况", &headers);
    t.title = Some(format!(
        "{}人大代表{}履职情况（公开版）",
        config.district.name, a.period.label
    ));
    for d in &a.delegates {
        let mut row: Vec<Cell> = fields
            .iter()
            .map(|f| Cell::Text(field(&d.delegate, f, config)))
            .collect();
        row.extend(metrics.iter().map(|m| Cell::from(d.get(*m))));
        t.rows.push(row);
    }
    t
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const CSS: &str = "body{font-family:\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;margin:0;padding:0 1em 2em;max-width:48em;margin:auto;line-height:1.6;color:#222}\
h1{font-size:1.4em;text-align:center;margin:1em 0 .2em}h2{font-size:1.1em;border-left:4px solid #b22;padding-left:.5em;margin-top:1.5em}\
p.sub{text-align:center;color:#555;margin:0 0 1em}table{border-collapse:collapse;width:100%;margin:.5em 0}\
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left}th{background:#f3f3f3;font-weight:normal;white-space:nowrap}\
td.n{text-align:right}a{color:#1a4f9c}nav{margin:1em 0;font-size:.95em}ul.groups{list-style:none;padding:0;columns:2}\
ul.groups li{padding:.3em 0}footer{margin-top:2em;font-size:.85em;color:#777}";

fn page(title: &str, sub: &str, nav: &str, body: &str, footer: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title><style>{CSS}</style></head><body>{nav}<h1>{}</h1><p class=\"sub\">{}</p>{body}<footer>{}</footer></body></html>\n",
        esc(title),
        esc(title),
        esc(sub),
        esc(footer)
    )
}

/// The static site: (relative path, content). An index of groups, an index per group,
/// a page per delegate. File names carry no personal data.
pub fn site(
    a: &Archive,
    fields: &[&str],
    config: &Config,
    district: &super::public_figures::PublicFigures,
) -> Vec<(String, String)> {
    let frame = Frame {
        sub: format!("{}　{}", config.term_name(), a.period.label),
        footer: format!(
            "本页由{}代表联络室根据代表履职档案生成，数据截至{}。",
            config.district.standing_committee,
            crate::domain::text::chinese_date(a.period.end)
        ),
    };
    let groups: Vec<(String, Vec<&DelegateArchive>)> = a
        .groups()
        .into_iter()
        .map(|g| {
            let members = a
                .delegates
                .iter()
                .filter(|d| d.delegate.group == g)
                .collect();
            (g, members)
        })
        .collect();
    let title = format!("{}人大代表履职档案（公开版）", config.district.name);
    let mut out = vec![(
        "index.html".to_string(),
        frame.page(
            &title,
            "",
            &(site_index(&groups) + &super::public_figures::html(district, esc)),
        ),
    )];
    for (gi, (g, members)) in groups.iter().enumerate() {
        let dir = format!("g{:02}", gi + 1);
        let nav = "<nav><a href=\"../index.html\">返回各代表小组</a></nav>";
        out.push((
            format!("{dir}/index.html"),
            frame.page(
                &format!("{g}代表小组"),
                nav,
                &group_table(members, fields, config),
            ),
        ));
        let nav = format!("<nav><a href=\"index.html\">返回{}代表小组</a> · <a href=\"../index.html\">各代表小组</a></nav>", esc(g));
        for (i, d) in members.iter().enumerate() {
            out.push((
                format!("{dir}/{:03}.html", i + 1),
                frame.page(
                    &format!("{}代表履职情况", d.delegate.name),
                    &nav,
                    &delegate_body(d, fields, config),
                ),
            ));
        }
    }
    out
}

/// What every page of the site shares: the subtitle and the footer.
struct Frame {
    sub: String,
    footer: String,
}

impl Frame {
    fn page(&self, title: &str, nav: &str, body: &str) -> String {
        page(title, &self.sub, nav, body, &self.footer)
    }
}

fn site_index(groups: &[(String, Vec<&DelegateArchive>)]) -> String {
    let mut idx = String::from("<ul class=\"groups\">");
    for (gi, (g, members)) in groups.iter().enumerate() {
        idx.push_str(&format!(
            "<li><a href=\"g{:02}/index.html\">{}代表小组</a>（{} 名代表）</li>",
            gi + 1,
            esc(g),
            members.len()
        ));
    }
    idx.push_str("</ul>");
    idx
}

/// The figures of a group's page: (heading, the delegate's figure as printed, whether
/// it is nonzero). 出席区人代会 reads "出席/应出席".
type GroupColumn = (&'static str, fn(&DelegateArchive) -> (String, bool));

const GROUP_COLUMNS: [GroupColumn; 4] = [
    ("出席区人代会", |d| {
        let (n, of) = (
            d.get(Metric::CongressAttended),
            d.get(Metric::CongressExpected),
        );
        (format!("{n}/{of}"), of > 0)
    }),
    ("提出建议", |d| count(d, Metric::SuggestionsLed)),
    ("闭会期间活动", |d| count(d, Metric::RecessActivities)),
    ("述职", |d| count(d, Metric::Reports)),
];

fn count(d: &DelegateArchive, m: Metric) -> (String, bool) {
    let n = d.get(m);
    (n.to_string(), n > 0)
}

/// A group's page: one row per delegate, linking to the delegate's page; a figure no
/// member of the group has is left out.
fn group_table(members: &[&DelegateArchive], fields: &[&str], config: &Config) -> String {
    // The group and the term are the page's own: the table leaves them out.
    let cols: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| *f != "代表小组" && *f != "届别")
        .collect();
    let figures: Vec<&GroupColumn> = GROUP_COLUMNS
        .iter()
        .filter(|(_, f)| members.iter().any(|d| f(d).1))
        .collect();
    let mut body = String::from("<table><tr>");
    for f in &cols {
        body.push_str(&format!("<th>{}</th>", esc(f)));
    }
    for (h, _) in &figures {
        body.push_str(&format!("<th>{h}</th>"));
    }
    body.push_str("</tr>");
    for (i, d) in members.iter().enumerate() {
        body.push_str("<tr>");
        for (k, f) in cols.iter().enumerate() {
            let v = esc(&field(&d.delegate, f, config));
            if k == 0 {
                body.push_str(&format!("<td><a href=\"{:03}.html\">{v}</a></td>", i + 1));
            } else {
                body.push_str(&format!("<td>{v}</td>"));
            }
        }
        for (_, f) in &figures {
            body.push_str(&format!("<td class=\"n\">{}</td>", f(d).0));
        }
        body.push_str("</tr>");
    }
    body.push_str("</table>");
    body
}

/// How each figure reads on a delegate's page: "参加区人代会 2 次". The numbers of
/// meetings a delegate was expected at are no activity and not listed; the votes are
/// one sentence of their own (`votes_sentence`).
const PHRASES: [(Metric, &str, &str); 33] = [
    (Metric::CongressAttended, "参加区人代会", "次"),
    (Metric::CongressLeave, "区人代会请假", "次"),
    (Metric::CongressAbsent, "未经批准缺席区人代会", "次"),
    (Metric::CongressUnreported, "区人代会出席情况未报送", "次"),
    (Metric::TrainingAttended, "参加代表学习培训", "次"),
    (Metric::TrainingLeave, "代表学习培训请假", "次"),
    (Metric::TrainingAbsent, "代表学习培训缺席", "次"),
    (Metric::SuggestionsLed, "提出建议", "件"),
    (Metric::SuggestionsCosigned, "附议其他代表的建议", "件"),
    (Metric::ScAttended, "出席区人大常委会会议", "次"),
    (Metric::ScObserver, "列席区人大常委会会议", "次"),
    (Metric::ScLeave, "区人大常委会会议请假", "次"),
    (Metric::ScAbsent, "区人大常委会会议缺席", "次"),
    (Metric::ScUnreported, "区人大常委会会议出席情况未报送", "次"),
    (Metric::CommitteeAttended, "出席专门委员会会议", "次"),
    (Metric::CommitteeObserver, "列席专门委员会会议", "次"),
    (Metric::CommitteeLeave, "专门委员会会议请假", "次"),
    (Metric::CommitteeAbsent, "专门委员会会议缺席", "次"),
    (
        Metric::CommitteeUnreported,
        "专门委员会会议出席情况未报送",
        "次",
    ),
    (Metric::RecessActivities, "闭会期间参加各类活动共", "次"),
    (Metric::GroupActivities, "参加代表小组活动", "次"),
    (Metric::Inspections, "参加视察", "次"),
    (Metric::Surveys, "参加调研", "次"),
    (Metric::LawChecks, "参加执法检查", "次"),
    (Metric::VoterContacts, "联系接待选民", "次"),
    (
        Metric::StationReceptions,
        "在代表之家、代表联络站接待群众",
        "次",
    ),
    (Metric::ContactPeople, "共接待群众", "人次"),
    (Metric::ContactOpinions, "收集群众意见建议", "条"),
    (Metric::Reports, "向选民述职", "次"),
    (Metric::ReportsInPerson, "其中当面述职", "次"),
    (Metric::ReportsWritten, "其中书面述职", "次"),
    (Metric::OtherActivities, "参加其他活动", "次"),
    (Metric::Commendations, "受到通报表彰", "次"),
];

/// The votes of the delegate's evaluations in one plain sentence: how many voted, how,
/// and what 满意率 (or 称职率, on that scale) means. None without votes.
pub fn votes_sentence(d: &DelegateArchive, grades: [&str; 3]) -> Option<String> {
    let (s, b, n) = (
        d.get(Metric::VotesSatisfied),
        d.get(Metric::VotesBasically),
        d.get(Metric::VotesDissatisfied),
    );
    let valid = s + b + n;
    (valid > 0).then(|| {
        format!(
            "述职评议时选民代表共投有效票 {valid} 票，其中{a} {s} 票、{bb} {b} 票、{c} {n} 票，{a}率（{a}票占有效票的比例）为 {}。",
            crate::domain::text::percent(s, valid),
            a = grades[0],
            bb = grades[1],
            c = grades[2],
        )
    })
}

/// The delegate's activity in plain words, by item of R1 (2–9): only the figures that
/// are not zero, and the items that have any.
pub fn plain_items(d: &DelegateArchive, grades: [&str; 3]) -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    for (item, name) in R1_ITEMS.iter().enumerate().skip(1) {
        let mut lines: Vec<String> = PHRASES
            .iter()
            .filter(|(m, _, _)| m.item() as usize == item + 1 && d.get(*m) > 0)
            .map(|(m, what, unit)| format!("{what} {} {unit}", d.get(*m)))
            .collect();
        if Metric::VotesSatisfied.item() as usize == item + 1 {
            lines.extend(votes_sentence(d, grades));
        }
        if !lines.is_empty() {
            out.push((*name, lines));
        }
    }
    out
}

/// A delegate's page: the public fields, then what the delegate did, item by item of
/// R1, in plain words.
fn delegate_body(d: &DelegateArchive, fields: &[&str], config: &Config) -> String {
    let mut body = String::from("<h2>代表基本信息</h2><table>");
    for f in fields {
        body.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>",
            esc(f),
            esc(&field(&d.delegate, f, config))
        ));
    }
    body.push_str("</table>");
    let items = plain_items(d, config.rating.grades());
    if items.is_empty() {
        body.push_str("<p>本期间暂无履职记录。</p>");
    }
    for (name, lines) in items {
        body.push_str(&format!("<h2>{}</h2><ul>", esc(name)));
        for l in lines {
            body.push_str(&format!("<li>{}</li>", esc(&l)));
        }
        body.push_str("</ul>");
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PublicConfig;

    #[test]
    fn private_fields_cannot_be_published() {
        let c = PublicConfig {
            fields: vec!["姓名".into(), "联系电话".into()],
            private: vec![],
        };
        assert!(c
            .published()
            .expect_err("phone")
            .to_string()
            .contains("隐私"));
        let c = PublicConfig {
            fields: vec!["姓名".into(), "民族".into()],
            private: vec!["民族".into()],
        };
        assert_eq!(c.published().expect("ok"), vec!["姓名"]);
        let c = PublicConfig {
            fields: vec!["姓名".into(), "爱好".into()],
            private: vec![],
        };
        assert!(c
            .published()
            .expect_err("unknown")
            .to_string()
            .contains("不是可公开的字段"));
        assert_eq!(
            PublicConfig::default().published().expect("default"),
            vec!["姓名", "代表小组", "届别", "工作单位及职务"]
        );
    }

    /// Every figure but the expected meetings and the votes has its plain words.
    #[test]
    fn every_activity_figure_has_a_phrase() {
        use Metric::*;
        let apart = [
            CongressExpected,
            ScExpected,
            CommitteeExpected,
            VotesSatisfied,
            VotesBasically,
            VotesDissatisfied,
        ];
        for m in Metric::ALL {
            let phrased = PHRASES.iter().filter(|(p, _, _)| *p == m).count();
            assert_eq!(phrased, usize::from(!apart.contains(&m)), "{m:?}");
        }
    }

    /// Only what the delegate did, in plain words; the votes in one sentence.
    #[test]
    fn a_delegate_page_lists_only_activity_in_plain_words() {
        use crate::domain::model::Delegate;
        use Metric::*;
        let d = DelegateArchive::with_figures(
            Delegate::sample("D001"),
            &[
                (CongressExpected, 2),
                (CongressAttended, 2),
                (SuggestionsLed, 3),
                (RecessActivities, 4),
                (GroupActivities, 4),
                (Reports, 1),
                (ReportsInPerson, 1),
                (VotesSatisfied, 18),
                (VotesBasically, 3),
                (VotesDissatisfied, 1),
            ],
        );
        let items = plain_items(&d, ["满意", "基本满意", "不满意"]);
        let names: Vec<&str> = items.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "出席区人民代表大会会议情况",
                "提出代表建议、批评和意见情况",
                "参加闭会期间代表小组和常委会活动情况",
                "联系接待选民、向选民述职并接受评议情况",
            ]
        );
        assert_eq!(items[0].1, ["参加区人代会 2 次"]);
        assert_eq!(items[1].1, ["提出建议 3 件"]);
        assert_eq!(
            items[2].1,
            ["闭会期间参加各类活动共 4 次", "参加代表小组活动 4 次"]
        );
        assert_eq!(
            items[3].1,
            [
                "向选民述职 1 次",
                "其中当面述职 1 次",
                "述职评议时选民代表共投有效票 22 票，其中满意 18 票、基本满意 3 票、不满意 1 票，满意率（满意票占有效票的比例）为 81.8%。",
            ]
        );
        let page = delegate_body(&d, &["姓名"], &test_config());
        assert!(!page.contains("未报"), "{page}");
        assert!(!page.contains(" 0 "), "{page}");
        let idle = DelegateArchive::with_figures(Delegate::sample("D002"), &[]);
        assert!(plain_items(&idle, ["满意", "基本满意", "不满意"]).is_empty());
        assert!(delegate_body(&idle, &["姓名"], &test_config()).contains("暂无履职记录"));
    }

    fn test_config() -> Config {
        Config::parse(
            "[district]\nname = \"示范区\"\ncongress = \"示范区人民代表大会\"\nstanding_committee = \"示范区人大常委会\"\n[term]\nnumber = 6\nstart = 2022-01-06\nend = \"2026-12-31\"\n",
        )
        .expect("config")
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(esc("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
    }
}
