//! Turning a file's bytes into text: UTF-8 (with or without a BOM) and UTF-16 LE/BE
//! with a BOM, which is what SSMS and Visual Studio save. UTF-16 without a BOM is
//! recognised by its pattern of NUL bytes and decoded when it decodes cleanly. Text
//! without a BOM that is not UTF-8 is Windows-1252, the code page SSMS saves "ANSI"
//! files in on Western systems and the one sqlcmd reads them with (each byte is one
//! character, so columns match an editor's whichever of the two it assumes). That
//! fallback is configurable ([`Fallback`], `encoding` in `sqlwarden.toml`,
//! `--encoding`): another code page that encoding_rs knows by its WHATWG label, or strict
//! UTF-8, under which such a file is refused. Anything else is refused with a reason,
//! which the loader reports as SQL004.
//!
//! The BOM is stripped and nothing else is touched: line breaks stay as written, so
//! every byte offset into the returned text is an offset the user's editor agrees with
//! once it has decoded the file the same way.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// Why a file's bytes could not be turned into text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(pub String);

/// What a file without a byte-order mark that is not valid UTF-8 is read as.
///
/// A file that is valid UTF-8 is always read as UTF-8: legacy 8-bit text with any
/// non-ASCII character is almost never valid UTF-8 by chance, and projects often mix the
/// two (Visual Studio saves UTF-8 without a BOM, SSMS saves "ANSI").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// Refused (SQL004): `encoding = "utf-8"`.
    Strict,
    /// Decoded as this code page; a byte sequence it does not define is refused.
    Legacy(&'static Encoding),
}

impl Default for Fallback {
    /// Windows-1252, what sqlcmd, SSMS and SSDT read such a file as on a Western system.
    fn default() -> Self {
        Fallback::Legacy(encoding_rs::WINDOWS_1252)
    }
}

impl Fallback {
    /// The fallback a label names: any WHATWG label encoding_rs knows (`windows-1252`,
    /// `latin1`, `shift_jis`, `gbk`, …), or a UTF-8 label for strict UTF-8. UTF-16 is
    /// refused: it is recognised by its byte-order mark or its NUL bytes, never assumed.
    pub fn from_label(label: &str) -> Result<Fallback, String> {
        let Some(encoding) = Encoding::for_label(label.trim().as_bytes()) else {
            return Err(format!(
                "`{label}` is not an encoding label (for example \"windows-1252\", \"latin1\", \"shift_jis\" or \"utf-8\")"
            ));
        };
        if encoding == UTF_8 {
            Ok(Fallback::Strict)
        } else if encoding == UTF_16LE || encoding == UTF_16BE {
            Err(format!(
                "`{label}`: UTF-16 is read from its byte-order mark or its NUL bytes; name the 8-bit code page that files without a byte-order mark use"
            ))
        } else if encoding.name() == "replacement" || encoding.name() == "x-user-defined" {
            Err(format!(
                "`{label}` names no code page that files are saved in"
            ))
        } else {
            Ok(Fallback::Legacy(encoding))
        }
    }

    /// The encoding's canonical name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Fallback::Strict => "UTF-8",
            Fallback::Legacy(encoding) => encoding.name(),
        }
    }
}

/// Decodes a file's bytes, stripping a byte-order mark; text that is not UTF-8 is
/// Windows-1252.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    decode_with(bytes, Fallback::default())
}

/// Decodes a file's bytes, stripping a byte-order mark; text without one that is not
/// UTF-8 is read as `fallback` says.
pub fn decode_with(bytes: &[u8], fallback: Fallback) -> Result<String, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(str::to_owned)
            .map_err(|e| invalid_utf8(e, 3, "after its UTF-8 byte-order mark"));
    }
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(DecodeError(
            "is UTF-32, which SQL Server tools do not write: save it as UTF-8 or UTF-16".to_owned(),
        ));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(UTF_16LE, rest, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(UTF_16BE, rest, "UTF-16BE");
    }
    if !bytes.contains(&0) {
        return match (std::str::from_utf8(bytes), fallback) {
            (Ok(text), _) => Ok(text.to_owned()),
            (Err(e), Fallback::Strict) => {
                Err(invalid_utf8(e, 0, "and the configured encoding is UTF-8"))
            }
            (Err(_), Fallback::Legacy(encoding)) => encoding
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|text| text.into_owned())
                .ok_or_else(|| {
                    DecodeError(format!(
                        "is neither valid UTF-8 nor valid {} (the configured encoding)",
                        encoding.name()
                    ))
                }),
        };
    }
    // NUL bytes never occur in SQL text; in a file without a BOM they are the mark of
    // UTF-16 saved without one. ASCII-heavy UTF-16LE has NULs at odd offsets, UTF-16BE
    // at even ones.
    if let Some(text) = bomless_utf16(bytes) {
        return Ok(text);
    }
    let at = bytes.iter().position(|&b| b == 0).unwrap_or(0);
    Err(DecodeError(format!(
        "contains a NUL byte at offset {at} and is neither UTF-8 nor UTF-16: save it as \
         UTF-8 or as UTF-16 with a byte-order mark"
    )))
}

fn invalid_utf8(error: std::str::Utf8Error, skipped: usize, context: &str) -> DecodeError {
    DecodeError(format!(
        "is not valid UTF-8 {context} (first invalid byte at offset {}): save it as UTF-8 \
         or as UTF-16 with a byte-order mark",
        error.valid_up_to() + skipped
    ))
}

fn utf16(encoding: &'static Encoding, bytes: &[u8], name: &str) -> Result<String, DecodeError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(DecodeError(format!(
            "has a {name} byte-order mark but an odd number of bytes"
        )));
    }
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or_else(|| {
            DecodeError(format!(
                "has a {name} byte-order mark but is not valid {name} (an unpaired surrogate)"
            ))
        })
}

