//! The last step of every zipped document (DOCX, XLSX): its parts repacked with fixed
//! times, modes and host system, so the same input gives the same bytes on Linux,
//! Windows and ARM. The zip crate otherwise records the host it runs on (Unix or DOS)
//! in every entry, and a Windows build's files would differ from a Linux build's.

use anyhow::{Context, Result};
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;

/// The zip level of every part: the fastest level, a ninth of the stored size for a
/// DOCX (higher levels save a few percent more and take several times as long).
pub const ZIP_LEVEL: i64 = 1;

/// A zipped package rewritten with every part deflated at [`ZIP_LEVEL`]: the same
/// entries in the same order with the same contents; fixed times, modes and host.
pub fn repack(packed: &[u8]) -> Result<Vec<u8>> {
    let mut src = zip::ZipArchive::new(Cursor::new(packed))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(packed.len() / 4)));
    let dir = SimpleFileOptions::default()
        .last_modified_time(zip::DateTime::default())
        .system(zip::System::Unix);
    let part = dir
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(ZIP_LEVEL))
        .unix_permissions(0o755);
    // One buffer for every part: a DOCX has some twenty parts, nearly all far smaller
    // than a block, and a zeroed block apiece was a twentieth of a yearly job's time.
    let mut block = Vec::new();
    for i in 0..src.len() {
        let mut entry = src.by_index(i)?;
        let name = entry.name()?.into_owned();
        if entry.is_dir() {
            out.add_directory(name, dir)?;
        } else {
            out.start_file(name.as_str(), part)?;
            copy_in_blocks(&mut entry, &mut out, &mut block)
                .with_context(|| format!("压缩 {name}"))?;
        }
    }
    Ok(out.finish()?.into_inner())
}

/// Parts pass to the compressor in blocks of this size: a worksheet of a million rows
/// is several hundred megabytes of XML, never held whole.
const BLOCK: usize = 1 << 20;

/// Copies a part in full blocks of [`BLOCK`] bytes (the last one shorter), however the
/// source's reads happen to be split: the deflate stream then depends only on the
/// part's content. `block` is scratch space, grown only as far as a part needs.
fn copy_in_blocks(
    from: &mut impl Read,
    to: &mut impl Write,
    block: &mut Vec<u8>,
) -> std::io::Result<()> {
    loop {
        block.clear();
        let filled = (&mut *from).take(BLOCK as u64).read_to_end(block)?;
        to.write_all(block)?;
        if filled < BLOCK {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A package as a Windows build of a zip writer leaves it: every entry says DOS.
    fn packed_on_dos() -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = SimpleFileOptions::default()
            .system(zip::System::Dos)
            .compression_method(zip::CompressionMethod::Stored);
        z.add_directory("word/", o).expect("dir");
        z.start_file("word/document.xml", o).expect("start");
        z.write_all("<w:document>代表</w:document>".repeat(50).as_bytes())
            .expect("write");
        z.start_file("[Content_Types].xml", o).expect("start");
        z.write_all(b"<Types/>").expect("write");
        z.finish().expect("finish").into_inner()
    }

    fn host_of_each(package: &[u8]) -> Vec<zip::System> {
        let mut z = zip::ZipArchive::new(Cursor::new(package)).expect("zip");
        (0..z.len())
            .map(|i| z.by_index(i).expect("entry").system())
            .collect()
    }

    /// A package packed on Windows and the same one packed on Linux repack to the same
    /// bytes: every entry says Unix, whatever host wrote it (or repacks it).
    #[test]
    fn a_dos_package_repacks_to_the_bytes_of_a_unix_one() {
        let dos = packed_on_dos();
        assert!(host_of_each(&dos).iter().all(|s| *s == zip::System::Dos));
        let ours = repack(&dos).expect("repack");
        assert_eq!(host_of_each(&ours), vec![zip::System::Unix; 3]);
        assert_eq!(
            super::super::zip_parts(&ours),
            super::super::zip_parts(&dos)
        );
        let unix = {
            let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
            for (name, bytes) in super::super::zip_parts(&dos) {
                if name.ends_with('/') {
                    z.add_directory(name, SimpleFileOptions::default())
                        .expect("dir");
                } else {
                    z.start_file(name, SimpleFileOptions::default())
                        .expect("start");
                    z.write_all(&bytes).expect("write");
                }
            }
            z.finish().expect("finish").into_inner()
        };
        assert_eq!(repack(&unix).expect("repack"), ours);
    }

    /// A part larger than a block: the same bytes whether the source stored it or
    /// deflated it (the two read back in differently split pieces), and its content
    /// kept.
    #[test]
    fn a_part_larger_than_a_block_repacks_the_same_from_any_source() {
        let row = "<row r=\"1\"><c>代表</c></row>".as_bytes();
        let big: Vec<u8> = (0..BLOCK * 2 + 12_345)
            .map(|i| row[i % row.len()])
            .collect();
        let packed = |method| {
            let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
            let o = SimpleFileOptions::default().compression_method(method);
            z.start_file("xl/worksheets/sheet1.xml", o).expect("start");
            z.write_all(&big).expect("write");
            z.finish().expect("finish").into_inner()
        };
        let stored = repack(&packed(zip::CompressionMethod::Stored)).expect("repack");
        let deflated = repack(&packed(zip::CompressionMethod::Deflated)).expect("repack");
        assert_eq!(stored, deflated);
        assert_eq!(repack(&stored).expect("repack"), stored);
        assert_eq!(
            super::super::zip_parts(&stored),
            vec![("xl/worksheets/sheet1.xml".to_string(), big)]
        );
    }
}
