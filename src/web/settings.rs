//! 设置: `lvzhi.toml` as a form, one field per setting of the file; checked as every job
//! checks it before it is saved (the old file kept in `备份/`).

use super::files::BACKUP_DIR;
use super::pages::{error_text, message, render};
use super::App;
use crate::config::Config;
use crate::input::CONFIG_FILE;
use anyhow::{bail, Context};
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use toml::{Table, Value};

/// Chinese labels of the known settings; others show their key.
const LABELS: &[(&str, &str)] = &[
    ("district.name", "区名"),
    ("district.congress", "人民代表大会名称"),
    ("district.standing_committee", "常委会名称"),
    ("term.number", "第几届"),
    ("term.start", "届期开始日期"),
    ("term.end", "届期结束日期"),
    ("units.office", "常委会办公室名称"),
    ("units.liaison", "代表联络室名称"),
    ("units.special_committees", "专门委员会（每行一个）"),
    (
        "thresholds.report_share_per_year",
        "每个代表小组每年组织述职的代表比例",
    ),
    ("thresholds.reports_per_term", "每位代表每届至少述职次数"),
    (
        "thresholds.min_voter_representatives",
        "述职评议会议的选民代表最少人数",
    ),
    (
        "thresholds.unapproved_absence_limit",
        "未经批准不出席区人代会的次数上限",
    ),
    ("thresholds.dissatisfied_share_limit", "不满意率上限"),
    (
        "thresholds.outstanding_per_group_min",
        "每个代表小组推荐优秀履职代表最少人数",
    ),
    (
        "thresholds.outstanding_per_group_max",
        "每个代表小组推荐优秀履职代表最多人数",
    ),
    (
        "thresholds.low_activity_per_year",
        "全年履职活动少于该次数列为“履职较少”",
    ),
    (
        "thresholds.outstanding_suggestions_max",
        "优秀代表建议名单草案最多件数",
    ),
    (
        "thresholds.renomination_min_congress_attendance",
        "继续提名所需区人代会出席率",
    ),
    (
        "thresholds.renomination_study_bottom_band",
        "届期积分位于后段的列为“需研究”",
    ),
    // Issue #19.
    ("suggestions.reply_months", "代表建议办复时限（月）"),
    ("suggestions.legend.A", "办理结果A类的含义"),
    ("suggestions.legend.B", "办理结果B类的含义"),
    ("suggestions.legend.C", "办理结果C类的含义"),
    ("suggestions.legend.D", "办理结果D类的含义"),
    ("rating.scale", "述职评议等次（满意或称职）"),
    ("rating.competent_min", "评为称职所需的称职票比例"),
    (
        "rating.basically_competent_min",
        "评为基本称职所需的称职票比例",
    ),
    ("district.seats", "代表名额"),
    ("commend.publicity_days", "表彰公示天数"),
    ("commend.objections_to", "公示期间受理意见的单位和联系方式"),
    (
        "reminders.absences",
        "年内未经批准缺席达到几次时发提醒函（0 为不发）",
    ),
    (
        "reminders.months_left",
        "尚未述职、距届满不足几个月时发提醒函",
    ),
];

#[derive(Serialize)]
struct Field {
    key: String,
    label: String,
    /// text, number, bool, lines
    kind: &'static str,
    value: String,
}

fn label(key: &str) -> String {
    LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key.to_string(), |(_, l)| l.to_string())
}

