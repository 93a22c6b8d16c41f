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

/// The public workbook: one row per delegate, public fields then every figure.
pub fn workbook(a: &Archive, fields: &[&str], config: &Config) -> Table {
    let mut headers: Vec<&str> = fields.to_vec();
    headers.extend(Metric::ALL.iter().map(|m| m.label()));
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
        row.extend(Metric::ALL.iter().map(|m| Cell::from(d.get(*m))));
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
pub fn site(a: &Archive, fields: &[&str], config: &Config) -> Vec<(String, String)> {
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
        frame.page(&title, "", &site_index(&groups)),
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

/// A group's page: one row per delegate, linking to the delegate's page.
fn group_table(members: &[&DelegateArchive], fields: &[&str], config: &Config) -> String {
    // The group and the term are the page's own: the table leaves them out.
    let cols: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| *f != "代表小组" && *f != "届别")
        .collect();
    let mut body = String::from("<table><tr>");
    for f in &cols {
        body.push_str(&format!("<th>{}</th>", esc(f)));
    }
    body.push_str("<th>出席区人代会</th><th>领衔建议</th><th>闭会期间活动</th><th>述职</th></tr>");
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
        body.push_str(&format!(
            "<td class=\"n\">{}/{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            d.get(Metric::CongressAttended),
            d.get(Metric::CongressExpected),
            d.get(Metric::SuggestionsLed),
            d.get(Metric::RecessActivities),
            d.get(Metric::Reports)
        ));
    }
    body.push_str("</table>");
    body
}

/// A delegate's page: the public fields, then the archive's items (R1) with their figures.
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
    for (item, name) in R1_ITEMS.iter().enumerate().skip(1) {
        body.push_str(&format!("<h2>{}</h2><table>", esc(name)));
        for m in Metric::ALL.iter().filter(|m| m.item() as usize == item + 1) {
            body.push_str(&format!(
                "<tr><th>{}</th><td class=\"n\">{}</td></tr>",
                esc(m.label()),
                d.get(*m)
            ));
        }
        body.push_str("</table>");
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

    #[test]
    fn html_is_escaped() {
        assert_eq!(esc("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
    }
}
