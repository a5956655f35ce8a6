//! Property tests: the merge of traces is a CRDT join (idempotent, commutative, associative,
//! contradictions rejected), and a script run with particles delivered in random orders, some of
//! them twice, ends with the same result.

use std::collections::BTreeMap;
use std::rc::Rc;

use air_vm::data::{ParticleData, decode, decode_arrived, decode_held, decode_unchecked, encode};
use air_vm::error::DataError;
use air_vm::merge::merge_traces;
use air_vm::placed::{collect_carried, group_results, placed_digests};
use air_vm::step::{StepInputs, step_program_answering};
use air_vm::trace::{
    CallState, CanonResult, CanonState, FoldIteration, FoldState, IterKey, OutputKind, ParState,
    ServiceResult, State,
};
use air_vm::value::{Stored, Tetraplet, Val};
use air_vm::{CallResult, KeptData, KeyPair, Limits, RunParameters, step};
use proptest::prelude::*;
use serde_json::{Value, json};

fn result(value: u8) -> Rc<ServiceResult> {
    let tetraplet =
        Rc::new(Tetraplet { peer_pk: format!("peer{}", value % 3).into(), ..Tetraplet::default() });
    ServiceResult::new(Stored::from_json(json!(value)), tetraplet, [value; 32])
}

/// A complete trace: every call executed or failed, every canon executed.
fn full_trace() -> impl Strategy<Value = Vec<State>> {
    let leaf = prop_oneof![
        (0u8..6).prop_map(|value| State::Call(CallState::Executed {
            output: OutputKind::Scalar,
            result: result(value)
        })),
        (0u8..6, 0u32..3).prop_map(|(value, generation)| State::Call(CallState::Executed {
            output: OutputKind::Stream(generation),
            result: result(value)
        })),
        (0u8..6).prop_map(|value| State::Call(CallState::Failed(result(value)))),
        (0u32..3).prop_map(State::Ap),
        (0u8..4).prop_map(|value| {
            let element =
                Val { value: Stored::from_json(json!(value)), tetraplet: Tetraplet::peer("p") };
            State::Canon(CanonState::Executed(CanonResult::new(Rc::from("p"), vec![element])))
        }),
    ];
    let state = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            (
                prop::collection::vec(inner.clone(), 0..4),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(left, right)| State::Par(Box::new(ParState { left, right }))),
            prop::collection::btree_map(0u8..5, prop::collection::vec(inner, 0..3), 0..3).prop_map(
                |iterations| {
                    let iterations = iterations
                        .into_iter()
                        .map(|(digest, trace)| FoldIteration {
                            key: IterKey { digest: [digest; 16], nth: 0 },
                            trace,
                        })
                        .collect();
                    State::Fold(FoldState { iterations, last: Vec::new() })
                }
            ),
        ]
    });
    prop::collection::vec(state, 0..6)
}

/// A partial view of a full trace, as some peer may hold it: a prefix of each subtrace, with some
/// results not yet arrived (sent), some fold iterations missing and, if `renumber`, stream values
/// in the peer's own generations. `bits` drives the choices.
fn view(trace: &[State], bits: &mut impl Iterator<Item = u8>, renumber: bool) -> Vec<State> {
    let keep = usize::from(bits.next().unwrap_or(255)) * (trace.len() + 1) / 256;
    let keep = if bits.next().unwrap_or(0).is_multiple_of(3) { keep } else { trace.len() };
    trace[..keep.min(trace.len())]
        .iter()
        .map(|state| match state {
            State::Call(_) if bits.next().unwrap_or(0).is_multiple_of(3) => {
                let sender: Rc<str> = Rc::from(format!("sender{}", bits.next().unwrap_or(0) % 2));
                State::Call(CallState::Sent { sender, call_id: None })
            }
            State::Canon(_) if bits.next().unwrap_or(0).is_multiple_of(3) => {
                State::Canon(CanonState::Sent { sender: Rc::from("sender0") })
            }
            State::Ap(_) if renumber => State::Ap(u32::from(bits.next().unwrap_or(0) % 4)),
            State::Call(CallState::Executed { output: OutputKind::Stream(_), result })
                if renumber =>
            {
                let generation = u32::from(bits.next().unwrap_or(0) % 4);
                let output = OutputKind::Stream(generation);
                State::Call(CallState::Executed { output, result: result.clone() })
            }
            State::Par(par) => State::Par(Box::new(ParState {
                left: view(&par.left, bits, renumber),
                right: view(&par.right, bits, renumber),
            })),
            State::Fold(fold) => {
                let mut iterations = Vec::new();
                for iteration in &fold.iterations {
                    if !bits.next().unwrap_or(0).is_multiple_of(4) {
                        let trace = view(&iteration.trace, bits, renumber);
                        iterations.push(FoldIteration { key: iteration.key, trace });
                    }
                }
                State::Fold(FoldState { iterations, last: Vec::new() })
            }
            other => other.clone(),
        })
        .collect()
}

