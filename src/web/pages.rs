//! The pages that show the input: 首页 (what has arrived) and 校验 (the findings), with
//! the embedded templates and assets.

use super::App;
use crate::domain::findings::{Finding, Severity, Validation};
use crate::input::{Dataset, YearScope};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Every template, embedded so the workbench works offline from the binary alone.
pub fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    // A path in a link: each part percent-encoded, the slashes kept.
    // Safe as it is: only unreserved ASCII, `%XX` and `/` remain (the default escaping
    // would turn the slashes into entities).
    env.add_filter("urlpath", |s: String| {
        minijinja::Value::from_safe_string(
            s.split('/')
                .map(super::percent_encode)
                .collect::<Vec<_>>()
                .join("/"),
        )
    });
    for (name, text) in [
        ("base.html", include_str!("assets/base.html")),
        ("home.html", include_str!("assets/home.html")),
        ("upload.html", include_str!("assets/upload.html")),
        ("uploaded.html", include_str!("assets/uploaded.html")),
        ("check.html", include_str!("assets/check.html")),
        ("generate.html", include_str!("assets/generate.html")),
        ("job.html", include_str!("assets/job.html")),
        ("job_status.html", include_str!("assets/job_status.html")),
        ("docs.html", include_str!("assets/docs.html")),
        ("settings.html", include_str!("assets/settings.html")),
        ("message.html", include_str!("assets/message.html")),
    ] {
        // The templates are part of the program; a broken one is caught by the tests.
        if let Err(e) = env.add_template(name, text) {
            eprintln!("内部错误：工作台模板 {name} 有误：{e}");
        }
    }
    env
}

/// Renders a template with the token and the page's name added.
pub fn render(app: &App, name: &str, page: &str, ctx: minijinja::Value) -> Response {
    let full = context! { t => &app.token, page => page, ..ctx };
    match app.env.get_template(name).and_then(|t| t.render(full)) {
        Ok(html) => Html(html).into_response(),
        Err(e) => super::refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("内部错误：页面 {name} 无法显示：{e}"),
        ),
    }
}

/// A page saying one thing (an error, "please wait").
pub fn message(app: &App, status: StatusCode, page: &str, title: &str, text: &str) -> Response {
    let mut r = render(
        app,
        "message.html",
        page,
        context! { title => title, text => text },
    );
    *r.status_mut() = status;
    r
}

/// The error chain of a failed step, in Chinese.
pub fn error_text(e: &anyhow::Error) -> String {
    let mut s = e.to_string();
    for cause in e.chain().skip(1) {
        let c = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => crate::messages::io_text(io),
            None => cause.to_string(),
        };
        s.push_str("\n原因：");
        s.push_str(&c);
    }
    s
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("assets/app.js"),
    )
        .into_response()
}

pub async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("assets/style.css"),
    )
        .into_response()
}

/// The year a page shows: the one asked for, else the latest year folder.
pub fn page_year(app: &App, asked: Option<&String>) -> (Option<i32>, Vec<i32>) {
    let years = crate::input::year_folders(&app.input).unwrap_or_default();
    let year = asked
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| years.contains(y))
        .or_else(|| years.last().copied());
    (year, years)
}

/// Loads one year as the yearly job does (the term so far, this year's findings).
/// The year read off the request thread; a failure is the page that says why, on
/// `page`'s tab (`failed` when the reading thread itself failed).
async fn loaded_year(
    app: &Arc<App>,
    year: i32,
    page: &str,
    failed: &str,
) -> Result<Dataset, Response> {
    let a = app.clone();
    match tokio::task::spawn_blocking(move || load_year(&a, year)).await {
        Ok(Ok(d)) => Ok(d),
        Ok(Err(e)) => Err(message(
            app,
            StatusCode::OK,
            page,
            "无法读取输入",
            &error_text(&e),
        )),
        Err(_) => Err(message(
            app,
            StatusCode::INTERNAL_SERVER_ERROR,
            page,
            "内部错误",
            failed,
        )),
    }
}

fn load_year(app: &App, year: i32) -> anyhow::Result<Dataset> {
    let mut data = crate::input::load(&app.input, &YearScope::UpTo(year))?;
    data.validation = data.validation.for_year(year);
    Ok(data)
}

/// The sending units: the roster's groups, the two offices and the special committees.
fn units(data: &Dataset) -> Vec<String> {
    let u = &data.config.units;
    let mut out = data.roster.groups();
    out.push(u.office.clone());
    out.push(u.liaison.clone());
    out.extend(u.special_committees.iter().cloned());
    out
}

