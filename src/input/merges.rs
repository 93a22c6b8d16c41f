//! Merged regions of an xlsx read from each worksheet's `<mergeCells>` alone. calamine's
//! lookup parses the whole worksheet a second time, which costs as much as reading its
//! cells; the list comes after the cells, so a byte search finds where it starts.

use calamine::Dimensions;
use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;
use std::collections::HashMap;
use std::io::{Cursor, Read};

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// The merged regions of each named sheet, in the order of `names`. None when the
/// package does not resolve the way Excel and WPS lay it out (the caller then asks
/// calamine, which knows more layouts) or a part is malformed.
pub fn xlsx(bytes: &[u8], names: &[String]) -> Option<Vec<Vec<Dimensions>>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let workbook = office_document(&mut zip)?;
    let (dir, file) = match workbook.rfind('/') {
        Some(i) => (&workbook[..=i], &workbook[i + 1..]),
        None => ("", workbook.as_str()),
    };
    let mut sheet_ids: HashMap<String, String> = HashMap::new();
    for_each_element(&part(&mut zip, &workbook)?, |e| {
        if e.local_name().into_inner() == "sheet" {
            if let (Some(name), Some(id)) = (attr(e, "name"), attr(e, "id")) {
                sheet_ids.insert(name, id);
            }
        }
    })?;
    let mut targets: HashMap<String, String> = HashMap::new();
    for_each_element(&part(&mut zip, &format!("{dir}_rels/{file}.rels"))?, |e| {
        if e.local_name().into_inner() == "Relationship" {
            if let (Some(id), Some(target)) = (attr(e, "Id"), attr(e, "Target")) {
                let path = match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_string(),
                    None => format!("{dir}{target}"),
                };
                targets.insert(id, path);
            }
        }
    })?;
    names
        .iter()
        .map(|name| {
            let path = targets.get(sheet_ids.get(name)?)?;
            merged_regions(&part(&mut zip, path)?)
        })
        .collect()
}

/// The workbook part named by the package relationships.
fn office_document(zip: &mut Zip) -> Option<String> {
    let mut found = None;
    for_each_element(&part(zip, "_rels/.rels")?, |e| {
        if e.local_name().into_inner() == "Relationship"
            && attr(e, "Type").is_some_and(|t| t.ends_with("/relationships/officeDocument"))
        {
            if let Some(t) = attr(e, "Target") {
                found.get_or_insert(t.trim_start_matches('/').to_string());
            }
        }
    })?;
    found
}

fn part(zip: &mut Zip, path: &str) -> Option<Vec<u8>> {
    let mut f = zip.by_name(path).ok()?;
    // The unpacked sizes were checked against the limit before the workbook was read.
    let mut out = Vec::with_capacity(usize::try_from(f.size()).ok()?);
    f.read_to_end(&mut out).ok()?;
    Some(out)
}

/// Calls `f` with every start or empty element; None if the XML is malformed.
fn for_each_element(xml: &[u8], mut f: impl FnMut(&BytesStart)) -> Option<()> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => f(&e),
            Event::Eof => return Some(()),
            _ => {}
        }
    }
}

/// An attribute by its local name (`r:id` is `id`), unescaped.
fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().into_inner() == local)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

/// The regions listed in a worksheet's `<mergeCells>` (with or without a namespace
/// prefix). Cell text cannot hold a raw `<`, so the element is found by its bytes.
fn merged_regions(sheet: &[u8]) -> Option<Vec<Dimensions>> {
    let Some(start) = memchr::memmem::find_iter(sheet, b"mergeCells")
        .filter_map(|i| element_start(sheet, i))
        .next()
    else {
        return Some(Vec::new());
    };
    let mut reader = quick_xml::Reader::from_reader(&sheet[start..]);
    reader.config_mut().check_end_names = false;
    let mut out = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().into_inner() == "mergeCell" => {
                if let Some(r) = attr(&e, "ref") {
                    out.push(dimension(&r)?);
                }
            }
            Event::End(e) if e.local_name().into_inner() == "mergeCells" => return Some(out),
            Event::Eof => return Some(out),
            _ => {}
        }
    }
}

