//! The `.case` format of `../shared/README.md`, read and scored exactly as
//! `../shared/score-cases.py` does: `=== file: PATH [utf8|utf8bom|utf16le|utf16be]`
//! starts a file; a line ending in `--!expect CODE[+N|-N]…` expects a finding of that code
//! on that line (the marker is removed before the file is written); `=== forbid: CODE…`
//! lists codes that must not appear. A finding of an expected or forbidden code that no
//! expectation accepts counts against precision.
//!
//! Text before the first `=== file:` line is a free preamble. Our own cases may say
//! `known-gap: WHY` there: the case describes the catalogue's behaviour, the analyser
//! does not yet do it, and the runner checks that the case still fails, so that closing
//! the gap is noticed and the marker removed.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

/// How a file of a case is stored on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

#[derive(Clone, Debug)]
pub struct CaseFile {
    pub path: String,
    pub encoding: Encoding,
    /// The text with the markers removed, lines ending in `\n`.
    pub text: String,
}

/// A finding the case expects: `code` somewhere in lines `lo..=hi` of `path`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expect {
    pub code: String,
    pub path: String,
    pub lo: u32,
    pub hi: u32,
}

#[derive(Clone, Debug, Default)]
pub struct Case {
    pub files: Vec<CaseFile>,
    pub expects: Vec<Expect>,
    pub forbid: BTreeSet<String>,
    /// Why the analyser does not pass this case yet (from a `known-gap:` preamble line).
    pub known_gap: Option<String>,
}

/// One reported finding: code, URI or path of its file, start and end line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    pub code: String,
    pub path: String,
    pub start: u32,
    pub end: u32,
}

/// What scoring a case found wrong.
#[derive(Clone, Debug, Default)]
pub struct Score {
    pub expected: usize,
    pub missed: Vec<Expect>,
    pub extra: Vec<Found>,
}

impl Score {
    pub fn ok(&self) -> bool {
        self.missed.is_empty() && self.extra.is_empty()
    }
}

static FILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^=== file: (.+?)(?: (utf8|utf8bom|utf16le|utf16be))?\s*$").expect("regex")
});
static FORBID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^=== forbid: (.*)$").expect("regex"));
static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*--!expect ((?:[A-Z]+\d+(?:[+-]\d+)*\s*)+)$").expect("regex"));
static CODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Z]+\d+").expect("regex"));
static SHIFT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"([+-])(\d+)").expect("regex"));

/// The `--!expect` markers of one text: (code, first line, last line), 1-based; and
/// the text with the markers removed.
pub fn markers(text: &str) -> (Vec<(String, u32, u32)>, String) {
    let mut found = Vec::new();
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let number = i as u32 + 1;
        let bare = line.strip_suffix('\n').unwrap_or(line);
        match MARKER.captures(bare) {
            Some(captures) => {
                let whole = captures.get(0).map_or(bare.len(), |m| m.start());
                for token in captures[1].split_whitespace() {
                    let Some(code) = CODE.find(token) else {
                        continue;
                    };
                    let (mut lo, mut hi) = (number, number);
                    for shift in SHIFT.captures_iter(token) {
                        let k: u32 = shift[2].parse().unwrap_or(0);
                        if &shift[1] == "+" {
                            hi = number + k;
                        } else {
                            lo = number.saturating_sub(k);
                        }
                    }
                    found.push((code.as_str().to_string(), lo, hi));
                }
                out.push_str(&bare[..whole]);
                out.push('\n');
            }
            None => out.push_str(line),
        }
    }
    (found, out)
}

/// Parses a case file's text.
pub fn parse(text: &str) -> Case {
    let mut case = Case::default();
    let mut current: Option<(String, Encoding, String)> = None;
    let mut finished = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(captures) = FILE.captures(line) {
            finished.extend(current.take());
            let encoding = match captures.get(2).map(|m| m.as_str()) {
                Some("utf8bom") => Encoding::Utf8Bom,
                Some("utf16le") => Encoding::Utf16Le,
                Some("utf16be") => Encoding::Utf16Be,
                _ => Encoding::Utf8,
            };
            current = Some((captures[1].to_string(), encoding, String::new()));
            continue;
        }
        let bare = line.strip_suffix('\n').unwrap_or(line);
        if let Some(captures) = FORBID.captures(bare) {
            case.forbid
                .extend(captures[1].split_whitespace().map(str::to_string));
            finished.extend(current.take());
            continue;
        }
        match current.as_mut() {
            Some((_, _, body)) => body.push_str(line),
            None if finished.is_empty() => {
                if let Some(why) = bare.trim().strip_prefix("known-gap:") {
                    case.known_gap = Some(why.trim().to_string());
                }
            }
            None => {}
        }
    }
    finished.extend(current);
    for (path, encoding, body) in finished {
        let (marks, text) = markers(&body);
        case.expects
            .extend(marks.into_iter().map(|(code, lo, hi)| Expect {
                code,
                path: path.clone(),
                lo,
                hi,
            }));
        case.files.push(CaseFile {
            path,
            encoding,
            text,
        });
    }
    case
}