/// File (relative to the input folder) → sending unit, from the tallies.
fn unit_of_file(v: &Validation) -> HashMap<String, String> {
    v.tallies
        .iter()
        .map(|t| (t.file.clone(), t.unit.clone()))
        .collect()
}

#[derive(Serialize)]
struct UnitRow {
    unit: String,
    /// (path in the input folder, file name)
    files: Vec<(String, String)>,
    /// Per sheet kind: four quarters' row counts (通报表彰: one yearly count).
    cells: Vec<Vec<usize>>,
    missing: usize,
}

/// The sheet kinds with dated rows, as the home page's columns.
const DATED: [&str; 4] = ["出席记录", "履职活动", "代表建议", "述职评议"];

/// Accepted rows per unit, kind and quarter of this year.
fn submissions(data: &Dataset, year: i32) -> Vec<UnitRow> {
    use chrono::Datelike;
    let by_file = unit_of_file(&data.validation);
    let mut count: HashMap<(String, usize, usize), usize> = HashMap::new();
    let mut add = |file: &str, kind: usize, date: Option<chrono::NaiveDate>| {
        let Some(unit) = by_file.get(file) else {
            return;
        };
        let q = match date {
            Some(d) if d.year() == year => d.month0() as usize / 3,
            Some(_) => return,
            None => 0,
        };
        *count.entry((unit.clone(), kind, q)).or_default() += 1;
    };
    let r = &data.records;
    r.attendance
        .iter()
        .for_each(|x| add(&x.source.file, 0, Some(x.date)));
    r.activities
        .iter()
        .for_each(|x| add(&x.source.file, 1, Some(x.date)));
    r.suggestions
        .iter()
        .for_each(|x| add(&x.source.file, 2, Some(x.date)));
    r.reports
        .iter()
        .for_each(|x| add(&x.source.file, 3, Some(x.date)));
    r.commendations
        .iter()
        .filter(|x| x.year == year)
        .for_each(|x| add(&x.source.file, 4, None));
    let folder = format!("{year}/");
    units(data)
        .into_iter()
        .map(|unit| {
            let mut files: Vec<(String, String)> = by_file
                .iter()
                .filter(|(f, u)| **u == unit && f.starts_with(&folder))
                .map(|(f, _)| (f.clone(), f[folder.len()..].to_string()))
                .collect();
            files.sort();
            let mut cells: Vec<Vec<usize>> = (0..DATED.len())
                .map(|k| {
                    (0..4)
                        .map(|q| count.get(&(unit.clone(), k, q)).copied().unwrap_or(0))
                        .collect()
                })
                .collect();
            cells.push(vec![count.get(&(unit.clone(), 4, 0)).copied().unwrap_or(0)]);
            let missing = cells[..DATED.len()]
                .iter()
                .flatten()
                .filter(|n| **n == 0)
                .count();
            UnitRow {
                unit,
                files,
                cells,
                missing,
            }
        })
        .collect()
}

/// When the yearly job last wrote this year's outputs (its validation report's time).
fn last_run(app: &App, year: i32) -> Option<String> {
    let m = std::fs::metadata(app.output.join(year.to_string()).join("校验报告.xlsx")).ok()?;
    let t: chrono::DateTime<chrono::Local> = m.modified().ok()?.into();
    Some(t.format("%Y-%m-%d %H:%M").to_string())
}

pub async fn home(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (year, years) = page_year(&app, q.get("year"));
    let Some(year) = year else {
        return message(
            &app,
            StatusCode::OK,
            "home",
            "还没有报送表",
            &format!(
                "输入文件夹 {} 中没有年度文件夹（如 2026）。请在“报送”页上传各单位的报送表。",
                app.input.display()
            ),
        );
    };
    let data = match loaded_year(&app, year, "home", "读取输入时出错").await {
        Ok(d) => d,
        Err(page) => return page,
    };
    let rows = submissions(&data, year);
    let v = &data.validation;
    render(
        &app,
        "home.html",
        "home",
        context! {
            year => year,
            years => years,
            kinds => DATED,
            rows => rows,
            last_run => last_run(&app, year),
            errors => v.count(Severity::Error),
            warnings => v.count(Severity::Warning),
            files => v.tallies.iter().filter(|t| t.file.starts_with(&format!("{year}/"))).count(),
        },
    )
}

