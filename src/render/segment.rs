//! Word segmentation (分词) for line breaking: jieba (jieba-rs) over jieba's general
//! dictionary, with only the words the texts at hand can contain loaded.
//!
//! A run breaks a few hundred distinct headers and titles written with some two hundred
//! characters, but `Jieba::new()` builds a trie of all 349,045 words: a sixth of a
//! yearly job's CPU time. Here a text's dictionary words are looked up (binary search
//! in the sorted dictionary) and added before the text is cut, and one word jieba can
//! never meet carries the frequency of every word left out, so jieba divides by the
//! whole dictionary's total. The words a cut can use are the dictionary words inside
//! the text, all loaded with their own frequencies, so the cut is the one the whole
//! dictionary gives (the test compares them).

use jieba_rs::Jieba;
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock, PoisonError};

/// jieba's general dictionary as jieba-rs 0.11.0 ships it (`src/data/dict.txt`, from
/// the jieba project, MIT): one "word frequency tag" line per word, sorted by word in
/// code-point order (which is UTF-8 byte order).
const DICTIONARY: &str = include_str!("jieba_dict.txt");

/// The longest word of the dictionary, in characters.
const LONGEST: usize = 16;

/// The dictionary's frequencies summed: what `Jieba::new()` divides by (the test sums
/// them; adding them up at each start would cost more than loading a run's words).
const TOTAL: usize = 60_101_964;

/// The word that holds the frequency of the words not loaded. jieba looks words up only
/// inside runs of CJK characters, ASCII letters and digits and `+#&._%-`; a control
/// character is none of those, so no text ever contains this word where jieba looks.
const REST: &str = "\u{1}";

/// Terms of the people's congress that a line must not split ("代表 / 小组", "组成 /
/// 人员"), added to the general dictionary in this order with the frequency jieba
/// suggests for each.
const DOMAIN_WORDS: [&str; 20] = [
    "代表小组",
    "常委会组成人员",
    "代表之家",
    "代表联络站",
    "联系群众",
    "人民代表大会",
    "常务委员会",
    "组成人员",
    "履职情况",
    "履职档案",
    "述职评议",
    "人大代表",
    "常委会",
    "人大常委会",
    "专门委员会",
    "继续提名",
    "联系接待",
    "闭会期间",
    "优秀履职代表",
    "优秀代表建议",
];

/// The words of `text` in order, as jieba cuts it without its HMM (unknown runs stay
/// single characters).
pub fn cut(text: &str) -> Vec<&str> {
    static SEGMENTER: OnceLock<Mutex<Segmenter>> = OnceLock::new();
    let mut s = SEGMENTER
        .get_or_init(|| Mutex::new(Segmenter::new()))
        .lock()
        // Every step leaves the segmenter whole: a panic elsewhere cannot spoil it.
        .unwrap_or_else(PoisonError::into_inner);
    s.prepare(text);
    s.jieba
        .cut(text, false)
        .into_iter()
        .map(|t| t.word)
        .collect()
}

struct Segmenter {
    /// jieba with the words loaded so far (`has_word` tells which) and [`REST`].
    jieba: Jieba,
    /// Texts whose dictionary words are all loaded.
    ready: HashSet<String>,
    /// The frequency [`REST`] carries: the dictionary's total less the words loaded.
    rest: usize,
}

impl Segmenter {
    fn new() -> Segmenter {
        let mut s = Segmenter {
            jieba: Jieba::empty(),
            ready: HashSet::new(),
            rest: TOTAL,
        };
        s.jieba.add_word(REST, Some(TOTAL), None);
        for w in DOMAIN_WORDS {
            s.prepare(w);
            // As `add_word` on the whole dictionary: the frequency suggested from how
            // the word is cut now, replacing the dictionary's own if it has one. The
            // whole dictionary's total moves with it as jieba's does: `rest` stays.
            s.jieba.add_word(w, None, None);
        }
        s
    }

