//! Writing outputs: names made safe, never into the input, whole-or-nothing, one run at
//! a time.
//!
//! Every file of a run is staged in a temporary folder inside the output folder. At the
//! end each job folder (the first level below the output: `2025/`, `term-6/`) is
//! swapped in by one rename, the old one renamed aside first and removed last; a failure
//! at any step puts the old folders back. A job replaces only the entries of the job
//! folder it wrote (files and whole subfolders); everything else in that folder, such
//! as another job's `Q1/` or `公开版/`, is carried into the new folder by hard links (a
//! copy where links are not possible).

use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// The longest file-name component built from data, in bytes of UTF-8, before its
/// extension: well under every file system's 255 and Windows' 260-character paths.
pub const NAME_MAX_BYTES: usize = 100;

/// The lock file in an output folder while a run writes into it.
pub const LOCK_FILE: &str = ".lvzhi.lock";

const TMP_PREFIX: &str = ".lvzhi-tmp-";
const OLD_PREFIX: &str = ".lvzhi-old-";

/// A name from data (group, id, name, unit, title) made safe as one file or folder name
/// on Windows and Unix: separators and the characters Windows forbids become `_`,
/// invisible characters go, leading dots and trailing dots and spaces are dropped (no
/// `..`, no hidden files), reserved device names (CON, NUL, COM1 …) get a `_` in front
/// and a name over `NAME_MAX_BYTES` is cut at a character boundary with a stable hash of
/// the whole name appended, so that two long names that share a beginning stay apart.
/// Idempotent: a safe name is returned unchanged.
pub fn safe_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = out
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    out = trimmed.to_string();
    if out.is_empty() {
        out = "未命名".to_string();
    }
    if is_reserved(&out) {
        out.insert(0, '_');
    }
    if out.len() > NAME_MAX_BYTES {
        let suffix = format!("~{:08x}", fnv1a(s.as_bytes()) as u32);
        let mut cut = NAME_MAX_BYTES - suffix.len();
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str(&suffix);
    }
    out
}

/// `safe_name(stem)` with a fixed extension: `safe_file("张三", "docx")`.
pub fn safe_file(stem: &str, ext: &str) -> String {
    format!("{}.{ext}", safe_name(stem))
}

/// Characters that show nothing: zero-width, bidi controls, soft hyphen, BOM.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Windows device names, with or without an extension and in any case ("con.docx").
fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end();
    let upper = stem.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let mut chars = upper.chars();
    let head: String = chars.by_ref().take(3).collect();
    let rest: String = chars.collect();
    (head == "COM" || head == "LPT")
        && matches!(
            rest.as_str(),
            "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
        )
}

/// A stable 64-bit hash (FNV-1a): the same on every machine and run.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Whether one component of a staged path is a safe name: what `safe_name` keeps, or
/// such a name with a short extension.
fn is_safe_component(c: &str) -> bool {
    if c.len() > NAME_MAX_BYTES + 12 {
        return false;
    }
    if safe_name(c) == c {
        return true;
    }
    c.rsplit_once('.').is_some_and(|(stem, ext)| {
        safe_name(stem) == stem
            && (1..=10).contains(&ext.len())
            && ext.chars().all(|x| x.is_ascii_alphanumeric())
    })
}

/// Refuses an output folder that resolves into (or onto) the input folder, before
/// anything is written: the full path is resolved, including parts that do not exist
/// yet (`missing/../input`) and symbolic links, and every link already below the output
/// folder (an `output/2025` linked into the input) is checked as well.
pub fn check_not_inside(output: &Path, input: &Path) -> Result<()> {
    let (o, i) = (resolve(output), resolve(input));
    let refuse = |what: &Path| -> Result<()> {
        bail!(
            "输出文件夹 {} 位于输入文件夹 {} 之内（{} 实际指向输入文件夹）：为保护报送原件，不向输入文件夹写入任何文件，请另选输出文件夹",
            output.display(),
            input.display(),
            what.display()
        )
    };
    if o.starts_with(&i) {
        return refuse(output);
    }
    // Links below the output folder: writes and the swap would follow them.
    let mut stack = vec![o];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_symlink() {
                if resolve(&e.path()).starts_with(&i) {
                    return refuse(&e.path());
                }
            } else if kind.is_dir() {
                stack.push(e.path());
            }
        }
    }
    Ok(())
}

/// The absolute path `p` names, with every existing part's links resolved and `..`
/// applied to the resolved prefix, so `missing/../input` is `input` and `link/..` is the
/// link target's parent, as the file system will see it.
pub fn resolve(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut cur = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => cur.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                cur.pop();
            }
            Component::Normal(n) => {
                cur.push(n);
                if std::fs::symlink_metadata(&cur).is_ok() {
                    if let Ok(real) = cur.canonicalize() {
                        cur = real;
                    }
                }
            }
        }
    }
    cur
}

/// The lock of an output folder, held while a run writes into it. The operating system
/// releases it when the process ends, so the lock of a killed run is taken over.
struct Lock {
    path: PathBuf,
    file: Option<std::fs::File>,
}

