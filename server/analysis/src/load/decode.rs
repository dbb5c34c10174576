//! Turning a file's bytes into text: UTF-8 (with or without a BOM) and UTF-16 LE/BE
//! with a BOM, which is what SSMS and Visual Studio save. UTF-16 without a BOM is
//! recognised by its pattern of NUL bytes and decoded when it decodes cleanly. Text
//! without a BOM that is not UTF-8 is Windows-1252, the code page SSMS saves "ANSI"
//! files in on Western systems and the one sqlcmd reads them with (each byte is one
//! character, so columns match an editor's whichever of the two it assumes). Anything
//! else is refused with a reason, which the loader reports as SQL004.
//!
//! The BOM is stripped and nothing else is touched: line breaks stay as written, so
//! every byte offset into the returned text is an offset the user's editor agrees with
//! once it has decoded the file the same way.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

/// Why a file's bytes could not be turned into text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(pub String);

/// Decodes a file's bytes, stripping a byte-order mark.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
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
        return Ok(match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        });
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
