use super::*;

fn kinds(text: &str) -> Vec<TokenKind> {
    tokenize(text)
        .unwrap()
        .into_iter()
        .map(|t| t.kind)
        .collect()
}

fn word(s: &str) -> TokenKind {
    TokenKind::Word(s.to_string())
}

#[test]
fn words_are_lowercased_and_quoted_identifiers_keep_case() {
    assert_eq!(
        kinds(r#"SeLeCt "MyCol" "a""b""#),
        vec![
            word("select"),
            TokenKind::QuotedIdent("MyCol".into()),
            TokenKind::QuotedIdent("a\"b".into()),
            TokenKind::Eof
        ]
    );
}

#[test]
fn strings_with_escapes_and_dollars() {
    assert_eq!(
        kinds("'it''s' $$a'b$$ ''"),
        vec![
            TokenKind::Str("it's".into()),
            TokenKind::Str("a'b".into()),
            TokenKind::Str(String::new()),
            TokenKind::Eof
        ]
    );
}

#[test]
fn numbers() {
    assert_eq!(
        kinds("42 1.5 2e10 3.0E-2 7."),
        vec![
            TokenKind::Integer("42".into()),
            TokenKind::Float("1.5".into()),
            TokenKind::Float("2e10".into()),
            TokenKind::Float("3.0E-2".into()),
            TokenKind::Float("7.".into()),
            TokenKind::Eof
        ]
    );
}

#[test]
fn blobs_uuids_durations() {
    assert_eq!(
        kinds("0xCAfe 0x 123e4567-e89b-12d3-a456-426614174000 1h30m P1DT2H p2w 3mo5us"),
        vec![
            TokenKind::Blob(vec![0xca, 0xfe]),
            TokenKind::Blob(vec![]),
            TokenKind::Uuid([
                0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17,
                0x40, 0x00
            ]),
            TokenKind::Duration("1h30m".into()),
            TokenKind::Duration("P1DT2H".into()),
            TokenKind::Duration("p2w".into()),
            TokenKind::Duration("3mo5us".into()),
            TokenKind::Eof
        ]
    );
}

#[test]
fn a_uuid_starting_with_a_letter_is_not_an_identifier() {
    assert!(matches!(
        kinds("abcdef01-e89b-12d3-a456-426614174000")[0],
        TokenKind::Uuid(_)
    ));
}

#[test]
fn words_starting_with_p_stay_identifiers() {
    assert_eq!(kinds("pk p p1")[..3], [word("pk"), word("p"), word("p1")]);
}

#[test]
fn operators_and_comments() {
    assert_eq!(
        kinds("a<=b -- comment\n!= // x\n/* multi\nline */ += -= ? :n"),
        vec![
            word("a"),
            TokenKind::Punct(Punct::Le),
            word("b"),
            TokenKind::Punct(Punct::Ne),
            TokenKind::Punct(Punct::PlusEq),
            TokenKind::Punct(Punct::MinusEq),
            TokenKind::Punct(Punct::Question),
            TokenKind::Punct(Punct::Colon),
            word("n"),
            TokenKind::Eof
        ]
    );
}

#[test]
fn spans_are_byte_offsets() {
    let tokens = tokenize("SELECT 'é' , x").unwrap();
    assert_eq!(tokens[0].span, Span::new(0, 6));
    assert_eq!(tokens[1].span, Span::new(7, 11));
    assert_eq!(tokens[2].span, Span::new(12, 13));
    assert_eq!(tokens[3].span, Span::new(14, 15));
}

#[test]
fn lexical_errors_have_spans() {
    let e = tokenize("SELECT 'abc").unwrap_err();
    assert_eq!(e.span, Span::new(7, 11));
    assert_eq!(e.kind, ParseErrorKind::InvalidToken);
    let e = tokenize("a # b").unwrap_err();
    assert_eq!(e.span, Span::new(2, 3));
    let e = tokenize("x = 0x123").unwrap_err();
    assert_eq!(e.span, Span::new(4, 9));
    let e = tokenize("x = 12abc").unwrap_err();
    assert_eq!(e.span, Span::new(4, 9));
    assert!(tokenize("/* open").is_err());
    assert!(tokenize("\"\"").is_err());
    assert!(tokenize("$$ open").is_err());
}

#[test]
fn durations_parse_to_months_days_nanos() {
    let d = parse_duration("1y2mo3w4d5h6m7s8ms9us10ns").unwrap();
    assert_eq!(d.months, 14);
    assert_eq!(d.days, 25);
    assert_eq!(
        d.nanoseconds,
        5 * NANOS_PER_HOUR + 6 * NANOS_PER_MINUTE + 7 * NANOS_PER_SECOND + 8_009_010
    );
    let d = parse_duration("-P1Y2M3DT4H5M6S").unwrap();
    assert_eq!(
        (d.months, d.days, d.nanoseconds),
        (
            -14,
            -3,
            -(4 * NANOS_PER_HOUR + 5 * NANOS_PER_MINUTE + 6 * NANOS_PER_SECOND)
        )
    );
    assert_eq!(parse_duration("P2W").unwrap().days, 14);
    let d = parse_duration("P0001-02-03T04:05:06").unwrap();
    assert_eq!((d.months, d.days), (14, 3));
    assert!(parse_duration("1x").is_none());
    assert!(parse_duration("99999999999999y").is_none());
    assert!(parse_duration("P").is_none());
}

#[test]
fn micro_sign_durations() {
    assert_eq!(kinds("5µs")[0], TokenKind::Duration("5µs".into()));
    assert_eq!(parse_duration("5µs").map(|d| d.nanoseconds), Some(5_000));
}