impl Lock {
    fn take(target: &Path) -> Result<Lock> {
        let path = target.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| crate::messages::io(e))
            .with_context(|| format!("无法创建锁文件 {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                let holder = holder.trim();
                bail!(
                    "另一个 lvzhi 正在向输出文件夹 {} 写入{}：两次运行不能同时写同一个输出文件夹，请等它结束后再运行，或用 --output 另选输出文件夹",
                    target.display(),
                    if holder.is_empty() {
                        String::new()
                    } else {
                        format!("（进程号 {holder}）")
                    }
                );
            }
            // A file system without locks (some network drives): run unguarded.
            Err(std::fs::TryLockError::Error(_)) => {}
        }
        use std::io::Write;
        let mut f = &file;
        let _ = file.set_len(0);
        let _ = write!(f, "{}", std::process::id());
        Ok(Lock {
            path,
            file: Some(file),
        })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so no other run takes a lock on a deleted file.
        let _ = std::fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

/// A set of output files being prepared.
pub struct Staging {
    target: PathBuf,
    tmp: PathBuf,
    files: Vec<PathBuf>,
    seen: HashSet<PathBuf>,
    committed: bool,
    #[cfg(test)]
    fail_at: Option<(usize, Step)>,
    // Dropped last: the lock outlives the clean-up of the staging folder.
    _lock: Lock,
}

/// The steps of swapping one job folder, where tests inject failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Carry,
    Aside,
    MoveIn,
}

impl Staging {
    /// Prepares to write into `target` (created if missing); refuses when another run
    /// holds the target's lock.
    pub fn new(target: &Path) -> Result<Staging> {
        std::fs::create_dir_all(target)
            .map_err(crate::messages::io)
            .with_context(|| format!("无法创建输出文件夹 {}", target.display()))?;
        let lock = Lock::take(target)?;
        recover(target);
        let tmp = target.join(format!("{TMP_PREFIX}{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)
                .map_err(crate::messages::io)
                .with_context(|| format!("无法清理临时文件夹 {}", tmp.display()))?;
        }
        std::fs::create_dir_all(&tmp)
            .map_err(crate::messages::io)
            .with_context(|| format!("无法创建临时文件夹 {}", tmp.display()))?;
        Ok(Staging {
            target: target.to_path_buf(),
            tmp,
            files: Vec::new(),
            seen: HashSet::new(),
            committed: false,
            #[cfg(test)]
            fail_at: None,
            _lock: lock,
        })
    }

    /// Stages one file at a path relative to the target folder. Every component must
    /// be a safe name (`safe_name`): a path built from data that skipped it is refused
    /// here rather than written somewhere unexpected.
    pub fn write(&mut self, rel: impl AsRef<Path>, bytes: &[u8]) -> Result<()> {
        let rel = rel.as_ref();
        let safe = rel.components().all(|c| match c {
            Component::Normal(n) => n.to_str().is_some_and(is_safe_component),
            _ => false,
        });
        if !safe || rel.as_os_str().is_empty() {
            bail!(
                "内部错误：输出路径「{}」含有不能用作文件名的部分，未写入",
                rel.display()
            );
        }
        if !self.seen.insert(rel.to_path_buf()) {
            bail!(
                "两个输出文件的文件名相同：{}（代表小组、姓名或标题中的特殊字符替换后相同，请在名册中区分）",
                self.target.join(rel).display()
            );
        }
        let path = self.tmp.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(crate::messages::io)
                .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
        }
        std::fs::write(&path, bytes)
            .map_err(crate::messages::io)
            .with_context(|| format!("无法写入 {}", self.target.join(rel).display()))?;
        self.files.push(rel.to_path_buf());
        Ok(())
    }