/// The form's fields: each scalar or list of strings in each section of the file.
/// Other values (such as the list of sessions) keep their place in the file unchanged.
fn fields(table: &Table) -> Vec<Field> {
    let mut out = Vec::new();
    for (section, v) in table {
        let Value::Table(t) = v else { continue };
        for (k, v) in t {
            let key = format!("{section}.{k}");
            let (kind, value) = match v {
                Value::String(s) => ("text", s.clone()),
                Value::Integer(i) => ("number", i.to_string()),
                Value::Float(f) => ("number", f.to_string()),
                Value::Boolean(b) => ("bool", b.to_string()),
                Value::Datetime(d) => ("text", d.to_string()),
                Value::Array(a) if a.iter().all(|x| x.is_str()) => (
                    "lines",
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                _ => continue,
            };
            out.push(Field {
                label: label(&key),
                key,
                kind,
                value,
            });
        }
    }
    out
}

/// The file with the form's values put in, each read as the type it had.
pub fn apply(text: &str, form: &HashMap<String, String>) -> anyhow::Result<String> {
    let mut table: Table = toml::from_str(text).context("现有的 lvzhi.toml 无法解析")?;
    for (section, v) in table.iter_mut() {
        let Value::Table(t) = v else { continue };
        for (k, v) in t.iter_mut() {
            let key = format!("{section}.{k}");
            let given = form.get(&key).map(|s| s.trim());
            let new = match (&*v, given) {
                (Value::Boolean(_), g) => Value::Boolean(g == Some("true")),
                (_, None) => continue,
                (Value::String(_), Some(g)) => Value::String(g.to_string()),
                (Value::Datetime(_), Some(g)) => match g.parse() {
                    Ok(d) => Value::Datetime(d),
                    Err(_) => Value::String(g.to_string()),
                },
                (Value::Integer(_), Some(g)) => match g.parse() {
                    Ok(i) => Value::Integer(i),
                    Err(_) => bail!("「{}」应为整数，实际为「{g}」", label(&key)),
                },
                (Value::Float(_), Some(g)) => match g.parse() {
                    Ok(f) => Value::Float(f),
                    Err(_) => bail!("「{}」应为数字（如 0.2），实际为「{g}」", label(&key)),
                },
                (Value::Array(a), Some(g)) if a.iter().all(|x| x.is_str()) => Value::Array(
                    g.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(|l| Value::String(l.to_string()))
                        .collect(),
                ),
                _ => continue,
            };
            *v = new;
        }
    }
    let out = toml::to_string(&table).context("无法写出配置")?;
    Config::parse(&out)?;
    Ok(out)
}

pub async fn page(State(app): State<Arc<App>>) -> Response {
    let path = app.input.join(CONFIG_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => match toml::from_str::<Table>(&text) {
            Ok(t) => render(
                &app,
                "settings.html",
                "settings",
                context! { fields => fields(&t), saved => false, error => "" },
            ),
            Err(e) => message(
                &app,
                StatusCode::OK,
                "settings",
                "配置文件有误",
                &format!("{} 无法解析：{e}", path.display()),
            ),
        },
        Err(e) => message(
            &app,
            StatusCode::OK,
            "settings",
            "无法读取配置文件",
            &format!("{}：{}", path.display(), crate::messages::io_text(&e)),
        ),
    }
}

pub async fn save(
    State(app): State<Arc<App>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if app.busy() {
        return super::files::busy(&app, "settings");
    }
    let path = app.input.join(CONFIG_FILE);
    let result = std::fs::read_to_string(&path)
        .map_err(crate::messages::io)
        .with_context(|| format!("无法读取 {}", path.display()))
        .and_then(|old| {
            let new = apply(&old, &form)?;
            write(&app, &old, &new)?;
            Ok(new)
        });
    match result {
        Ok(new) => {
            let t: Table = toml::from_str(&new).unwrap_or_default();
            render(
                &app,
                "settings.html",
                "settings",
                context! { fields => fields(&t), saved => true, error => "" },
            )
        }
        Err(e) => {
            // The form is shown again with what was typed, and the file is unchanged.
            let old = std::fs::read_to_string(&path).unwrap_or_default();
            let t: Table = toml::from_str(&old).unwrap_or_default();
            let mut fs = fields(&t);
            for f in fs.iter_mut() {
                if let Some(v) = form.get(&f.key) {
                    f.value = v.clone();
                }
            }
            let mut r = render(
                &app,
                "settings.html",
                "settings",
                context! { fields => fs, saved => false, error => error_text(&e) },
            );
            *r.status_mut() = StatusCode::BAD_REQUEST;
            r
        }
    }
}

/// Keeps the old file in `备份/` and replaces it through a temporary file.
fn write(app: &App, old: &str, new: &str) -> anyhow::Result<()> {
    let backups = app.input.join(BACKUP_DIR);
    std::fs::create_dir_all(&backups).map_err(crate::messages::io)?;
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    std::fs::write(backups.join(format!("lvzhi_{stamp}.toml")), old)
        .map_err(crate::messages::io)
        .context("无法备份原配置文件")?;
    let tmp = backups.join(format!(".lvzhi.toml-{}", std::process::id()));
    std::fs::write(&tmp, new).map_err(crate::messages::io)?;
    std::fs::rename(&tmp, app.input.join(CONFIG_FILE))
        .map_err(crate::messages::io)
        .context("无法保存 lvzhi.toml")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../input/lvzhi.toml");

    #[test]
    fn every_setting_of_the_file_is_a_field() {
        let t: Table = toml::from_str(SAMPLE).expect("the sample settings");
        let f = fields(&t);
        let keys: Vec<&str> = f.iter().map(|x| x.key.as_str()).collect();
        assert!(keys.contains(&"district.name"));
        assert!(keys.contains(&"term.start"));
        assert!(keys.contains(&"units.special_committees"));
        assert!(keys.contains(&"thresholds.report_share_per_year"));
        let sc = f
            .iter()
            .find(|x| x.key == "units.special_committees")
            .expect("the sample settings");
        assert_eq!(sc.kind, "lines");
        assert!(sc.value.contains("法制委员会\n"));
    }

    #[test]
    fn a_changed_value_is_saved_and_a_bad_one_refused() {
        let mut form = HashMap::new();
        form.insert("district.name".to_string(), "新区".to_string());
        form.insert(
            "thresholds.report_share_per_year".to_string(),
            "0.3".to_string(),
        );
        form.insert(
            "thresholds.renomination_study_bottom_band".to_string(),
            "true".to_string(),
        );
        let out = apply(SAMPLE, &form).expect("the sample settings");
        let c = Config::parse(&out).expect("the sample settings");
        assert_eq!(c.district.name, "新区");
        assert_eq!(c.thresholds.report_share_per_year, 0.3);
        // Not a number.
        form.insert(
            "thresholds.report_share_per_year".to_string(),
            "三成".to_string(),
        );
        assert!(apply(SAMPLE, &form).is_err());
        // A number the configuration's own check refuses.
        form.insert(
            "thresholds.report_share_per_year".to_string(),
            "1.5".to_string(),
        );
        let e = apply(SAMPLE, &form).unwrap_err();
        assert!(format!("{e:#}").contains("report_share_per_year"), "{e:#}");
    }
}
