//! Writing outputs atomically: every file of a run is written into a staging folder and
//! moved into place only when all are complete, so an interrupted run never leaves a
//! half-written report. Outputs never go into the input folder.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// A set of output files being prepared.
pub struct Staging {
    target: PathBuf,
    tmp: PathBuf,
    files: Vec<PathBuf>,
    committed: bool,
}

/// Refuses an output folder inside (or equal to) the input folder.
pub fn check_not_inside(output: &Path, input: &Path) -> Result<()> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|c| c.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        };
        // Canonicalise the longest existing ancestor; the rest may not exist yet.
        let mut existing = p.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (
                existing.file_name().map(|n| n.to_os_string()),
                existing.parent(),
            ) {
                (Some(n), Some(parent)) => {
                    rest.push(n);
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut out = existing.canonicalize().unwrap_or(existing);
        for n in rest.into_iter().rev() {
            out.push(n);
        }
        out
    };
    let (o, i) = (abs(output), abs(input));
    if o.starts_with(&i) {
        bail!(
            "输出文件夹 {} 位于输入文件夹 {} 之内：为保护报送原件，不向输入文件夹写入任何文件，请另选输出文件夹",
            output.display(),
            input.display()
        );
    }
    Ok(())
}

impl Staging {
    /// Prepares to write into `target` (created if missing).
    pub fn new(target: &Path) -> Result<Staging> {
        std::fs::create_dir_all(target)
            .with_context(|| format!("无法创建输出文件夹 {}", target.display()))?;
        remove_stale(target);
        let tmp = target.join(format!(".lvzhi-tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)
                .with_context(|| format!("无法清理临时文件夹 {}", tmp.display()))?;
        }
        std::fs::create_dir_all(&tmp)
            .with_context(|| format!("无法创建临时文件夹 {}", tmp.display()))?;
        Ok(Staging {
            target: target.to_path_buf(),
            tmp,
            files: Vec::new(),
            committed: false,
        })
    }

    /// Stages one file at a path relative to the target folder.
    pub fn write(&mut self, rel: impl AsRef<Path>, bytes: &[u8]) -> Result<()> {
        let rel = rel.as_ref();
        let path = self.tmp.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
        }
        std::fs::write(&path, bytes)
            .with_context(|| format!("无法写入 {}", self.target.join(rel).display()))?;
        self.files.push(rel.to_path_buf());
        Ok(())
    }

    /// Moves every staged file into place; returns their final paths.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for rel in &self.files {
            let dest = self.target.join(rel);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
            }
            std::fs::rename(self.tmp.join(rel), &dest).with_context(|| {
                format!(
                    "无法写入 {}（文件是否正在 WPS 或 Excel 中打开？请关闭后重试）",
                    dest.display()
                )
            })?;
            out.push(dest);
        }
        self.committed = true;
        let _ = std::fs::remove_dir_all(&self.tmp);
        Ok(out)
    }
}

/// Removes staging folders left by runs that were killed: their process is gone.
fn remove_stale(target: &Path) {
    let Ok(entries) = std::fs::read_dir(target) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(pid) = name
            .strip_prefix(".lvzhi-tmp-")
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        // Only where liveness can be checked (Linux); elsewhere a stale folder stays.
        if cfg!(target_os = "linux")
            && pid != std::process::id()
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
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

    #[test]
    fn nothing_appears_until_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("reports");
        let mut s = Staging::new(&target).expect("staging");
        s.write("2025/a.xlsx", b"abc").expect("write");
        assert!(!target.join("2025/a.xlsx").exists());
        s.commit().expect("commit");
        assert_eq!(
            std::fs::read(target.join("2025/a.xlsx")).expect("read"),
            b"abc"
        );
        assert_eq!(
            std::fs::read_dir(&target).expect("list").count(),
            1,
            "staging folder removed"
        );
    }

    #[test]
    fn abandoned_staging_leaves_previous_outputs() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("old.xlsx"), b"old").expect("seed");
        {
            let mut s = Staging::new(dir.path()).expect("staging");
            s.write("old.xlsx", b"new").expect("write");
        }
        assert_eq!(
            std::fs::read(dir.path().join("old.xlsx")).expect("read"),
            b"old"
        );
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn output_inside_input_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("input");
        std::fs::create_dir_all(&input).expect("mkdir");
        assert!(check_not_inside(&input.join("reports"), &input).is_err());
        assert!(check_not_inside(&input, &input).is_err());
        assert!(check_not_inside(&dir.path().join("reports"), &input).is_ok());
    }
}
