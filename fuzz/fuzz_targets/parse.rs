//! The T-SQL parse: any bytes, decoded as a file would be, parsed, lowered and reported;
//! then edited and reparsed incrementally, which must give what a fresh parse gives.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = analysis::load::decode::decode_with(data, Default::default()) else {
        return;
    };
    let mut parsed = syntax::parse(&text);
    let _ = parsed.lower();
    let _ = parsed.errors();
    // An edit in the middle: delete a few bytes and type one character.
    if text.len() > 2 {
        let mut at = text.len() / 2;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + 3).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        parsed.edit(syntax::TextRange::new(at, end), "'");
        let mut edited = text.clone();
        edited.replace_range(at..end, "'");
        let fresh = syntax::parse(&edited);
        assert_eq!(
            format!("{:?}", parsed.lower()),
            format!("{:?}", fresh.lower())
        );
    }
});