    /// Loads every dictionary word inside `text`.
    fn prepare(&mut self, text: &str) {
        if self.ready.contains(text) {
            return;
        }
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let rest = self.rest;
        for (k, &from) in bounds.iter().enumerate() {
            for &to in bounds.iter().skip(k + 1).take(LONGEST) {
                let word = &text[from..to];
                if self.jieba.has_word(word) {
                    continue;
                }
                if let Some(freq) = frequency(word) {
                    self.jieba.add_word(word, Some(freq), None);
                    self.rest = self.rest.saturating_sub(freq);
                }
            }
        }
        if self.rest != rest {
            self.jieba.add_word(REST, Some(self.rest), None);
        }
        self.ready.insert(text.to_string());
    }
}

/// A word's frequency in the dictionary, if it is there: a binary search over the
/// sorted lines, each probe moved back to the start of its line.
fn frequency(word: &str) -> Option<usize> {
    let bytes = DICTIONARY.as_bytes();
    // `lo` is always the start of a line, `hi` the start of a line or the end.
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[lo..mid]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(lo, |p| lo + p + 1);
        let end = bytes[start..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(bytes.len(), |p| start + p);
        let line = &DICTIONARY[start..end];
        let mut fields = line.split(' ');
        let here = fields.next().unwrap_or("");
        match here.cmp(word) {
            std::cmp::Ordering::Equal => return fields.next()?.parse().ok(),
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// jieba as documented: the whole dictionary, then the domain words.
    fn whole() -> Jieba {
        let mut j = Jieba::new();
        for w in DOMAIN_WORDS {
            j.add_word(w, None, None);
        }
        j
    }

    #[test]
    fn frequencies_come_from_the_dictionary_line() {
        assert_eq!(frequency("1号店"), Some(3)); // the first line
        assert_eq!(frequency("代表"), Some(32777));
        assert_eq!(frequency("代表小组"), None);
        assert_eq!(frequency("代"), Some(6666));
        assert_eq!(frequency(""), None);
        assert_eq!(frequency("\u{10FFFF}"), None); // after the last line
        let last = DICTIONARY.lines().last().and_then(|l| l.split(' ').next());
        assert!(frequency(last.expect("a last word")).is_some());
    }

    #[test]
    fn the_dictionary_is_sorted_its_longest_word_and_total_are_as_declared() {
        let words: Vec<&str> = DICTIONARY
            .lines()
            .filter_map(|l| l.split(' ').next())
            .collect();
        assert_eq!(words.len(), 349_045);
        assert!(words.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(words.iter().map(|w| w.chars().count()).max(), Some(LONGEST));
        assert!(!words.iter().any(|w| w.contains(REST)));
        let total: usize = DICTIONARY
            .lines()
            .filter_map(|l| l.split(' ').nth(1)?.parse::<usize>().ok())
            .sum();
        assert_eq!(total, TOTAL);
    }

    /// The cut equals the whole dictionary's for every text of the golden documents, for
    /// runs of dictionary words (each a test of its frequency) and for mixed scripts.
    #[test]
    fn cuts_are_the_whole_dictionarys() {
        let whole = whole();
        let mut texts: Vec<String> = Vec::new();
        let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("golden folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let text = std::fs::read_to_string(path).expect("golden text");
                    texts.extend(text.split(['\n', '\t']).map(str::to_string));
                }
            }
        }
        assert!(texts.len() > 1000, "golden texts read: {}", texts.len());
        let words: Vec<&str> = DICTIONARY
            .lines()
            .filter_map(|l| l.split(' ').next())
            .collect();
        texts.extend(words.chunks(3).step_by(7).map(|c| c.concat()));
        texts.extend(
            [
                "关于2025年度城乡建设与环境保护委员会组成人员履职情况的报告",
                "区人代会出席率（%）",
                "A+B 代表·阿依古丽 3.5% \u{1}\u{1}代表小组\u{1}",
                "",
                "  ",
                "😀代表🀄小组",
            ]
            .map(str::to_string),
        );
        for t in &texts {
            let expected: Vec<&str> = whole.cut(t, false).into_iter().map(|t| t.word).collect();
            assert_eq!(cut(t), expected, "{t}");
        }
    }
}
