//! The one conversion between byte offsets (everything inside sqlwarden) and LSP
//! positions, in the encoding negotiated at `initialize`: UTF-8 when the client offers it,
//! else UTF-16, the protocol's default. Columns are never counted in `char`s.

use analysis::SourceFile;
use lsp_types::{Position, PositionEncodingKind, Range};
use syntax::{LineCol, TextRange};

/// How the client counts columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client lists it among `general.positionEncodings`, else UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// A position in a text for a client with this encoding.
pub fn position(file: &SourceFile, offset: usize, encoding: Encoding) -> Position {
    position_in(&file.text, &file.line_index, offset, encoding)
}

pub fn position_in(
    text: &str,
    index: &syntax::LineIndex,
    offset: usize,
    encoding: Encoding,
) -> Position {
    let at = match encoding {
        Encoding::Utf8 => index.utf8(offset),
        Encoding::Utf16 => index.utf16(offset, text),
    };
    Position::new(at.line, at.col)
}

pub fn range(file: &SourceFile, range: TextRange, encoding: Encoding) -> Range {
    Range::new(
        position(file, range.start(), encoding),
        position(file, range.end(), encoding),
    )
}

/// The byte offset of a client position; a position past the end of a line or of the
/// text is clamped to it, as the protocol asks.
pub fn offset_in(
    text: &str,
    index: &syntax::LineIndex,
    position: Position,
    encoding: Encoding,
) -> usize {
    let at = LineCol {
        line: position.line,
        col: position.character,
    };
    match encoding {
        Encoding::Utf8 => index.offset_utf8(at, text),
        Encoding::Utf16 => index.offset_utf16(at, text),
    }
}

pub fn offset(file: &SourceFile, position: Position, encoding: Encoding) -> usize {
    offset_in(&file.text, &file.line_index, position, encoding)
}

/// A client range as bytes, in order even when the client sends it reversed.
pub fn text_range_in(
    text: &str,
    index: &syntax::LineIndex,
    range: Range,
    encoding: Encoding,
) -> TextRange {
    let a = offset_in(text, index, range.start, encoding);
    let b = offset_in(text, index, range.end, encoding);
    TextRange::new(a.min(b), a.max(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "é" is two bytes and one UTF-16 unit; "𝄞" is four bytes and two UTF-16 units.
    #[test]
    fn columns_count_in_the_negotiated_encoding() {
        let text = "SELECT 'é𝄞' AS x;\nGO\n";
        let index = syntax::LineIndex::new(text);
        let x = text.find(" AS").expect("AS");
        assert_eq!(
            position_in(text, &index, x, Encoding::Utf16),
            Position::new(0, 12)
        );
        assert_eq!(
            position_in(text, &index, x, Encoding::Utf8),
            Position::new(0, 15)
        );
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let p = position_in(text, &index, x, encoding);
            assert_eq!(offset_in(text, &index, p, encoding), x);
        }
    }

    #[test]
    fn a_position_past_the_line_clamps_to_its_end() {
        let text = "GO\nSELECT 1;\n";
        let index = syntax::LineIndex::new(text);
        let end_of_first = offset_in(text, &index, Position::new(0, 99), Encoding::Utf16);
        assert_eq!(end_of_first, 2);
        let past_the_end = offset_in(text, &index, Position::new(99, 0), Encoding::Utf16);
        assert_eq!(past_the_end, text.len());
    }

    #[test]
    fn utf8_is_chosen_only_when_offered() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF16])),
            Encoding::Utf16
        );
        assert_eq!(
            Encoding::negotiate(Some(&[
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8
            ])),
            Encoding::Utf8
        );
    }
}