impl Case {
    /// Writes the case's files under `root` in their encodings (UTF-16 files get CRLF
    /// line ends, as SSMS writes them).
    pub fn write(&self, root: &Path) -> std::io::Result<()> {
        for file in &self.files {
            let path = root.join(&file.path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            let utf16_text = file.text.replace('\n', "\r\n");
            let bytes: Vec<u8> = match file.encoding {
                Encoding::Utf8 => file.text.as_bytes().to_vec(),
                Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], file.text.as_bytes()].concat(),
                Encoding::Utf16Le => [0xFF, 0xFE]
                    .into_iter()
                    .chain(utf16_text.encode_utf16().flat_map(u16::to_le_bytes))
                    .collect(),
                Encoding::Utf16Be => [0xFE, 0xFF]
                    .into_iter()
                    .chain(utf16_text.encode_utf16().flat_map(u16::to_be_bytes))
                    .collect(),
            };
            fs::write(path, bytes)?;
        }
        Ok(())
    }

    /// Every code the case expects or forbids.
    pub fn scored_codes(&self) -> BTreeSet<String> {
        let mut codes = self.forbid.clone();
        codes.extend(self.expects.iter().map(|e| e.code.clone()));
        codes
    }

    /// Scores what a run found, as `score-cases.py` does.
    pub fn score(&self, found: &[Found]) -> Score {
        let scored = self.scored_codes();
        let accepts = |f: &Found, e: &Expect| f.code == e.code && matches(f, &e.path, e.lo, e.hi);
        Score {
            expected: self.expects.len(),
            missed: self
                .expects
                .iter()
                .filter(|e| !found.iter().any(|f| accepts(f, e)))
                .cloned()
                .collect(),
            extra: found
                .iter()
                .filter(|f| scored.contains(&f.code) && !self.expects.iter().any(|e| accepts(f, e)))
                .cloned()
                .collect(),
        }
    }
}

/// A finding matches when its lines overlap the expected ones and it spans no more
/// than 40 lines.
pub fn matches(found: &Found, path: &str, lo: u32, hi: u32) -> bool {
    found.path.ends_with(path)
        && found.start <= hi
        && lo <= found.end
        && found.end.saturating_sub(found.start) <= 40
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASE: &str = "\
A preamble line, ignored.
known-gap: the rule does not do this yet
=== file: a.sql
GRANT x;   --!expect PRM005 PRM007+1
SELECT 1;
EXEC y;  --!expect IMP004-1
=== file: Scripts/b.sql utf16le
:r .\\a.sql
=== forbid: PRM006 SQL002
";

    #[test]
    fn parses_files_markers_and_forbids() {
        let case = parse(CASE);
        assert_eq!(case.files.len(), 2);
        assert_eq!(
            case.known_gap.as_deref(),
            Some("the rule does not do this yet")
        );
        assert_eq!(case.files[0].text, "GRANT x;\nSELECT 1;\nEXEC y;\n");
        assert_eq!(case.files[1].encoding, Encoding::Utf16Le);
        assert_eq!(case.files[1].path, "Scripts/b.sql");
        let expects: Vec<(&str, u32, u32)> = case
            .expects
            .iter()
            .map(|e| (e.code.as_str(), e.lo, e.hi))
            .collect();
        assert_eq!(
            expects,
            vec![("PRM005", 1, 1), ("PRM007", 1, 2), ("IMP004", 2, 3)]
        );
        assert_eq!(
            case.forbid,
            BTreeSet::from(["PRM006".to_string(), "SQL002".to_string()])
        );
    }

    #[test]
    fn scores_like_the_script() {
        let case = parse(CASE);
        let found = |code: &str, path: &str, start, end| Found {
            code: code.into(),
            path: path.into(),
            start,
            end,
        };
        let good = case.score(&[
            found("PRM005", "/tmp/x/a.sql", 1, 1),
            found("PRM007", "a.sql", 2, 2),
            found("IMP004", "a.sql", 3, 3),
            // Not scored: the case neither expects nor forbids it.
            found("SQL001", "a.sql", 3, 3),
        ]);
        assert!(good.ok(), "{good:?}");
        let score = case.score(&[
            found("PRM005", "a.sql", 2, 2),
            found("PRM007", "a.sql", 2, 2),
            found("IMP004", "a.sql", 1, 1),
        ]);
        assert!(!score.ok());
        let missed: Vec<&str> = score.missed.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(missed, vec!["PRM005", "IMP004"]);
        let extra: Vec<&str> = score.extra.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(extra, vec!["PRM005", "IMP004"]);
        let wide = case.score(&[found("PRM006", "b.sql", 1, 1)]);
        assert_eq!(wide.missed.len(), 3);
        assert_eq!(wide.extra.len(), 1);
    }

    #[test]
    fn utf16_files_get_a_bom_and_crlf() {
        let case = parse(CASE);
        let dir = tempfile::tempdir().expect("temp dir");
        case.write(dir.path()).expect("written");
        let bytes = fs::read(dir.path().join("Scripts/b.sql")).expect("read");
        assert_eq!(&bytes[..4], &[0xFF, 0xFE, b':', 0]);
        assert!(bytes.ends_with(&[b'\r', 0, b'\n', 0]));
    }
}