/// Decodes UTF-16 without a BOM when the NUL pattern says which byte order it is and the
/// result is clean text (no NUL characters, no other control characters but tab and
/// line breaks).
fn bomless_utf16(bytes: &[u8]) -> Option<String> {
    if !bytes.len().is_multiple_of(2) || bytes.is_empty() {
        return None;
    }
    let units = bytes.len() / 2;
    let odd_nuls = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let even_nuls = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    // At least half the code units must have a NUL high byte on one side only.
    let encoding = if odd_nuls * 2 >= units && even_nuls == 0 {
        UTF_16LE
    } else if even_nuls * 2 >= units && odd_nuls == 0 {
        UTF_16BE
    } else {
        return None;
    };
    let text = encoding
        .decode_without_bom_handling_and_without_replacement(bytes)?
        .into_owned();
    let clean = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'));
    clean.then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    fn utf16be(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFE, 0xFF] } else { Vec::new() };
        out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        out
    }

    #[test]
    fn utf8_with_and_without_bom_keeps_crlf() {
        assert_eq!(
            decode(b"SELECT 1;\r\nGO\r\n").unwrap(),
            "SELECT 1;\r\nGO\r\n"
        );
        assert_eq!(decode(b"\xEF\xBB\xBFSELECT 1;").unwrap(), "SELECT 1;");
        assert_eq!(decode("N'é'".as_bytes()).unwrap(), "N'é'");
    }

    #[test]
    fn utf16_with_bom_both_orders() {
        let text = "CREATE ROLE [rôle];\r\nGO\r\n";
        assert_eq!(decode(&utf16le(text, true)).unwrap(), text);
        assert_eq!(decode(&utf16be(text, true)).unwrap(), text);
    }

    #[test]
    fn utf16_without_bom_is_detected_by_its_nuls() {
        let text = "GRANT SELECT ON t TO r;\n";
        assert_eq!(decode(&utf16le(text, false)).unwrap(), text);
        assert_eq!(decode(&utf16be(text, false)).unwrap(), text);
    }

    #[test]
    fn text_that_is_not_utf8_and_has_no_bom_is_windows_1252() {
        // 0xE9 is é, 0x80 the euro sign, 0x92 a right single quote in Windows-1252.
        assert_eq!(
            decode(b"SELECT 'caf\xE9 \x80 it\x92s';").unwrap(),
            "SELECT 'café € it’s';"
        );
    }

    #[test]
    fn the_fallback_is_configurable() {
        let bytes = b"SELECT 'caf\xE9';";
        // Strict UTF-8 refuses it, naming the offset of the first bad byte.
        let err = decode_with(bytes, Fallback::from_label("utf-8").unwrap()).unwrap_err();
        assert!(err.0.contains("offset 11"), "{}", err.0);
        assert!(err.0.contains("configured encoding is UTF-8"), "{}", err.0);
        // 0xE9 is й in Windows-1251 and é in ISO-8859-15.
        let cyrillic = Fallback::from_label("windows-1251").unwrap();
        assert_eq!(decode_with(bytes, cyrillic).unwrap(), "SELECT 'cafй';");
        assert_eq!(
            decode_with(bytes, Fallback::from_label(" ISO-8859-15 ").unwrap()).unwrap(),
            "SELECT 'café';"
        );
        // Valid UTF-8 and BOMs win over the fallback.
        assert_eq!(decode_with("é".as_bytes(), cyrillic).unwrap(), "é");
        assert_eq!(
            decode_with(b"\xEF\xBB\xBFx", Fallback::Strict).unwrap(),
            "x"
        );
        // A multi-byte code page refuses what it does not define: 0x82 alone is a lead
        // byte of Shift_JIS with nothing after it.
        let err = decode_with(b"x\x82", Fallback::from_label("shift_jis").unwrap()).unwrap_err();
        assert!(err.0.contains("nor valid Shift_JIS"), "{}", err.0);
        // Binary content stays unreadable whatever the fallback.
        assert!(decode_with(b"\x00\x01\x02", cyrillic).is_err());
    }

    #[test]
    fn unknown_or_unusable_labels_are_refused() {
        assert!(
            Fallback::from_label("klingon")
                .unwrap_err()
                .contains("`klingon` is not an encoding label")
        );
        assert!(
            Fallback::from_label("utf-16le")
                .unwrap_err()
                .contains("UTF-16")
        );
        assert!(Fallback::from_label("replacement").is_err());
        assert_eq!(Fallback::from_label("cp1252").unwrap(), Fallback::default());
    }

    #[test]
    fn invalid_utf8_after_a_utf8_bom_is_refused_with_the_offset() {
        let err = decode(b"\xEF\xBB\xBF\xFF").unwrap_err();
        assert!(err.0.contains("offset 3"), "{}", err.0);
    }

    #[test]
    fn stray_nul_bytes_are_refused() {
        let err = decode(b"SELECT 1;\0\0\0 GO").unwrap_err();
        assert!(err.0.contains("NUL byte at offset 9"), "{}", err.0);
    }

    #[test]
    fn broken_utf16_is_refused() {
        // An unpaired high surrogate.
        let err = decode(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]).unwrap_err();
        assert!(err.0.contains("not valid UTF-16LE"), "{}", err.0);
        let err = decode(&[0xFE, 0xFF, 0x00]).unwrap_err();
        assert!(err.0.contains("odd number of bytes"), "{}", err.0);
        let err = decode(&[0xFF, 0xFE, 0, 0, 0x41, 0, 0, 0]).unwrap_err();
        assert!(err.0.contains("UTF-32"), "{}", err.0);
    }
}