fn views() -> impl Strategy<Value = (Vec<State>, Vec<State>, Vec<State>)> {
    (full_trace(), prop::collection::vec(any::<u8>(), 64..256)).prop_map(|(full, bits)| {
        let mut bits = bits.into_iter().cycle();
        let a = view(&full, &mut bits, true);
        let b = view(&full, &mut bits, true);
        let c = view(&full, &mut bits, true);
        (a, b, c)
    })
}

fn merge(a: &[State], b: &[State]) -> Result<Vec<State>, air_vm::FatalError> {
    merge_traces(a.to_vec(), b.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn merge_is_idempotent((a, _, _) in views()) {
        prop_assert_eq!(merge(&a, &a).expect("a view merges with itself"), a);
    }

    #[test]
    fn merge_is_commutative((a, b, _) in views()) {
        prop_assert_eq!(merge(&a, &b).expect("views agree"), merge(&b, &a).expect("views agree"));
    }

    #[test]
    fn merge_is_associative((a, b, c) in views()) {
        let left = merge(&merge(&a, &b).expect("views agree"), &c).expect("views agree");
        let right = merge(&a, &merge(&b, &c).expect("views agree")).expect("views agree");
        prop_assert_eq!(left, right);
    }

    #[test]
    fn merge_absorbs_a_view_into_the_full_trace((a, _, _) in views(), full in full_trace()) {
        // Any view of a trace (in the trace's generations) merged with the trace gives the trace
        // back.
        let mut bits = std::iter::repeat(7u8);
        let partial = view(&full, &mut bits, false);
        prop_assert_eq!(merge(&partial, &full).expect("a view agrees with its trace"), full.clone());
        let _ = a;
    }

    #[test]
    fn contradicting_results_are_rejected(value in 0u8..6, other in 0u8..6) {
        prop_assume!(value != other);
        let a = vec![State::Call(CallState::Executed { output: OutputKind::Scalar, result: result(value) })];
        let b = vec![State::Call(CallState::Executed { output: OutputKind::Scalar, result: result(other) })];
        prop_assert!(merge(&a, &b).is_err());
        let failed = vec![State::Call(CallState::Failed(result(value)))];
        prop_assert!(merge(&a, &failed).is_err());
        prop_assert!(merge(&a, &[State::Ap(0)]).is_err());
        let stream = |generation| vec![State::Call(CallState::Executed {
            output: OutputKind::Stream(generation),
            result: result(value),
        })];
        prop_assert!(merge(&a, &stream(0)).is_err());
        prop_assert_eq!(merge(&stream(other.into()), &stream(value.into())).expect("one value"),
            stream(u32::from(value.min(other))));
    }

    #[test]
    fn decode_accepts_exactly_the_canonical_encodings(
        (trace, _, _) in views(),
        signers in prop::collection::btree_set(0u8..4, 0..3),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
    ) {
        // The canonical form is checked while decoding; it must agree with its definition:
        // the bytes decode, and encoding the result gives them back.
        let signatures = signers.iter().map(|n| (format!("peer{n}"), [*n; 64])).collect();
        let data = ParticleData { trace, last_call_id: 3, signatures };
        let mut bytes = encode(&data);
        prop_assert_eq!(decode(&bytes), Ok(data.clone()));
        // A peer holding the original data shares what it holds with what arrives; the digests
        // it carries are the ones its results have.
        let (held_data, held, placed) = decode_held(&bytes).expect("valid data");
        let computed = group_results(placed_digests(&data.trace));
        prop_assert_eq!(collect_carried(&held_data.trace, &placed), computed);
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        let by_definition = decode_unchecked(&bytes).and_then(|decoded| {
            if encode(&decoded) == bytes { Ok(decoded) } else { Err(DataError::NonCanonical) }
        });
        let arrived = decode_arrived(&bytes, &held);
        if let Ok((arrived, by_peer)) = &arrived {
            prop_assert_eq!(by_peer, &group_results(placed_digests(&arrived.trace)));
        }
        prop_assert_eq!(arrived.map(|(data, _)| data), by_definition.clone());
        prop_assert_eq!(decode(&bytes), by_definition);
    }
}

/// A tiny network driven by a delivery schedule: `choices` picks which pending particle is
/// delivered next and whether it is delivered twice.
fn run_network(air_template: &str, peers: &[&str], choices: &[u8]) -> Vec<Value> {
    let ids: BTreeMap<&str, String> =
        peers.iter().map(|name| (*name, KeyPair::from_name(name).peer_id())).collect();
    let mut air = air_template.to_owned();
    for (name, id) in &ids {
        air = air.replace(&format!("@{name}@"), id);
    }
    let names: BTreeMap<String, &str> = ids.iter().map(|(name, id)| (id.clone(), *name)).collect();
    let mut prev: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
    let mut pending: Vec<(&str, Vec<u8>)> = vec![(peers[0], Vec::new())];
    let mut responses = Vec::new();
    let mut choices = choices.iter().copied().cycle();
    let mut deliveries = 0;
    let mut duplicates = 0;
    while !pending.is_empty() && deliveries < 500 {
        deliveries += 1;
        let pick = usize::from(choices.next().unwrap_or(0)) % pending.len();
        let duplicate = choices.next().unwrap_or(0).is_multiple_of(5) && duplicates < 8;
        let (peer, data) = if duplicate {
            duplicates += 1;
            pending[pick].clone()
        } else {
            pending.remove(pick)
        };
        let key = KeyPair::from_name(peer);
        let params = RunParameters {
            init_peer_id: ids[peers[0]].clone(),
            current_peer_id: key.peer_id(),
            particle_id: "property".into(),
            timestamp: 1,
            ttl: 1000,
            key,
            limits: Limits::default(),
        };
        let mut data_prev = prev.remove(peer).unwrap_or_default();
        let mut current = data;
        let mut results = BTreeMap::new();
        loop {
            let outcome = step(&air, &data_prev, &current, &params, results);
            assert_eq!(outcome.ret_code, 0, "{}", outcome.error_message);
            data_prev = outcome.data;
            for next in outcome.next_peers {
                if let Some(name) = names.get(&next) {
                    pending.push((name, data_prev.clone()));
                }
            }
            if outcome.call_requests.is_empty() {
                break;
            }
            results = BTreeMap::new();
            for request in outcome.call_requests {
                let value = match request.service_id.as_str() {
                    "callback" => {
                        responses.push(Value::Array(request.argument_values()));
                        Value::Null
                    }
                    "op" => Value::Null,
                    _ => json!(format!(
                        "{peer} got {}",
                        request.argument_values().first().unwrap_or(&Value::Null)
                    )),
                };
                results
                    .insert(request.call_id, CallResult { ret_code: 0, result: value.to_string() });
            }
            current = Vec::new();
        }
        prev.insert(peer, data_prev);
    }
    responses
}

const PAR_SCALARS: &str = r#"(seq (par (seq (call "@p1@" ("svc" "f") [1] a) (call %init_peer_id% ("op" "noop") [])) (par (seq (call "@p2@" ("svc" "f") [2] b) (call %init_peer_id% ("op" "noop") [])) (seq (call "@p3@" ("svc" "f") [3] c) (call %init_peer_id% ("op" "noop") [])))) (call %init_peer_id% ("callback" "done") [a b c]))"#;

const FOLD_JOIN: &str = r#"(seq (seq (ap "@p1@" $ps) (seq (ap "@p2@" $ps) (seq (ap "@p3@" $ps) (canon %init_peer_id% $ps #ps)))) (seq (fold #ps p (par (seq (call p ("svc" "f") [p] $res) (call %init_peer_id% ("op" "noop") [])) (next p)) (null)) (seq (new $gate (fold $res r (seq (seq (ap r $gate) (canon %init_peer_id% $gate #gate)) (xor (match #gate.length 3 (null)) (next r))) (never))) (seq (canon %init_peer_id% $res #res) (call %init_peer_id% ("callback" "done") [#res.length])))))"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn par_result_is_independent_of_delivery_order(choices in prop::collection::vec(any::<u8>(), 1..64)) {
        let responses = run_network(PAR_SCALARS, &["client", "p1", "p2", "p3"], &choices);
        prop_assert!(!responses.is_empty());
        for response in &responses {
            prop_assert_eq!(response, &json!(["p1 got 1", "p2 got 2", "p3 got 3"]));
        }
    }

    #[test]
    fn join_result_is_independent_of_delivery_order(choices in prop::collection::vec(any::<u8>(), 1..64)) {
        let responses = run_network(FOLD_JOIN, &["client", "p1", "p2", "p3"], &choices);
        prop_assert!(!responses.is_empty());
        for response in &responses {
            prop_assert_eq!(response, &json!([3]));
        }
    }
}

