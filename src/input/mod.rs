//! Input layer: opening workbooks within limits, header detection, merged cells, cell
//! clean-up, the folder walk, the roster and one reader per sheet kind, duplicate
//! merging and attendance gaps → a `Dataset`.

pub mod activity;
pub mod attendance;
pub mod commendation;
pub mod contact;
pub mod decision;
pub mod dedupe;
pub mod gaps;
pub mod header;
pub mod merges;
pub mod open;
pub mod prescan;
pub mod register;
pub mod report;
pub mod roster;
pub mod row;
pub mod suggestion;
pub mod walk;
pub mod workbook;

pub use crate::domain::model::{meeting_key, Unit, UnitKind};
pub use gaps::attendance_gaps;
pub use roster::read_roster;
pub use walk::{year_folders, YearScope};
pub use workbook::{read_workbook, resolve_unit, Candidates, FileContext};

use crate::config::Config;
use crate::domain::findings::Validation;
use crate::domain::model::{Records, Roster};
use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::path::Path;

/// The roster file's name (without extension) in the input folder.
pub const ROSTER_STEM: &str = "代表名册";
/// The configuration file's name in the input folder.
pub const CONFIG_FILE: &str = "lvzhi.toml";
/// A configuration file is a page of text; anything larger is not one.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Everything a job works from: the configuration, the roster and the accepted records,
/// with the validation outcome.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub config: Config,
    pub roster: Roster,
    pub records: Records,
    pub validation: Validation,
    /// Years whose folders were read.
    pub years: Vec<i32>,
    /// Rows of the decision files (决定), checked; fully decided lists are already among
    /// `records.commendations`.
    pub decisions: Vec<crate::domain::decision::Decision>,
}

/// The configuration and the roster, with the roster's findings.
pub struct Base {
    pub config: Config,
    pub roster: Roster,
    pub validation: Validation,
    /// The roster file, relative to the input folder.
    pub roster_file: String,
}

/// Loads the configuration and the roster.
pub fn load_base(input: &Path) -> Result<Base> {
    if !input.is_dir() {
        bail!("输入文件夹 {} 不存在", input.display());
    }
    let root = std::fs::canonicalize(input)
        .with_context(|| format!("无法读取输入文件夹 {}", input.display()))?;
    let config_path = input.join(CONFIG_FILE);
    // Checked like every input file before it is read: a FIFO or a link out of the
    // input folder named lvzhi.toml must not hang the run or read a system file.
    if let (true, Some(r)) = (
        config_path.symlink_metadata().is_ok(),
        walk::refusal(&root, &config_path),
    ) {
        bail!("配置文件 {CONFIG_FILE} 无法读取：{}。{}", r.message, r.hint);
    }
    if config_path
        .metadata()
        .is_ok_and(|m| m.len() > MAX_CONFIG_BYTES)
    {
        bail!(
            "配置文件 {CONFIG_FILE} 超过 {} KB，不是有效的配置文件",
            MAX_CONFIG_BYTES / 1024
        );
    }
    let config = Config::load(&config_path)?;
    let mut validation = Validation::default();
    let Some(roster_path) = walk::roster_path(input) else {
        bail!(
            "输入文件夹 {} 中没有代表名册（{ROSTER_STEM}.xlsx）",
            input.display()
        );
    };
    let roster_file = walk::relative(input, &roster_path);
    if let Some(r) = walk::refusal(&root, &roster_path) {
        bail!("代表名册 {roster_file} 无法读取：{}。{}", r.message, r.hint);
    }
    let wb = open::read_bounded(&roster_path)
        .and_then(|b| open::open(&b))
        .map_err(|e| {
            anyhow::anyhow!("代表名册 {roster_file} 无法读取：{}。{}", e.message, e.hint)
        })?;
    let roster = read_roster(&wb, &roster_file, &config, &mut validation);
    if roster.delegates.is_empty() {
        bail!("代表名册 {roster_file} 中没有可用的代表记录");
    }
    Ok(Base {
        config,
        roster,
        validation,
        roster_file,
    })
}

/// Loads the configuration, the roster and the records of the given years. Workbooks
/// are read and checked on all cores, one plain map in file order, so the result is
/// the same as a single-threaded run.
pub fn load(input: &Path, scope: &YearScope) -> Result<Dataset> {
    let Base {
        config,
        roster,
        validation: mut v,
        roster_file,
    } = load_base(input)?;
    let walk::Listing {
        years,
        files,
        skipped,
    } = walk::list_workbooks(input, scope)?;
    v.findings.extend(skipped);
    let read = std::sync::atomic::AtomicUsize::new(0);
    let outcomes = crate::par::map(&files, |f| {
        let out = workbook::read_file(f, &roster, &config);
        let done = read.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        crate::progress::emit(crate::progress::Event::FilesRead {
            done,
            total: files.len(),
        });
        out
    });
    let mut cands = Candidates::default();
    for f in outcomes {
        cands.append(f.cands);
        v.findings.extend(f.findings);
        v.tallies.push(f.tally);
    }
    let decisions = std::mem::take(&mut cands.decisions);
    let (mut records, merged, gaps) = dedupe::merge_all(cands, &mut v, &roster, &config);
    let decisions = decision::check(decisions, &records, &mut v);
    finish_tallies(&records, &decisions, &merged, &mut v, &roster_file);
    // After the tally: a commendation made by a decision row is that row, counted once.
    let made = crate::domain::decision::commendations(
        &decisions,
        &records.suggestions,
        &records.commendations,
    );
    records.commendations.extend(made);
    v.findings.extend(gaps);
    v.findings
        .extend(crate::domain::qualification::unrecorded_ends(
            &roster,
            &records,
            config.thresholds.unapproved_absence_limit,
        ));
    v.sort();
    Ok(Dataset {
        config,
        roster,
        records,
        validation: v,
        years,
        decisions,
    })
}

/// accepted = rows kept after merging; merged = rows folded into another.
fn finish_tallies(
    records: &Records,
    decisions: &[crate::domain::decision::Decision],
    merged: &HashMap<String, u32>,
    v: &mut Validation,
    roster_file: &str,
) {
    let mut kept: HashMap<&str, u32> = HashMap::new();
    let sources = records
        .attendance
        .iter()
        .map(|r| &r.source)
        .chain(records.activities.iter().map(|r| &r.source))
        .chain(records.suggestions.iter().map(|r| &r.source))
        .chain(records.reports.iter().map(|r| &r.source))
        .chain(records.commendations.iter().map(|r| &r.source))
        .chain(records.contacts.iter().map(|r| &r.source))
        .chain(decisions.iter().map(|d| &d.source));
    for s in sources {
        *kept.entry(&s.file).or_default() += 1;
    }
    for t in v.tallies.iter_mut() {
        if t.file == roster_file || t.unreadable || t.unit.is_empty() {
            continue;
        }
        t.accepted = kept.get(t.file.as_str()).copied().unwrap_or(0);
        t.merged = merged.get(&t.file).copied().unwrap_or(0);
    }
}