/// Where the tag holding the name found at `i` opens: `<mergeCells` or `<x:mergeCells`.
fn element_start(xml: &[u8], i: usize) -> Option<usize> {
    let before = &xml[..i];
    match before.last()? {
        b'<' => Some(i - 1),
        b':' => {
            let lt = memchr::memrchr(b'<', before)?;
            let prefix = &before[lt + 1..i - 1];
            (!prefix.is_empty() && prefix.iter().all(|b| b.is_ascii_alphanumeric())).then_some(lt)
        }
        _ => None,
    }
}

/// `B2:D5` (or a single cell `B2`) as zero-based (row, column) corners.
fn dimension(s: &str) -> Option<Dimensions> {
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    let (start, end) = (cell_ref(a)?, cell_ref(b)?);
    (start.0 <= end.0 && start.1 <= end.1).then_some(Dimensions { start, end })
}

/// A cell reference (`B2`, `$AB$12`) as zero-based (row, column).
pub fn cell_ref(s: &str) -> Option<(u32, u32)> {
    let s = s.trim().trim_start_matches('$');
    let letters = s.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    let (col, row) = s.split_at(letters);
    let row = row.trim_start_matches('$');
    if letters == 0 || letters > 3 || row.is_empty() || !row.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let col = col.bytes().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row: u32 = row.parse().ok()?;
    (row >= 1 && col <= 16_384 && row <= 1_048_576).then(|| (row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_become_zero_based_corners() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("$AB$12"), Some((11, 27)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref("A0"), None);
        assert_eq!(cell_ref("12"), None);
        assert_eq!(dimension("B2:D5"), Some(Dimensions::new((1, 1), (4, 3))));
        assert_eq!(dimension("C3"), Some(Dimensions::new((2, 2), (2, 2))));
        assert_eq!(dimension("D5:B2"), None);
    }

    #[test]
    fn the_merge_list_is_found_after_cells_that_mention_it() {
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mergeCells &lt;mergeCells</t></is></c></row></sheetData><x:mergeCells count="2"><x:mergeCell ref="A1:C1"/><x:mergeCell ref="B3:B5"></x:mergeCell></x:mergeCells><pageMargins/></worksheet>"#;
        assert_eq!(
            merged_regions(xml),
            Some(vec![
                Dimensions::new((0, 0), (0, 2)),
                Dimensions::new((2, 1), (4, 1))
            ])
        );
        assert_eq!(
            merged_regions(b"<worksheet><sheetData/></worksheet>"),
            Some(vec![])
        );
        assert_eq!(
            merged_regions(
                br#"<worksheet><mergeCells><mergeCell ref="Z"/></mergeCells></worksheet>"#
            ),
            None
        );
    }

    /// On every workbook the sample district ships (xlsx written by rust_xlsxwriter,
    /// with merged title rows), the regions equal calamine's own.
    #[test]
    fn regions_equal_calamines_on_the_sample_district() {
        use calamine::Reader;
        let district = crate::sample::generate(&crate::sample::Spec::default()).expect("sample");
        let mut seen = 0;
        for (rel, bytes) in &district.files {
            if !rel.ends_with(".xlsx") {
                continue;
            }
            let mut wb = calamine::Xlsx::new(Cursor::new(bytes.as_slice())).expect("opens");
            let names = wb.sheet_names();
            let ours = xlsx(bytes, &names).expect("resolves");
            for (name, regions) in names.iter().zip(ours) {
                let theirs = wb.merge_cells_by_sheet_name(name).expect("calamine");
                seen += theirs.len();
                assert_eq!(regions, theirs, "{rel} › {name}");
            }
        }
        assert!(seen > 0, "the sample has merged regions");
    }
}