/// Random instructions over a fixed set of names: `x` (a scalar), `$s` (a stream), `#cc` (a
/// canon stream), and fold iterators.
fn instruction() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("x".to_owned()),
        Just("x.$.[0]".to_owned()),
        Just("x.length".to_owned()),
        Just("\"lit\"".to_owned()),
        Just("7".to_owned()),
        Just("%init_peer_id%".to_owned()),
        Just(":error:".to_owned()),
        Just("%last_error%.$.message".to_owned()),
    ];
    let leaf = prop_oneof![
        value.clone().prop_map(|arg| format!(r#"(call %init_peer_id% ("svc" "f") [{arg}])"#)),
        value.clone().prop_map(|arg| format!(r#"(call %init_peer_id% ("svc" "g") [{arg}] $s)"#)),
        Just(r#"(call "@bar@" ("svc" "r") [x] $s)"#.to_owned()),
        value.clone().prop_map(|arg| format!("(ap {arg} $s)")),
        Just("(canon %init_peer_id% $s #cc)".to_owned()),
        Just(r#"(canon "@bar@" $s #cc)"#.to_owned()),
        Just("(null)".to_owned()),
        Just("(never)".to_owned()),
        Just(r#"(fail 3 "boom")"#.to_owned()),
        Just("(fail :error:)".to_owned()),
        (value.clone(), value).prop_map(|(a, b)| format!("(match {a} {b} (null))")),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("(seq {a} {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("(par {a} {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("(xor {a} {b})")),
            inner.clone().prop_map(|body| format!("(new $s {body})")),
            inner.clone().prop_map(|body| format!("(fold $s i (seq {body} (next i)) (null))")),
            inner.clone().prop_map(|body| format!("(fold x j (par {body} (next j)))")),
            inner.prop_map(|body| format!("(fold #cc k (seq (next k) {body}))")),
        ]
    })
}

/// The parameters of a local run of the random scripts: a small step budget, so that a random
/// script that runs away (nested folds, errors rethrown again and again) ends with the budget's
/// error instead of running for minutes; the properties hold for that outcome too.
fn fuzz_params() -> RunParameters {
    let key = KeyPair::from_name("foo");
    RunParameters {
        init_peer_id: key.peer_id(),
        current_peer_id: key.peer_id(),
        particle_id: "fuzz".into(),
        timestamp: 1,
        ttl: 1,
        key,
        limits: Limits { max_instructions: 200_000, ..Limits::default() },
    }
}

/// A random body inside the prologue that defines `x`, `$s` and `#cc`.
fn fuzz_script(body: &str) -> String {
    let air = format!(
        r#"(seq (seq (call %init_peer_id% ("svc" "x") [] x) (seq (ap x $s) (canon %init_peer_id% $s #cc))) {body})"#
    );
    air.replace("@bar@", &KeyPair::from_name("bar").peer_id())
}

/// The answers to a step's call requests, taken in turn from `answers`.
fn answer_all(
    requests: &[air_vm::CallRequest],
    answers: &mut impl Iterator<Item = u8>,
) -> BTreeMap<u32, CallResult> {
    requests
        .iter()
        .map(|request| {
            let answer = match answers.next().unwrap_or(0) {
                0 => CallResult { ret_code: 0, result: "[1, 2]".into() },
                1 => CallResult { ret_code: 0, result: "\"text\"".into() },
                2 => CallResult { ret_code: 5, result: "\"failed\"".into() },
                _ => CallResult { ret_code: 0, result: "not json".into() },
            };
            (request.call_id, answer)
        })
        .collect()
}

/// Up to 8 local steps of `program`, each answering the previous one's call requests, with the
/// peer keeping its decoded data in `kept` when given: every step's outcome.
fn run_locally(
    program: &air_syntax::Program,
    answers: &[u8],
    mut kept: Option<&mut KeptData>,
) -> Vec<air_vm::StepOutcome> {
    let params = fuzz_params();
    let mut answers = answers.iter().copied().cycle();
    let (mut data, mut results) = (Vec::new(), BTreeMap::new());
    let mut outcomes = Vec::new();
    for _ in 0..8 {
        let inputs = StepInputs {
            prev_data: &data,
            current_data: &[],
            params: &params,
            call_results: results,
            known: None,
            kept: kept.as_deref_mut(),
        };
        let outcome = step_program_answering(program, inputs, None);
        results = answer_all(&outcome.call_requests, &mut answers);
        data = outcome.data.clone();
        let done = outcome.call_requests.is_empty();
        outcomes.push(outcome);
        if done {
            break;
        }
    }
    outcomes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// A peer keeping its decoded data between steps ([`KeptData`]) gives byte for byte the
    /// outcomes of a peer decoding every step's data, on random scripts and answers.
    #[test]
    fn kept_data_changes_no_outcome(body in instruction(), answers in prop::collection::vec(0u8..4, 1..16)) {
        let air = fuzz_script(&body);
        let program = air_syntax::parse_and_validate(&air);
        // Nested folds may reuse an iterator name, which the validator rejects.
        prop_assume!(program.is_ok());
        let program = program.expect("checked above");
        let decoding = run_locally(&program, &answers, None);
        let mut kept = KeptData::new();
        let keeping = run_locally(&program, &answers, Some(&mut kept));
        prop_assert_eq!(decoding, keeping);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Random scripts with random service answers never panic, and every step's data decodes.
    #[test]
    fn random_scripts_never_panic(body in instruction(), answers in prop::collection::vec(0u8..4, 1..16)) {
        let air = fuzz_script(&body);
        let params = fuzz_params();
        let mut data = Vec::new();
        let mut results = BTreeMap::new();
        let mut answers = answers.into_iter().cycle();
        for _ in 0..8 {
            let outcome = step(&air, &data, &[], &params, results);
            // Nested folds may reuse an iterator name, which the validator rejects.
            prop_assume!(outcome.ret_code != 1);
            prop_assert!(air_vm::decode(&outcome.data).is_ok());
            if outcome.call_requests.is_empty() {
                break;
            }
            results = answer_all(&outcome.call_requests, &mut answers);
            data = outcome.data;
        }
    }
}