pub async fn upload_page(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (year, mut years) = page_year(&app, q.get("year"));
    // The term's years are offered even before their folder exists.
    if let Ok(c) = crate::config::Config::load(&app.input.join(crate::input::CONFIG_FILE)) {
        use chrono::Datelike;
        for y in c.term.start.year()..=c.term.end.year() {
            if !years.contains(&y) {
                years.push(y);
            }
        }
        years.sort();
    }
    render(
        &app,
        "upload.html",
        "upload",
        context! { year => year, years => years },
    )
}

#[derive(Serialize)]
pub struct FindingView {
    severity: &'static str,
    file: String,
    sheet: String,
    row: u32,
    column: String,
    value: String,
    message: String,
    hint: String,
    /// Whether `file` is a workbook in the input folder (downloadable).
    link: bool,
}

pub fn finding_view(f: &Finding) -> FindingView {
    FindingView {
        severity: f.severity.label(),
        file: f.file.clone(),
        sheet: f.sheet.clone(),
        row: f.row,
        column: f.column.clone(),
        value: f.value.clone(),
        message: f.message.clone(),
        hint: f.hint.clone(),
        link: crate::input::walk::is_workbook_name(&f.file),
    }
}

/// How many findings a page lists at most (the validation report has them all).
const SHOWN: usize = 500;

pub async fn check(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (Some(year), years) = page_year(&app, q.get("year")) else {
        return message(
            &app,
            StatusCode::OK,
            "check",
            "还没有报送表",
            "请先在“报送”页上传报送表。",
        );
    };
    let data = match loaded_year(&app, year, "check", "校验时出错").await {
        Ok(d) => d,
        Err(page) => return page,
    };
    let pick = |k: &str| q.get(k).filter(|s| !s.is_empty()).cloned();
    let (unit, severity, sheet) = (pick("unit"), pick("severity"), pick("sheet"));
    let by_file = unit_of_file(&data.validation);
    let v = &data.validation;
    let matching: Vec<&Finding> = v
        .findings
        .iter()
        .filter(|f| {
            unit.as_ref()
                .is_none_or(|u| by_file.get(&f.file).is_some_and(|x| x == u))
        })
        .filter(|f| severity.as_ref().is_none_or(|s| f.severity.label() == s))
        .filter(|f| sheet.as_ref().is_none_or(|s| &f.sheet == s))
        .collect();
    let sheets: std::collections::BTreeSet<&str> = v
        .findings
        .iter()
        .map(|f| f.sheet.as_str())
        .filter(|s| !s.is_empty())
        .collect();
    let mut tallies: BTreeMap<&str, (u32, u32, u32, u32)> = BTreeMap::new();
    for t in &v.tallies {
        tallies.insert(&t.file, (t.read, t.accepted, t.merged, t.rejected));
    }
    render(
        &app,
        "check.html",
        "check",
        context! {
            year => year,
            years => years,
            units => units(&data),
            sheets => sheets,
            unit => unit,
            severity => severity,
            sheet => sheet,
            total => matching.len(),
            findings => matching.iter().take(SHOWN).map(|f| finding_view(f)).collect::<Vec<_>>(),
            shown => SHOWN,
            summary => v.summary(),
            errors => v.count(Severity::Error),
            warnings => v.count(Severity::Warning),
            infos => v.count(Severity::Info),
            tallies => tallies,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles_and_the_home_page_renders() {
        let env = environment();
        for name in [
            "base.html",
            "home.html",
            "upload.html",
            "uploaded.html",
            "check.html",
            "generate.html",
            "job.html",
            "job_status.html",
            "docs.html",
            "settings.html",
            "message.html",
        ] {
            assert!(env.get_template(name).is_ok(), "{name}");
        }
        let rows = vec![UnitRow {
            unit: "甲街道".into(),
            files: vec![("2025/甲街道.xlsx".into(), "甲街道.xlsx".into())],
            cells: vec![
                vec![1, 0, 0, 0],
                vec![0; 4],
                vec![0; 4],
                vec![0; 4],
                vec![2],
            ],
            missing: 15,
        }];
        let html = env
            .get_template("home.html")
            .expect("test setup")
            .render(
                context! { t => "x", page => "home", year => 2025, years => [2025],
                kinds => DATED, rows => rows, last_run => None::<String>,
                errors => 1, warnings => 0, files => 1 },
            )
            .expect("test setup");
        assert!(html.contains("<th>甲街道</th>"), "{html}");
        assert!(html.contains(r#"href="/input/2025/%E7%94%B2%E8%A1%97%E9%81%93.xlsx""#));
        assert_eq!(html.matches(">未报<").count(), 15);
        assert!(html.contains("尚未生成"));
    }
}