    /// Swaps every job folder in (see the module comment); returns the final paths.
    /// On failure the previous outputs are all back in place.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        // Job folders (first components) with the entries this run owns in each.
        let mut units: BTreeMap<OsString, BTreeSet<OsString>> = BTreeMap::new();
        for rel in &self.files {
            let mut parts = rel.components().map(|c| c.as_os_str().to_os_string());
            if let Some(first) = parts.next() {
                let owned = units.entry(first).or_default();
                if let Some(second) = parts.next() {
                    owned.insert(second);
                }
            }
        }
        let aside = self
            .target
            .join(format!("{OLD_PREFIX}{}", std::process::id()));
        let mut done: Vec<(OsString, bool)> = Vec::new();
        for (k, (unit, owned)) in units.iter().enumerate() {
            match self.swap(k, unit, owned, &aside) {
                Ok(had_old) => done.push((unit.clone(), had_old)),
                Err(e) => {
                    self.roll_back(&done, &aside);
                    let _ = std::fs::remove_dir_all(&aside);
                    return Err(e.context(format!(
                        "未能更新输出文件夹 {}，原有文件均已保留",
                        self.target.display()
                    )));
                }
            }
        }
        self.committed = true;
        let _ = std::fs::remove_dir_all(&aside);
        let _ = std::fs::remove_dir_all(&self.tmp);
        Ok(self.files.iter().map(|r| self.target.join(r)).collect())
    }

    /// Swaps one job folder (or one file at the top) in; returns whether an old one
    /// was moved aside. On error nothing of the target has changed.
    fn swap(
        &self,
        k: usize,
        unit: &OsString,
        owned: &BTreeSet<OsString>,
        aside: &Path,
    ) -> Result<bool> {
        let (new, dest, old) = (
            self.tmp.join(unit),
            self.target.join(unit),
            aside.join(unit),
        );
        let blocked = |what: &str| {
            format!(
                "无法{what} {}（其中的文件是否正在 WPS 或 Excel 中打开？请关闭后重试）",
                dest.display()
            )
        };
        let existing = std::fs::symlink_metadata(&dest).ok();
        if new.is_dir() {
            if let Some(m) = &existing {
                if !m.is_dir() && !m.file_type().is_symlink() {
                    bail!(
                        "输出位置 {} 是一个文件，不是文件夹：请移走或改名后重试",
                        dest.display()
                    );
                }
                self.fail(k, Step::Carry)?;
                carry(&dest, &new, owned)
                    .with_context(|| format!("无法保留 {} 中其他工作生成的文件", dest.display()))?;
            }
        } else if existing.as_ref().is_some_and(|m| m.is_dir()) {
            bail!(
                "输出位置 {} 是一个文件夹，不是文件：请移走或改名后重试",
                dest.display()
            );
        }
        let had_old = existing.is_some();
        if had_old {
            self.fail(k, Step::Aside)?;
            std::fs::create_dir_all(aside)
                .map_err(crate::messages::io)
                .with_context(|| format!("无法创建临时文件夹 {}", aside.display()))?;
            std::fs::rename(&dest, &old)
                .map_err(crate::messages::io)
                .with_context(|| blocked("替换"))?;
        }
        let moved = self
            .fail(k, Step::MoveIn)
            .and_then(|()| std::fs::rename(&new, &dest).map_err(|e| crate::messages::io(e).into()));
        if let Err(e) = moved {
            if had_old {
                let _ = std::fs::rename(&old, &dest);
            }
            return Err(e.context(blocked("写入")));
        }
        Ok(had_old)
    }

    /// Undoes swapped job folders, last first: the new one back into staging (dropped
    /// with it), the old one back in place.
    fn roll_back(&self, done: &[(OsString, bool)], aside: &Path) {
        for (unit, had_old) in done.iter().rev() {
            let dest = self.target.join(unit);
            let _ = std::fs::rename(&dest, self.tmp.join(unit));
            if *had_old {
                let _ = std::fs::rename(aside.join(unit), &dest);
            }
        }
    }

    #[cfg(test)]
    fn fail(&self, k: usize, step: Step) -> Result<()> {
        if self.fail_at == Some((k, step)) {
            bail!("测试注入的失败：第 {k} 个文件夹，{step:?}");
        }
        Ok(())
    }

    #[cfg(not(test))]
    fn fail(&self, _k: usize, _step: Step) -> Result<()> {
        Ok(())
    }
}

/// Links (or copies) every entry of `old` that this run does not own into `new`.
fn carry(old: &Path, new: &Path, owned: &BTreeSet<OsString>) -> Result<()> {
    for e in std::fs::read_dir(old).map_err(crate::messages::io)? {
        let e = e.map_err(crate::messages::io)?;
        let name = e.file_name();
        if owned.contains(&name) || name.to_string_lossy().starts_with(".lvzhi-") {
            continue;
        }
        link_tree(&e.path(), &new.join(&name))?;
    }
    Ok(())
}

fn link_tree(from: &Path, to: &Path) -> Result<()> {
    let kind = std::fs::symlink_metadata(from)
        .map_err(crate::messages::io)
        .with_context(|| format!("无法读取 {}", from.display()))?
        .file_type();
    if kind.is_dir() {
        std::fs::create_dir(to)
            .map_err(crate::messages::io)
            .with_context(|| format!("无法创建文件夹 {}", to.display()))?;
        for e in std::fs::read_dir(from).map_err(crate::messages::io)? {
            let e = e.map_err(crate::messages::io)?;
            link_tree(&e.path(), &to.join(e.file_name()))?;
        }
        return Ok(());
    }
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to)
            .map_err(crate::messages::io)
            .with_context(|| format!("无法复制 {}", from.display()))?;
    }
    Ok(())
}

/// Cleans up after runs that were killed; only called with the lock held, so every
/// staging folder present is a dead run's. A job folder that was moved aside and not
/// replaced is put back; everything else of theirs is removed.
fn recover(target: &Path) {
    let Ok(entries) = std::fs::read_dir(target) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with(OLD_PREFIX) {
            if let Ok(units) = std::fs::read_dir(e.path()) {
                for u in units.flatten() {
                    let dest = target.join(u.file_name());
                    if std::fs::symlink_metadata(&dest).is_err() {
                        let _ = std::fs::rename(u.path(), dest);
                    }
                }
            }
            let _ = std::fs::remove_dir_all(e.path());
        } else if name.starts_with(TMP_PREFIX) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}
