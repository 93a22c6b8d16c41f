//! Renderers: view models in, file bytes out. They know nothing about the rules.

pub mod docx;
pub mod layout;
pub mod package;
pub mod parquet;
pub mod segment;
pub mod template;
pub mod xlsx;

/// The parts of a zipped package (docx, xlsx), unpacked, in package order (tests).
#[cfg(test)]
pub(crate) fn zip_parts(package: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(package)).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("part");
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut bytes).expect("read");
            (f.name().expect("part name").to_string(), bytes)
        })
        .collect()
}
