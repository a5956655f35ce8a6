//! Property tests: generated trees survive print and parse in both layouts, and no input makes
//! the lexer, parser, validator or formatter panic. Set `AQUA_FUZZ_CASES` for a long run.

use air_syntax::{
    Accessor, Ap, ApMap, ApResult, Call, CallOutput, Canon, CanonForm, Fail, FailKind, Fold,
    FoldIterable, Instruction, Lens, MAX_INDENT, Match, Name, New, Next, Pair, Program, Span,
    Value, ValueKind, Variable, VariableKind, format_document, parse, parse_fast,
    parse_with_lalrpop, print_compact, print_pretty, validate,
};
use proptest::prelude::*;

/// The number of cases: `AQUA_FUZZ_CASES` when set, otherwise `default`.
fn cases(default: u32) -> u32 {
    std::env::var("AQUA_FUZZ_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(default)
}

const RESERVED: &[&str] = &[
    "call", "canon", "ap", "seq", "par", "xor", "null", "never", "new", "fail", "fold", "next",
    "match", "mismatch", "true", "false",
];

/// Names as the reference compiler writes them (`-relay-`, `n-0`), never keywords or numbers.
fn name() -> impl Strategy<Value = String> {
    "-?[a-zA-Z_][a-zA-Z0-9_-]{0,6}"
        .prop_filter("not reserved", |name| !RESERVED.contains(&name.as_str()))
}

fn dummy(name: String) -> Name {
    Name::new(name, Span::DUMMY)
}

fn lens() -> impl Strategy<Value = Lens> {
    let accessor = prop_oneof![
        name().prop_map(Accessor::Field),
        any::<u32>().prop_map(Accessor::Index),
        name().prop_map(Accessor::ByScalar),
    ];
    prop_oneof![Just(Lens::Length), prop::collection::vec(accessor, 1..4).prop_map(Lens::Path)]
}

fn value(kind: impl Strategy<Value = ValueKind>) -> impl Strategy<Value = Value> {
    kind.prop_map(|kind| Value::new(kind, Span::DUMMY))
}

fn string_literal() -> impl Strategy<Value = ValueKind> {
    "[^\"]{0,8}".prop_map(ValueKind::Str)
}

fn scalar() -> impl Strategy<Value = ValueKind> {
    (name(), prop::option::of(lens())).prop_map(|(name, lens)| ValueKind::Scalar { name, lens })
}

fn lensed_canon() -> impl Strategy<Value = ValueKind> {
    prop_oneof![
        (name(), lens()).prop_map(|(name, lens)| ValueKind::CanonStream { name, lens: Some(lens) }),
        (name(), lens())
            .prop_map(|(name, lens)| ValueKind::CanonStreamMap { name, lens: Some(lens) }),
    ]
}

/// Any value except a canon map without a lens, which `ap` rejects.
fn ap_argument() -> impl Strategy<Value = ValueKind> {
    prop_oneof![
        Just(ValueKind::InitPeerId),
        prop::option::of(lens()).prop_map(ValueKind::LastError),
        prop::option::of(lens()).prop_map(ValueKind::Error),
        Just(ValueKind::Timestamp),
        Just(ValueKind::Ttl),
        string_literal(),
        any::<i64>().prop_map(ValueKind::Int),
        (-99_999i32..99_999).prop_map(|hundredths| ValueKind::Float(f64::from(hundredths) / 100.0)),
        any::<bool>().prop_map(ValueKind::Bool),
        Just(ValueKind::EmptyArray),
        scalar(),
        name().prop_map(|name| ValueKind::CanonStream { name, lens: None }),
        lensed_canon(),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    value(prop_oneof![
        9 => ap_argument(),
        1 => name().prop_map(|name| ValueKind::CanonStreamMap { name, lens: None }),
    ])
}

fn peer() -> impl Strategy<Value = Value> {
    value(prop_oneof![Just(ValueKind::InitPeerId), string_literal(), scalar(), lensed_canon()])
}

fn str_value() -> impl Strategy<Value = Value> {
    value(prop_oneof![string_literal(), scalar(), lensed_canon()])
}

fn leaf() -> impl Strategy<Value = Instruction> {
    prop_oneof![
        Just(Instruction::Null(Span::DUMMY)),
        Just(Instruction::Never(Span::DUMMY)),
        call(),
        canon(),
        ap(),
        fail(),
        name().prop_map(|name| Instruction::Next(Box::new(Next {
            iterator: dummy(name),
            span: Span::DUMMY
        }))),
    ]
}

fn call() -> impl Strategy<Value = Instruction> {
    let output = prop::option::of(prop_oneof![
        name().prop_map(|name| CallOutput::Scalar(dummy(name))),
        name().prop_map(|name| CallOutput::Stream(dummy(name))),
    ]);
    (peer(), str_value(), str_value(), prop::collection::vec(any_value(), 0..4), output).prop_map(
        |(peer, service, function, args, output)| {
            let span = Span::DUMMY;
            Instruction::Call(Box::new(Call { peer, service, function, args, output, span }))
        },
    )
}

fn canon() -> impl Strategy<Value = Instruction> {
    let form = prop_oneof![
        (name(), name()).prop_map(|(stream, canon)| CanonForm::Stream {
            stream: dummy(stream),
            canon: dummy(canon)
        }),
        (name(), name())
            .prop_map(|(map, canon)| CanonForm::Map { map: dummy(map), canon: dummy(canon) }),
        (name(), name()).prop_map(|(map, scalar)| CanonForm::MapToScalar {
            map: dummy(map),
            scalar: dummy(scalar)
        }),
    ];
    (peer(), form).prop_map(|(peer, form)| {
        Instruction::Canon(Box::new(Canon { peer, form, span: Span::DUMMY }))
    })
}

fn ap() -> impl Strategy<Value = Instruction> {
    let result = prop_oneof![
        name().prop_map(|name| ApResult::Scalar(dummy(name))),
        name().prop_map(|name| ApResult::Stream(dummy(name))),
    ];
    prop_oneof![
        (value(ap_argument()), result).prop_map(|(argument, result)| {
            Instruction::Ap(Box::new(Ap { argument, result, span: Span::DUMMY }))
        }),
        (any_value(), value(ap_argument()), name()).prop_map(|(key, value, map)| {
            Instruction::ApMap(Box::new(ApMap { key, value, map: dummy(map), span: Span::DUMMY }))
        }),
    ]
}

fn fail() -> impl Strategy<Value = Instruction> {
    let kind = prop_oneof![
        value(scalar()).prop_map(FailKind::Value),
        (name(), lens()).prop_map(|(name, lens)| FailKind::Value(Value::new(
            ValueKind::CanonStream { name, lens: Some(lens) },
            Span::DUMMY
        ))),
        (any::<i64>(), "[^\"]{0,8}").prop_map(|(code, message)| FailKind::Literal {
            code,
            message,
            code_span: Span::DUMMY
        }),
        Just(FailKind::LastError),
        Just(FailKind::Error),
    ];
    kind.prop_map(|kind| Instruction::Fail(Box::new(Fail { kind, span: Span::DUMMY })))
}

fn variable() -> impl Strategy<Value = Variable> {
    let kind = prop_oneof![
        Just(VariableKind::Scalar),
        Just(VariableKind::Stream),
        Just(VariableKind::StreamMap),
        Just(VariableKind::CanonStream),
        Just(VariableKind::CanonStreamMap),
    ];
    (kind, name()).prop_map(|(kind, name)| Variable { kind, name: dummy(name) })
}

fn fold_iterable() -> impl Strategy<Value = FoldIterable> {
    prop_oneof![
        value(prop_oneof![
            scalar(),
            name().prop_map(|name| ValueKind::CanonStream { name, lens: None }),
            (name(), prop::option::of(lens()))
                .prop_map(|(name, lens)| ValueKind::CanonStreamMap { name, lens }),
            Just(ValueKind::EmptyArray),
        ])
        .prop_map(FoldIterable::Value),
        name().prop_map(|name| FoldIterable::Stream(dummy(name))),
        name().prop_map(|name| FoldIterable::StreamMap(dummy(name))),
    ]
}

fn instruction() -> impl Strategy<Value = Instruction> {
    leaf().prop_recursive(5, 48, 3, |inner| {
        let pair = (inner.clone(), inner.clone())
            .prop_map(|(left, right)| Box::new(Pair { left, right, span: Span::DUMMY }));
        prop_oneof![
            pair.clone().prop_map(Instruction::Seq),
            pair.clone().prop_map(Instruction::Par),
            pair.prop_map(Instruction::Xor),
            (variable(), inner.clone()).prop_map(|(variable, body)| {
                Instruction::New(Box::new(New { variable, body, span: Span::DUMMY }))
            }),
            (fold_iterable(), name(), inner.clone(), prop::option::of(inner.clone())).prop_map(
                |(iterable, iterator, body, last)| {
                    let iterator = dummy(iterator);
                    Instruction::Fold(Box::new(Fold {
                        iterable,
                        iterator,
                        body,
                        last,
                        span: Span::DUMMY,
                    }))
                }
            ),
            (any_value(), any_value(), inner.clone(), any::<bool>()).prop_map(
                |(left, right, body, mismatch)| {
                    let match_ = Box::new(Match { left, right, body, span: Span::DUMMY });
                    if mismatch {
                        Instruction::Mismatch(match_)
                    } else {
                        Instruction::Match(match_)
                    }
                }
            ),
        ]
    })
}

/// Wraps `inner` in a `seq`, `par`, `xor` or `new` as chosen by `shape`: on the left of the pair
/// (as the code generator nests a long `seq` chain) or on the right.
fn wrap(inner: Instruction, leaf: Instruction, shape: u8) -> Instruction {
    let (left, right) = if shape & 4 == 0 { (inner, leaf) } else { (leaf, inner) };
    let pair = Box::new(Pair { left, right, span: Span::DUMMY });
    match shape % 4 {
        0 => Instruction::Seq(pair),
        1 => Instruction::Par(pair),
        2 => Instruction::Xor(pair),
        _ => Instruction::New(Box::new(New {
            variable: Variable { kind: VariableKind::Stream, name: dummy("s".to_owned()) },
            body: Instruction::Seq(pair),
            span: Span::DUMMY,
        })),
    }
}

/// Chains nested from 60 to 400 levels deep: across the indentation cap of the pretty layout
/// and within the parser's nesting limit.
fn deep_chain() -> impl Strategy<Value = Instruction> {
    (leaf(), prop::collection::vec((leaf(), any::<u8>()), 60..400)).prop_map(|(first, links)| {
        links.into_iter().fold(first, |inner, (leaf, shape)| wrap(inner, leaf, shape))
    })
}

/// A `seq` chain of `length` calls, as the code generator lowers a function of sequential calls.
fn call_chain(length: usize) -> Program {
    let call = parse(r#"(call %init_peer_id% ("op" "noop") [x] y)"#).unwrap().body;
    let body = (1..length).fold(call.clone(), |inner, _| wrap(inner, call.clone(), 0));
    Program { body }
}

#[test]
fn deep_chains_print_in_linear_size() {
    let sizes: Vec<usize> = [2_000, 4_000, 6_000]
        .iter()
        .map(|&length| print_pretty(&call_chain(length)).len())
        .collect();
    // Past the indentation cap every further call costs the same number of bytes.
    assert_eq!(sizes[2] - sizes[1], sizes[1] - sizes[0], "sizes at 2k, 4k and 6k calls: {sizes:?}");
    assert!(sizes[1] - sizes[0] < 2_000 * 300, "under 300 bytes a call: {sizes:?}");
    let printed = print_pretty(&call_chain(8_000));
    let widest = printed.lines().map(str::len).max().unwrap_or(0);
    let call_width = r#"(call %init_peer_id% ("op" "noop") [x] y)"#.len();
    assert_eq!(widest, MAX_INDENT + call_width, "the widest line is a call at the cap");
}

#[test]
fn shallow_chains_keep_one_space_per_level() {
    let printed = print_pretty(&call_chain(MAX_INDENT));
    let deepest = printed.lines().map(|line| line.len() - line.trim_start().len()).max();
    assert_eq!(deepest, Some(MAX_INDENT - 1));
}

/// Words and brackets that AIR scripts are made of, to build inputs that get past the lexer.
fn air_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        prop::sample::select(RESERVED).prop_map(str::to_owned),
        prop::sample::select(
            &[
                "%init_peer_id%",
                ":error:",
                "%last_error%.$.message",
                "$s",
                "#s",
                "#$s",
                "%m",
                "#%m",
                "x",
                "x.$.a.[0]!",
                "#c.length",
                "0",
                "-1",
                "1.5",
                "\"str\"",
                "\"",
                "[]",
                ";c\n",
                ".5",
                "#%m.$.k",
                "i",
            ][..]
        )
        .prop_map(str::to_owned),
        "[^ ]{1,4}",
    ];
    // Pieces are mostly spaced, sometimes glued (a word running into a bracket or a string) or
    // parted by other whitespace and comments.
    let separator = prop::sample::select(&[" ", " ", " ", "", "\n", "\t", " ; c\n"][..]);
    prop::collection::vec((piece, separator), 0..40).prop_map(|pieces| {
        pieces.into_iter().flat_map(|(piece, separator)| [piece, separator.to_owned()]).collect()
    })
}

/// Parses, validates, prints and formats `src`; only a panic fails.
fn exercise(src: &str) {
    if let Ok(program) = parse(src) {
        let _ = validate(&program);
        let printed = print_pretty(&program);
        let reparsed = parse(&printed).map(|program| program.without_spans());
        assert_eq!(reparsed, Ok(program.without_spans()), "{printed}");
    }
    let _ = format_document(src, false);
}

/// `parse` gives what the LALRPOP parser gives, and the hand-written parser alone takes every
/// script that LALRPOP takes (it falls back on LALRPOP only for invalid ones).
fn fast_parser_agrees(src: &str) -> Result<(), TestCaseError> {
    let grammar = parse_with_lalrpop(src, 0);
    prop_assert_eq!(parse(src), grammar.clone(), "{}", src);
    prop_assert_eq!(parse_fast(src, 0), grammar.ok(), "{}", src);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn pretty_layout_round_trips(body in instruction()) {
        let program = Program { body };
        let printed = print_pretty(&program);
        let parsed = parse(&printed).map(|program| program.without_spans());
        prop_assert_eq!(parsed, Ok(program), "{}", printed);
    }

    #[test]
    fn deep_chains_round_trip_in_the_pretty_layout(body in deep_chain()) {
        let program = Program { body };
        let printed = print_pretty(&program);
        let parsed = parse(&printed).map(|program| program.without_spans());
        prop_assert_eq!(parsed, Ok(program), "{}", printed);
    }

    #[test]
    fn compact_layout_round_trips(body in instruction()) {
        let program = Program { body };
        let printed = print_compact(&program);
        let parsed = parse(&printed).map(|program| program.without_spans());
        prop_assert_eq!(parsed, Ok(program), "{}", printed);
    }

    #[test]
    fn arbitrary_text_never_panics(src in any::<String>()) {
        exercise(&src);
    }

    #[test]
    fn air_like_text_never_panics(src in air_soup()) {
        exercise(&src);
    }

    #[test]
    fn the_fast_parser_agrees_with_the_grammar(
        body in instruction(),
        pretty in any::<bool>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..5), 0..3),
    ) {
        // Valid scripts and scripts one or two words away from valid (a word dropped, doubled,
        // swapped, glued to the next one, or a comment put before it): the hand-written parser
        // must give the LALRPOP parser's tree (spans included) or its error.
        let program = Program { body };
        let printed = if pretty { print_pretty(&program) } else { print_compact(&program) };
        let mut words: Vec<String> = printed.split(' ').map(str::to_owned).collect();
        for (at, edit) in edits {
            let at = at.index(words.len());
            match edit {
                0 => { words.remove(at); }
                1 => words.insert(at, words[at].clone()),
                2 => {
                    let other = (at + 1) % words.len();
                    words.swap(at, other);
                }
                3 if at + 1 < words.len() => {
                    let next = words.remove(at + 1);
                    words[at].push_str(&next);
                }
                _ => words.insert(at, ";c\n".to_owned()),
            }
            if words.is_empty() {
                break;
            }
        }
        let src = words.join(" ");
        fast_parser_agrees(&src)?;
    }

    #[test]
    fn the_fast_parser_agrees_on_air_like_text(src in air_soup()) {
        fast_parser_agrees(&src)?;
    }
}
