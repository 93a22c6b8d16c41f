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
use std::collections::{BTreeMap, BTreeSet};
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
    // The swap replaces whole folders of the output: the input must not be one of them.
    if i.starts_with(&o) {
        bail!(
            "输入文件夹 {} 位于输出文件夹 {} 之内：生成文件时会整体替换输出文件夹中的年度文件夹，请把输出文件夹放在输入文件夹之外",
            input.display(),
            output.display()
        );
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
            .map_err(crate::messages::io)
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

/// A thread panicked while staging a file: the run stops with nothing written.
fn poisoned() -> anyhow::Error {
    anyhow::anyhow!("内部错误：写入输出文件时另一线程中断，未写入任何文件")
}

/// A set of output files being prepared.
pub struct Staging {
    target: PathBuf,
    tmp: PathBuf,
    /// Staged paths (a second file of one name is refused): shared so that documents
    /// rendered on several threads are each written as soon as it is done.
    files: std::sync::Mutex<BTreeSet<PathBuf>>,
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
            files: std::sync::Mutex::new(BTreeSet::new()),
            committed: false,
            #[cfg(test)]
            fail_at: None,
            _lock: lock,
        })
    }

    /// Stages one file at a path relative to the target folder. Every component must
    /// be a safe name (`safe_name`): a path built from data that skipped it is refused
    /// here rather than written somewhere unexpected.
    pub fn write(&self, rel: impl AsRef<Path>, bytes: &[u8]) -> Result<()> {
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
        let count = {
            let mut files = self.files.lock().map_err(|_| poisoned())?;
            if !files.insert(rel.to_path_buf()) {
                bail!(
                    "两个输出文件的文件名相同：{}（代表小组、姓名或标题中的特殊字符替换后相同，请在名册中区分）",
                    self.target.join(rel).display()
                );
            }
            files.len()
        };
        let path = self.tmp.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(crate::messages::io)
                .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
        }
        std::fs::write(&path, bytes)
            .map_err(crate::messages::io)
            .with_context(|| format!("无法写入 {}", self.target.join(rel).display()))?;
        crate::progress::emit(crate::progress::Event::Written { count, rel });
        Ok(())
    }

    /// Swaps every job folder in (see the module comment); returns the final paths.
    /// On failure the previous outputs are all back in place.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        // In path order: threads stage in any order, the result must not depend on it.
        let files: Vec<PathBuf> = std::mem::take(self.files.get_mut().map_err(|_| poisoned())?)
            .into_iter()
            .collect();
        // Job folders (first components) with the entries this run owns in each.
        let mut units: BTreeMap<OsString, BTreeSet<OsString>> = BTreeMap::new();
        for rel in &files {
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
                    // Empty unless a rename back failed: then the old outputs stay
                    // there (the next run puts them back) and the message says so.
                    let restored = !aside.exists() || std::fs::remove_dir(&aside).is_ok();
                    return Err(e.context(if restored {
                        format!(
                            "未能更新输出文件夹 {}，原有文件均已保留",
                            self.target.display()
                        )
                    } else {
                        format!(
                            "未能更新输出文件夹 {}，部分原有文件暂存在 {}：下次运行时，缺失的年度文件夹会从中自动放回",
                            self.target.display(),
                            aside.display()
                        )
                    }));
                }
            }
        }
        self.committed = true;
        let _ = std::fs::remove_dir_all(&aside);
        let _ = std::fs::remove_dir_all(&self.tmp);
        crate::progress::emit(crate::progress::Event::Committed { count: files.len() });
        Ok(files.iter().map(|r| self.target.join(r)).collect())
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
            .and_then(|()| std::fs::rename(&new, &dest).map_err(crate::messages::io));
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn separators_dots_and_absolute_paths_become_one_plain_name() {
        assert_eq!(safe_name("甲街道"), "甲街道");
        assert_eq!(safe_name("/tmp/x/abs"), "_tmp_x_abs");
        assert_eq!(safe_name("../../x"), "_.._x");
        assert_eq!(safe_name(".."), "未命名");
        assert_eq!(safe_name("."), "未命名");
        assert_eq!(safe_name(""), "未命名");
        assert_eq!(safe_name(".hidden"), "hidden");
        assert_eq!(safe_name("C:\\Windows\\x"), "C__Windows_x");
        assert_eq!(safe_name("甲/乙"), "甲_乙");
    }

    #[test]
    fn characters_windows_forbids_and_invisible_ones_are_replaced_or_dropped() {
        assert_eq!(safe_name("a<b>c:d\"e|f?g*h"), "a_b_c_d_e_f_g_h");
        assert_eq!(safe_name("a\tb\nc\u{7}"), "a_b_c_");
        assert_eq!(safe_name("张\u{00AD}三\u{2060}\u{202E}"), "张三");
        assert_eq!(safe_name("名称. . "), "名称");
        assert_eq!(safe_name("  名称 "), "名称");
    }

    #[test]
    fn reserved_device_names_get_a_prefix_with_or_without_extension() {
        for n in [
            "CON", "con", "PRN", "AUX", "NUL", "COM1", "com9", "LPT1", "LPT9",
        ] {
            assert_eq!(safe_name(n), format!("_{n}"), "{n}");
        }
        assert_eq!(safe_name("NUL.docx"), "_NUL.docx");
        assert_eq!(safe_name("con .txt"), "_con .txt");
        assert_eq!(safe_file("CON", "docx"), "_CON.docx");
        for n in ["CONSOLE", "COM10", "LPT", "COM", "NULL", "X.CON"] {
            assert_eq!(safe_name(n), n, "{n}");
        }
    }

    #[test]
    fn long_names_are_cut_at_a_char_boundary_with_a_stable_hash() {
        let long: String = "阿".repeat(90);
        let a = safe_name(&long);
        assert!(a.len() <= NAME_MAX_BYTES, "{}", a.len());
        assert!(a.starts_with("阿阿阿"));
        let (_, hash) = a.rsplit_once('~').expect("hash suffix");
        assert_eq!(hash.len(), 8);
        // Stable: the same on every run (a fixed value, not just equal twice).
        assert_eq!(a, safe_name(&long));
        assert_eq!(hash, format!("{:08x}", fnv1a(long.as_bytes()) as u32));
        // Two long names with the same beginning stay apart.
        let other = format!("{}乙", "阿".repeat(89));
        assert_ne!(safe_name(&other), a);
        // ASCII: exactly the limit.
        assert_eq!(safe_name(&"x".repeat(300)).len(), NAME_MAX_BYTES);
        assert_eq!(safe_name(&"x".repeat(100)), "x".repeat(100));
    }

    #[test]
    fn safe_names_are_idempotent() {
        let cases = [
            "甲街道",
            "/tmp/abs",
            "../../x",
            "..",
            "CON",
            "com1.txt",
            "a<b>",
            "x. ",
            "\u{202E}",
            "",
        ];
        let long = "阿".repeat(90);
        for c in cases.iter().copied().chain([long.as_str()]) {
            let once = safe_name(c);
            assert_eq!(safe_name(&once), once, "{c:?}");
            assert!(is_safe_component(&once), "{c:?}");
            assert!(is_safe_component(&safe_file(c, "docx")), "{c:?}");
        }
    }

    /// Every file below `dir` with its bytes, by relative path.
    fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("list").flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(dir).expect("below");
                    out.insert(
                        rel.to_string_lossy().into_owned(),
                        std::fs::read(&p).expect("read"),
                    );
                }
            }
        }
        out
    }

    fn put(dir: &Path, rel: &str, bytes: &[u8]) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }

    #[test]
    fn nothing_appears_until_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("reports");
        let s = Staging::new(&target).expect("staging");
        s.write("2025/a.xlsx", b"abc").expect("write");
        assert!(!target.join("2025/a.xlsx").exists());
        s.commit().expect("commit");
        assert_eq!(
            std::fs::read(target.join("2025/a.xlsx")).expect("read"),
            b"abc"
        );
        let left: Vec<_> = std::fs::read_dir(&target)
            .expect("list")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(
            left,
            vec![OsString::from("2025")],
            "staging and lock removed"
        );
    }

    #[test]
    fn abandoned_staging_leaves_previous_outputs() {
        let dir = tempfile::tempdir().expect("tempdir");
        put(dir.path(), "2025/old.xlsx", b"old");
        {
            let s = Staging::new(dir.path()).expect("staging");
            s.write("2025/old.xlsx", b"new").expect("write");
        }
        assert_eq!(
            snapshot(dir.path()),
            BTreeMap::from([("2025/old.xlsx".to_string(), b"old".to_vec())])
        );
    }

    #[test]
    fn unsafe_or_repeated_paths_are_refused_when_staged() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Staging::new(dir.path()).expect("staging");
        for bad in [
            "../x.docx",
            "/tmp/x.docx",
            "2025/../../x",
            "2025/CON.docx",
            "2025/a:b",
        ] {
            let e = s.write(bad, b"x").expect_err(bad);
            assert!(e.to_string().contains("不能用作文件名"), "{e}");
        }
        let long = "阿".repeat(50);
        assert!(s.write(format!("2025/{long}.docx"), b"x").is_err());
        s.write(format!("2025/{}", safe_file(&long, "docx")), b"x")
            .expect("cleaned long name");
        s.write("2025/a.xlsx", b"1").expect("first");
        let e = s.write("2025/a.xlsx", b"2").expect_err("same name twice");
        assert!(e.to_string().contains("文件名相同"), "{e}");
    }

    #[test]
    fn a_job_replaces_its_own_entries_and_keeps_other_jobs_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path();
        put(out, "2025/Q1/统计.xlsx", b"quarterly");
        put(out, "2025/公开版/index.html", b"public");
        put(out, "2025/履职档案/甲/D009_已删除.docx", b"stale");
        put(out, "2025/履职档案汇总.xlsx", b"old summary");
        put(out, "term-6/装订成册/甲.docx", b"term");
        let s = Staging::new(out).expect("staging");
        s.write("2025/履职档案/甲/D001_张三.docx", b"new")
            .expect("w");
        s.write("2025/履职档案汇总.xlsx", b"new summary")
            .expect("w");
        s.commit().expect("commit");
        assert_eq!(
            snapshot(out),
            BTreeMap::from([
                ("2025/Q1/统计.xlsx".to_string(), b"quarterly".to_vec()),
                ("2025/公开版/index.html".to_string(), b"public".to_vec()),
                (
                    "2025/履职档案/甲/D001_张三.docx".to_string(),
                    b"new".to_vec()
                ),
                (
                    "2025/履职档案汇总.xlsx".to_string(),
                    b"new summary".to_vec()
                ),
                ("term-6/装订成册/甲.docx".to_string(), b"term".to_vec()),
            ])
        );
    }

    /// Old outputs in two job folders and a file at the top.
    fn old_outputs(out: &Path) -> BTreeMap<String, Vec<u8>> {
        put(out, "2025/Q1/统计.xlsx", b"q1");
        put(out, "2025/履职档案/甲/D001_张三.docx", b"old 2025");
        put(out, "term-6/装订成册/甲.docx", b"old term");
        put(out, "校验报告.xlsx", b"old report");
        snapshot(out)
    }

    fn stage_new(out: &Path) -> Staging {
        let s = Staging::new(out).expect("staging");
        s.write("2025/履职档案/甲/D001_张三.docx", b"new 2025")
            .expect("w");
        s.write("term-6/装订成册/甲.docx", b"new term").expect("w");
        s.write("校验报告.xlsx", b"new report").expect("w");
        s
    }

    #[test]
    fn a_failure_at_any_step_leaves_the_complete_old_outputs() {
        // Job folders are swapped in name order: 2025, term-6, 校验报告.xlsx.
        for unit in 0..3 {
            for step in [Step::Carry, Step::Aside, Step::MoveIn] {
                if unit == 2 && step == Step::Carry {
                    continue; // a file at the top has nothing to carry
                }
                let dir = tempfile::tempdir().expect("tempdir");
                let before = old_outputs(dir.path());
                let mut s = stage_new(dir.path());
                s.fail_at = Some((unit, step));
                let e = s.commit().expect_err("injected");
                assert!(format!("{e:#}").contains("原有文件均已保留"), "{e:#}");
                assert_eq!(snapshot(dir.path()), before, "unit {unit} {step:?}");
                let left = std::fs::read_dir(dir.path()).expect("list").count();
                assert_eq!(
                    left, 3,
                    "no staging folder or lock left (unit {unit} {step:?})"
                );
            }
        }
        // Without a failure the new outputs are complete.
        let dir = tempfile::tempdir().expect("tempdir");
        old_outputs(dir.path());
        stage_new(dir.path()).commit().expect("commit");
        let after = snapshot(dir.path());
        assert_eq!(after["2025/履职档案/甲/D001_张三.docx"], b"new 2025");
        assert_eq!(after["2025/Q1/统计.xlsx"], b"q1");
        assert_eq!(after["term-6/装订成册/甲.docx"], b"new term");
        assert_eq!(after["校验报告.xlsx"], b"new report");
    }

    #[test]
    fn a_file_where_a_folder_belongs_fails_and_earlier_folders_are_rolled_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path();
        put(out, "2025/履职档案/甲/D001_张三.docx", b"old 2025");
        // term-6 is a file: the second job folder cannot be swapped.
        put(out, "term-6", b"a file");
        let before = snapshot(out);
        let e = stage_new(out).commit().expect_err("term-6 is a file");
        assert!(format!("{e:#}").contains("是一个文件，不是文件夹"), "{e:#}");
        assert_eq!(snapshot(out), before);
        // And a folder where a file belongs.
        let dir = tempfile::tempdir().expect("tempdir");
        put(dir.path(), "校验报告.xlsx/x", b"x");
        let before = snapshot(dir.path());
        let e = stage_new(dir.path()).commit().expect_err("a folder");
        assert!(format!("{e:#}").contains("是一个文件夹，不是文件"), "{e:#}");
        assert_eq!(snapshot(dir.path()), before);
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_job_folder_fails_cleanly_with_the_old_outputs_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path();
        let before = old_outputs(out);
        let locked = out.join("2025");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).expect("chmod");
        // Root ignores permissions: the rename then succeeds, which is fine too.
        let result = stage_new(out).commit();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        match result {
            Err(_) => assert_eq!(snapshot(out), before),
            Ok(_) => assert_eq!(snapshot(out)["term-6/装订成册/甲.docx"], b"new term"),
        }
    }

    #[test]
    fn a_second_run_into_the_same_output_is_refused_and_a_stale_lock_taken_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = Staging::new(dir.path()).expect("first");
        let e = Staging::new(dir.path()).err().expect("second refused");
        assert!(
            e.to_string().contains("另一个 lvzhi 正在向输出文件夹"),
            "{e}"
        );
        assert!(
            e.to_string().contains(&std::process::id().to_string()),
            "{e}"
        );
        drop(first);
        assert!(!dir.path().join(LOCK_FILE).exists(), "lock removed");
        // A lock file left by a killed run (no process holds it) is taken over.
        std::fs::write(dir.path().join(LOCK_FILE), "999999").expect("stale");
        let s = Staging::new(dir.path()).expect("stale lock taken over");
        drop(s);
    }

    #[test]
    fn a_killed_swap_is_repaired_by_the_next_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path();
        // Killed after moving 2025 aside and before moving the new one in.
        put(out, ".lvzhi-old-4242/2025/a.xlsx", b"old");
        put(out, ".lvzhi-tmp-4242/2025/a.xlsx", b"half new");
        // Killed after the swap: the old copy is garbage.
        put(out, ".lvzhi-old-4243/term-6/b.xlsx", b"older");
        put(out, "term-6/b.xlsx", b"new");
        drop(Staging::new(out).expect("staging"));
        assert_eq!(
            snapshot(out),
            BTreeMap::from([
                ("2025/a.xlsx".to_string(), b"old".to_vec()),
                ("term-6/b.xlsx".to_string(), b"new".to_vec()),
            ])
        );
    }

    #[test]
    fn output_inside_input_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("input");
        std::fs::create_dir_all(&input).expect("mkdir");
        assert!(check_not_inside(&input.join("reports"), &input).is_err());
        assert!(check_not_inside(&input, &input).is_err());
        assert!(check_not_inside(&dir.path().join("reports"), &input).is_ok());
        // Parts that do not exist yet, then `..`.
        let sneaky = dir.path().join("missing").join("..").join("input");
        let e = check_not_inside(&sneaky, &input).expect_err("missing/../input");
        assert!(e.to_string().contains("位于输入文件夹"), "{e}");
        let sneaky = dir.path().join("a/b/../../input/x");
        assert!(check_not_inside(&sneaky, &input).is_err());
        assert!(check_not_inside(&dir.path().join("a/../reports"), &input).is_ok());
        // Nor may the input be inside the output, whose folders are swapped whole.
        let e = check_not_inside(dir.path(), &input).expect_err("input inside output");
        assert!(e.to_string().contains("位于输出文件夹"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn links_into_the_input_below_or_above_the_output_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("input");
        std::fs::create_dir_all(input.join("2025")).expect("mkdir");
        let reports = dir.path().join("reports");
        std::fs::create_dir_all(&reports).expect("mkdir");
        // reports/2025 is a link into the input.
        std::os::unix::fs::symlink(input.join("2025"), reports.join("2025")).expect("link");
        let e = check_not_inside(&reports, &input).expect_err("link below the root");
        assert!(e.to_string().contains("2025"), "{e}");
        // A link elsewhere is fine.
        std::fs::remove_file(reports.join("2025")).expect("unlink");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).expect("mkdir");
        std::os::unix::fs::symlink(&elsewhere, reports.join("2025")).expect("link");
        assert!(check_not_inside(&reports, &input).is_ok());
        // The output root itself is a link into the input, reached through `..`.
        let link = dir.path().join("out-link");
        std::os::unix::fs::symlink(input.join("2025"), &link).expect("link");
        assert!(check_not_inside(&link, &input).is_err());
        assert!(
            check_not_inside(&link.join("../x"), &input).is_err(),
            "link/.. is input"
        );
    }
}
