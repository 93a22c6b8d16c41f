//! Renderers: view models in, file bytes out. They know nothing about the rules.

pub mod docx;
pub mod parquet;
mod sheet_xml;
pub mod template;
pub mod xlsx;

/// A number's decimal digits, without the formatting machinery (called per cell).
fn itoa(mut n: usize, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// The parts of a zipped package (docx, xlsx), unpacked, in package order (tests).
#[cfg(test)]
fn zip_parts(package: &[u8]) -> Vec<(String, Vec<u8>)> {
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

#[cfg(test)]
mod tests {
    #[test]
    fn digits_without_formatting() {
        assert_eq!(super::itoa(0, &mut [0; 20]), "0");
        assert_eq!(super::itoa(8845, &mut [0; 20]), "8845");
        assert_eq!(
            super::itoa(usize::MAX, &mut [0; 20]),
            usize::MAX.to_string()
        );
    }
}
