//! The one conversion between byte offsets and line/column positions.
//!
//! Inside sqlwarden every position is a byte offset into decoded text. People read
//! 1-based lines and columns; LSP clients count columns in UTF-16 code units unless
//! they negotiate UTF-8. This index answers both without scanning the text again.

use crate::ast::TextRange;

/// A zero-based line and column. The column's unit depends on the call that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts of one text, for offset ↔ position conversion.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset at which each line starts; the first is 0. Four bytes each, as in
    /// [`TextRange`] (a script is shorter than 4 GiB; in a longer text, the lines that
    /// start past 4 GiB are counted as part of the last one before).
    starts: Vec<u32>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let breaks = text.bytes().filter(|&b| b == b'\n').count();
        // Sized once: grown by doubling, a large project's indexes held twice the room.
        let mut starts = Vec::with_capacity(breaks + 1);
        starts.push(0);
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map_while(|(i, _)| u32::try_from(i + 1).ok()),
        );
        Self {
            starts,
            len: text.len(),
        }
    }

    /// Where line `line` starts; the end of the text for a line past the last.
    fn start(&self, line: usize) -> usize {
        self.starts.get(line).map_or(self.len, |&at| at as usize)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The byte range of a zero-based line, without its line break.
    pub fn line_range(&self, line: usize, text: &str) -> TextRange {
        let start = self.start(line);
        let mut end = self.start(line + 1);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    /// The zero-based line that holds `offset` (offsets past the end are on the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset.min(self.len)).unwrap_or(u32::MAX);
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Line and column with the column counted in UTF-8 bytes.
    pub fn utf8(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        LineCol {
            line: line as u32,
            col: (offset - self.start(line)) as u32,
        }
    }

    /// Line and column with the column counted in UTF-16 code units, as LSP clients
    /// count by default. An offset inside a character is moved back to its start.
    pub fn utf16(&self, offset: usize, text: &str) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let line = self.line_of(offset);
        let col = text[self.start(line)..offset]
            .chars()
            .map(char::len_utf16)
            .sum::<usize>();
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// Line and column with the column counted in Unicode scalar values, as SARIF and
    /// people count them.
    pub fn chars(&self, offset: usize, text: &str) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let line = self.line_of(offset);
        LineCol {
            line: line as u32,
            col: text[self.start(line)..offset].chars().count() as u32,
        }
    }

    /// The byte offset of a zero-based line and a UTF-16 column; positions past the end
    /// of a line clamp to its end, as the LSP specification asks.
    pub fn offset_utf16(&self, pos: LineCol, text: &str) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let range = self.line_range(line, text);
        let mut units = 0usize;
        for (i, ch) in text[range.as_range()].char_indices() {
            if units >= pos.col as usize {
                return range.start() + i;
            }
            units += ch.len_utf16();
        }
        range.end()
    }

    /// The byte offset of a zero-based line and a UTF-8 column, clamped to the line.
    pub fn offset_utf8(&self, pos: LineCol, text: &str) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let range = self.line_range(line, text);
        floor_char_boundary(text, (range.start() + pos.col as usize).min(range.end()))
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_each_unit() {
        let text = "ab\r\nNé𝄞x\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        let x = text.find('x').unwrap();
        assert_eq!(index.utf8(x), LineCol { line: 1, col: 7 });
        assert_eq!(index.utf16(x, text), LineCol { line: 1, col: 4 });
        assert_eq!(index.chars(x, text), LineCol { line: 1, col: 3 });
        assert_eq!(index.offset_utf16(LineCol { line: 1, col: 4 }, text), x);
        assert_eq!(index.line_range(0, text), TextRange::new(0, 2));
        assert_eq!(index.offset_utf16(LineCol { line: 0, col: 99 }, text), 2);
        assert_eq!(index.utf8(text.len() + 5), LineCol { line: 2, col: 4 });
    }
}
