//! Security tests: forged, re-signed, truncated, reordered, oversized and garbage data are each
//! rejected with their own error, and the previous data is kept unchanged.

use std::collections::BTreeMap;
use std::rc::Rc;

use air_vm::data::{FORMAT_VERSION, ParticleData, decode, decode_unchecked, encode};
use air_vm::error::{DataError, FatalError, PreparationError, SignatureError, VmError};
use air_vm::placed::visit_signed;
use air_vm::trace::{CallState, OutputKind, ParState, ServiceResult, State};
use air_vm::value::{Hash, Stored, Tetraplet};
use air_vm::{
    CallResult, KeyPair, Limits, RunParameters, StepOutcome, VerifiedSignatures, step,
    step_program_with,
};

const PARTICLE: &str = "particle-security";

fn params(peer: &str, init: &str) -> RunParameters {
    let key = KeyPair::from_name(peer);
    RunParameters {
        init_peer_id: KeyPair::from_name(init).peer_id(),
        current_peer_id: key.peer_id(),
        particle_id: PARTICLE.into(),
        timestamp: 1,
        ttl: 1000,
        key,
        limits: Limits::default(),
    }
}

fn id(peer: &str) -> String {
    KeyPair::from_name(peer).peer_id()
}

/// foo computes x, bar computes y from x, foo logs y.
fn script() -> String {
    format!(
        r#"(seq (call "{foo}" ("svc" "f") [] x) (seq (call "{bar}" ("svc" "g") [x] y) (call "{foo}" ("log" "h") [y])))"#,
        foo = id("foo"),
        bar = id("bar")
    )
}

fn answer(result: &str) -> BTreeMap<u32, CallResult> {
    BTreeMap::from([(1, CallResult { ret_code: 0, result: result.into() })])
}

/// The data foo sends to bar after its call returned `result`.
fn foo_data(result: &str) -> Vec<u8> {
    let params = params("foo", "foo");
    let first = step(&script(), &[], &[], &params, BTreeMap::new());
    let second = step(&script(), &first.data, &[], &params, answer(result));
    assert_eq!(second.ret_code, 0, "{}", second.error_message);
    assert_eq!(second.next_peers, vec![id("bar")]);
    second.data
}

/// Runs bar on `incoming` (with `prev` as its previous data).
fn bar_receives(prev: &[u8], incoming: &[u8]) -> StepOutcome {
    step(&script(), prev, incoming, &params("bar", "foo"), BTreeMap::new())
}

fn preparation(outcome: &StepOutcome) -> PreparationError {
    match &outcome.error {
        Some(VmError::Preparation(error)) => error.clone(),
        other => panic!("expected a preparation error, got {other:?}"),
    }
}

fn data_error(outcome: &StepOutcome) -> DataError {
    match preparation(outcome) {
        PreparationError::Data(error) => error,
        other => panic!("expected a data error, got {other:?}"),
    }
}

fn signature_error(outcome: &StepOutcome) -> SignatureError {
    match preparation(outcome) {
        PreparationError::Signature(error) => error,
        other => panic!("expected a signature error, got {other:?}"),
    }
}

fn fatal(outcome: &StepOutcome) -> FatalError {
    match &outcome.error {
        Some(VmError::Fatal(error)) => error.clone(),
        other => panic!("expected a fatal error, got {other:?}"),
    }
}

/// Applies `edit` to the decoded data and encodes it again (canonically).
fn tamper(data: &[u8], edit: impl FnOnce(&mut ParticleData)) -> Vec<u8> {
    let mut decoded = decode(data).expect("valid data");
    edit(&mut decoded);
    encode(&decoded)
}

fn first_result(data: &ParticleData) -> Rc<ServiceResult> {
    match &data.trace[0] {
        State::Call(CallState::Executed { result, .. }) => result.clone(),
        other => panic!("expected an executed call, got {other:?}"),
    }
}

/// The digests `peer` signs in `data`: its results bound to their places, as a peer signs them.
fn placed_digests(data: &ParticleData, peer: &str) -> Vec<Hash> {
    let mut digests = Vec::new();
    visit_signed(&data.trace, &mut |owner, digest| {
        if owner == peer {
            digests.push(digest);
        }
    });
    digests
}

fn with_value(result: &ServiceResult, value: &str) -> Rc<ServiceResult> {
    let value = Stored::from_json(serde_json::Value::from(value));
    ServiceResult::new(value, result.tetraplet.clone(), result.args_hash)
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Hand-made data: the given string and value tables, one tetraplet of string 0, then `trace`
/// and `signed` placed digests of zeros (one for each signed result the trace holds; none is the
/// right one, so data that is otherwise canonical is not).
fn crafted(strings: &[&str], values: &[&str], trace: &[u8], signed: usize) -> Vec<u8> {
    let mut out = b"AQPD".to_vec();
    out.push(FORMAT_VERSION);
    varint(&mut out, strings.len() as u64);
    for text in strings {
        varint(&mut out, text.len() as u64);
        out.extend_from_slice(text.as_bytes());
    }
    varint(&mut out, values.len() as u64);
    for text in values {
        varint(&mut out, text.len() as u64);
        out.extend_from_slice(text.as_bytes());
    }
    out.extend_from_slice(&[1, 0, 0, 0, 0]);
    out.push(0); // last call id
    out.extend_from_slice(trace);
    varint(&mut out, signed as u64);
    out.extend(std::iter::repeat_n(0, 32 * signed));
    out.push(0); // no signatures
    out
}

/// [`crafted`] with the right placed digests.
fn crafted_with_digests(strings: &[&str], values: &[&str], trace: &[u8], signed: usize) -> Vec<u8> {
    let mut data = crafted(strings, values, trace, signed);
    let decoded = decode_unchecked(&data).expect("decodes");
    let digests = air_vm::placed::placed_digests(&decoded.trace);
    assert_eq!(digests.len(), signed);
    // The digests end just before the signatures' count, the last byte.
    let end = data.len() - 1;
    for (at, (_, digest)) in (end - 32 * signed..end).step_by(32).zip(digests) {
        data[at..at + 32].copy_from_slice(&digest);
    }
    data
}

#[test]
fn honest_data_is_accepted() {
    let outcome = bar_receives(&[], &foo_data("1"));
    assert_eq!(outcome.ret_code, 0, "{}", outcome.error_message);
    assert_eq!(outcome.call_requests.len(), 1);
}

#[test]
fn garbage_is_rejected() {
    let outcome = bar_receives(&[], b"this is not particle data at all");
    assert_eq!(data_error(&outcome), DataError::BadMagic);
    assert_eq!(outcome.ret_code, 2);
    assert!(outcome.data.is_empty() && outcome.next_peers.is_empty());
}

#[test]
fn truncated_data_is_rejected() {
    let data = foo_data("1");
    for cut in [5, data.len() / 2, data.len() - 1] {
        let outcome = bar_receives(&[], &data[..cut]);
        assert!(matches!(data_error(&outcome), DataError::Truncated(_) | DataError::BadCount(_)));
    }
}

#[test]
fn trailing_bytes_are_rejected() {
    let mut data = foo_data("1");
    data.push(0);
    assert_eq!(data_error(&bar_receives(&[], &data)), DataError::TrailingBytes(1));
}

#[test]
fn unknown_format_version_is_rejected() {
    let mut data = foo_data("1");
    data[4] = 99;
    assert_eq!(data_error(&bar_receives(&[], &data)), DataError::UnsupportedVersion(99));
}

#[test]
fn reordered_value_table_is_rejected() {
    let peer = id("foo");
    // Two executed calls referencing value 1 first: not the order an encoder writes.
    let mut trace = vec![2];
    for value in [1u8, 0] {
        trace.extend_from_slice(&[1, value, 0]);
        trace.extend_from_slice(&[0; 32]);
    }
    let data = crafted_with_digests(&[&peer], &["1", "2"], &trace, 2);
    assert_eq!(data_error(&bar_receives(&[], &data)), DataError::NonCanonical);
}

#[test]
fn duplicated_value_is_rejected() {
    let peer = id("foo");
    let mut trace = vec![1, 1, 0, 0];
    trace.extend_from_slice(&[0; 32]);
    let data = crafted_with_digests(&[&peer], &["1", "1"], &trace, 1);
    assert_eq!(data_error(&bar_receives(&[], &data)), DataError::NonCanonical);
}

/// Two executed calls of `peer`'s, with values 0 and 1 (in the order an encoder writes).
fn two_calls() -> Vec<u8> {
    let mut trace = vec![2];
    for value in [0u8, 1] {
        trace.extend_from_slice(&[1, value, 0]);
        trace.extend_from_slice(&[0; 32]);
    }
    trace
}

#[test]
fn a_value_twice_in_the_table_is_rejected_whether_or_not_the_peer_holds_it() {
    // Both entries used, in order: only their being equal makes the data non-canonical. A peer
    // holding the value shares both entries with its own.
    let data = crafted_with_digests(&[&id("foo")], &["1", "1"], &two_calls(), 2);
    assert_eq!(data_error(&bar_receives(&[], &data)), DataError::NonCanonical);
    let holding = foo_data("1");
    assert!(decode(&holding).expect("valid data").trace.len() > 1);
    assert_eq!(data_error(&bar_receives(&holding, &data)), DataError::NonCanonical);
}

#[test]
fn data_without_one_placed_digest_for_each_signed_result_is_rejected() {
    for carried in [0, 1, 3] {
        let data = crafted(&[&id("foo")], &["1", "2"], &two_calls(), carried);
        let error = data_error(&bar_receives(&[], &data));
        assert!(
            matches!(error, DataError::PlacedDigestCount { count, signed: 2, .. } if count == carried),
            "{error:?}"
        );
    }
}

#[test]
fn a_wrong_placed_digest_is_rejected_even_for_a_result_the_peer_holds() {
    // foo_data ends with foo's placed digests and then its one signature (a count, foo's string
    // index and 64 bytes): the byte before those 66 is the last digest's last byte.
    let honest = foo_data("1");
    let mut forged = honest.clone();
    let last_digest_byte = forged.len() - 67;
    forged[last_digest_byte] ^= 1;
    assert_eq!(data_error(&bar_receives(&[], &forged)), DataError::NonCanonical);
    // Holding the very same result, at the same place, bar still finds the digest wrong.
    assert_eq!(data_error(&bar_receives(&honest, &forged)), DataError::NonCanonical);
    assert_eq!(bar_receives(&honest, &honest).ret_code, 0);
}

#[test]
fn unknown_state_tag_is_rejected() {
    let data = crafted(&["p"], &[], &[1, 200], 0);
    assert!(matches!(data_error(&bar_receives(&[], &data)), DataError::BadTag { tag: 200, .. }));
}

#[test]
fn out_of_range_index_is_rejected() {
    let mut trace = vec![1, 1, 7, 0];
    trace.extend_from_slice(&[0; 32]);
    let data = crafted(&["p"], &["1"], &trace, 1);
    assert!(matches!(
        data_error(&bar_receives(&[], &data)),
        DataError::BadIndex { what: "value", index: 7 }
    ));
}

#[test]
fn invalid_json_value_is_rejected() {
    let data = crafted(&["p"], &["{not json"], &[0], 0);
    assert_eq!(data_error(&bar_receives(&[], &data)), DataError::InvalidJson(0));
}

/// A long value carries its hash; data whose carried hash is not the text's is rejected, and a
/// peer holding the value with its right hash rejects it too.
#[test]
fn long_value_with_a_wrong_hash_is_rejected() {
    let text = format!("\"{}\"", "x".repeat(2_000));
    let honest = foo_data(&text);
    assert_eq!(bar_receives(&[], &honest).ret_code, 0, "honest long values are accepted");
    let at = honest.windows(text.len()).position(|window| window == text.as_bytes());
    let hash_at = at.expect("the value's text is in the data") + text.len();
    let mut forged = honest.clone();
    forged[hash_at] ^= 1;
    assert_eq!(data_error(&bar_receives(&[], &forged)), DataError::ValueHashMismatch(0));
    // Bar holding the honest data shares its value; the forged hash still does not pass.
    let held = bar_receives(&[], &honest).data;
    assert_eq!(data_error(&bar_receives(&held, &forged)), DataError::ValueHashMismatch(0));
}

/// A `fold … par` over n peers nests n pars: 5,000 levels (a fan-out over 5,000 peers) decode.
#[test]
fn deep_par_nesting_within_the_limit_decodes() {
    let mut state = State::Ap(0);
    for _ in 0..5_000 {
        state = State::Par(Box::new(ParState { left: vec![state], right: Vec::new() }));
    }
    let data = encode(&ParticleData { trace: vec![state], ..ParticleData::default() });
    assert!(decode(&data).is_ok());
}

#[test]
fn too_deep_trace_is_rejected() {
    let mut state = State::Ap(0);
    for _ in 0..=air_vm::data::MAX_DEPTH + 1 {
        state = State::Par(Box::new(ParState { left: vec![state], right: Vec::new() }));
    }
    // Encoding and dropping a trace this deep must not overflow the stack either.
    let data = encode(&ParticleData { trace: vec![state], ..ParticleData::default() });
    assert_eq!(data_error(&bar_receives(&[], &data)), DataError::TooDeep(air_vm::data::MAX_DEPTH));
}

#[test]
fn forged_value_is_rejected() {
    let data = tamper(&foo_data("1"), |data| {
        let forged = with_value(&first_result(data), "forged");
        data.trace[0] =
            State::Call(CallState::Executed { output: OutputKind::Scalar, result: forged });
    });
    assert_eq!(signature_error(&bar_receives(&[], &data)), SignatureError::BadSignature(id("foo")));
}

/// foo's data after bar answered, as it comes back to foo, with foo's signature in it replaced.
fn back_to_foo_with_foo_signature(signature: [u8; 64]) -> Vec<u8> {
    let outcome = bar_receives(&[], &foo_data("1"));
    assert_eq!(outcome.ret_code, 0, "{}", outcome.error_message);
    tamper(&outcome.data, |data| {
        data.signatures.insert(id("foo"), signature);
    })
}

#[test]
fn a_signature_over_results_the_peer_already_holds_is_not_verified_again_nor_kept() {
    // foo holds its result, signed; the data coming back carries a broken signature of foo's
    // over that same result: nothing new is taken from it, so it is not checked, and foo's
    // own signature is the one kept.
    let held = foo_data("1");
    let incoming = back_to_foo_with_foo_signature([7; 64]);
    let outcome = step(&script(), &held, &incoming, &params("foo", "foo"), BTreeMap::new());
    assert_eq!(outcome.ret_code, 0, "{}", outcome.error_message);
    let kept = decode(&outcome.data).expect("valid data").signatures[&id("foo")];
    assert_eq!(kept, decode(&held).expect("valid data").signatures[&id("foo")]);
    assert_ne!(kept, [7; 64]);
}

#[test]
fn a_broken_signature_over_results_not_all_held_is_rejected() {
    // Without foo's result held (a peer that has not seen it), the same data is refused.
    let incoming = back_to_foo_with_foo_signature([7; 64]);
    let outcome = step(&script(), &[], &incoming, &params("foo", "foo"), BTreeMap::new());
    assert_eq!(signature_error(&outcome), SignatureError::BadSignature(id("foo")));
}

#[test]
fn value_re_signed_by_another_key_is_rejected() {
    let data = tamper(&foo_data("1"), |data| {
        let forged = with_value(&first_result(data), "forged");
        data.trace[0] =
            State::Call(CallState::Executed { output: OutputKind::Scalar, result: forged });
        let mut digest = placed_digests(data, &id("foo"));
        // The attacker signs with its own key but files the signature under foo's id.
        let signature = KeyPair::from_name("baz").sign(PARTICLE, &mut digest);
        data.signatures.insert(id("foo"), signature);
    });
    assert_eq!(signature_error(&bar_receives(&[], &data)), SignatureError::BadSignature(id("foo")));
}

#[test]
fn result_reattributed_to_the_attacker_is_rejected() {
    let data = tamper(&foo_data("1"), |data| {
        let result = first_result(data);
        let mut tetraplet = (*result.tetraplet).clone();
        tetraplet.peer_pk = id("baz").into();
        let stolen = ServiceResult::new(result.value.clone(), Rc::new(tetraplet), result.args_hash);
        data.trace[0] =
            State::Call(CallState::Executed { output: OutputKind::Scalar, result: stolen });
        let mut digest = placed_digests(data, &id("baz"));
        data.signatures.remove(&id("foo"));
        data.signatures.insert(id("baz"), KeyPair::from_name("baz").sign(PARTICLE, &mut digest));
    });
    let outcome = bar_receives(&[], &data);
    assert!(matches!(fatal(&outcome), FatalError::ParametersMismatch(_)));
    assert_eq!(outcome.ret_code, 20017);
}

#[test]
fn missing_signature_is_rejected() {
    let data = tamper(&foo_data("1"), |data| {
        data.signatures.clear();
    });
    assert_eq!(
        signature_error(&bar_receives(&[], &data)),
        SignatureError::MissingSignature(id("foo"))
    );
}

#[test]
fn signature_of_a_peer_without_results_is_rejected() {
    let data = tamper(&foo_data("1"), |data| {
        data.signatures.insert(id("baz"), [7; 64]);
    });
    assert_eq!(
        signature_error(&bar_receives(&[], &data)),
        SignatureError::UnexpectedSignature(id("baz"))
    );
}

#[test]
fn result_of_a_non_peer_id_is_rejected() {
    let data = tamper(&foo_data("1"), |data| {
        let result = first_result(data);
        let tetraplet = Tetraplet { peer_pk: "not-a-peer".into(), ..(*result.tetraplet).clone() };
        let odd = ServiceResult::new(result.value.clone(), Rc::new(tetraplet), result.args_hash);
        data.trace
            .push(State::Call(CallState::Executed { output: OutputKind::Unused, result: odd }));
        data.signatures.insert("not-a-peer".into(), [1; 64]);
    });
    assert_eq!(
        signature_error(&bar_receives(&[], &data)),
        SignatureError::InvalidPeerId("not-a-peer".into())
    );
}

#[test]
fn replay_under_another_particle_id_is_rejected() {
    let data = foo_data("1");
    let mut params = params("bar", "foo");
    params.particle_id = "another-particle".into();
    let outcome = step(&script(), &[], &data, &params, BTreeMap::new());
    assert_eq!(signature_error(&outcome), SignatureError::BadSignature(id("foo")));
}

#[test]
fn injected_unused_result_is_rejected() {
    // AquaVM does not sign results of calls without an output variable; we do.
    let data = tamper(&foo_data("1"), |data| {
        let result = first_result(data);
        let tetraplet = Tetraplet { peer_pk: id("bar").into(), ..(*result.tetraplet).clone() };
        let injected =
            ServiceResult::new(result.value.clone(), Rc::new(tetraplet), result.args_hash);
        data.trace.push(State::Call(CallState::Executed {
            output: OutputKind::Unused,
            result: injected,
        }));
    });
    assert_eq!(
        signature_error(&bar_receives(&[], &data)),
        SignatureError::MissingSignature(id("bar"))
    );
}

#[test]
fn of_several_faults_the_first_in_peer_id_order_is_reported() {
    // Unsigned results are injected for some peers, and foo's signature is spoilt or not: the
    // fault reported is that of the peer whose id comes first, whatever the order in which the
    // peers' results were gathered. (The ids of c, foo, baz and bar come in that order.)
    let first_fault = |unsigned: &[&str], spoil_foo: bool| {
        let data = tamper(&foo_data("1"), |data| {
            let result = first_result(data);
            for name in unsigned {
                let tetraplet =
                    Tetraplet { peer_pk: id(name).into(), ..(*result.tetraplet).clone() };
                let injected =
                    ServiceResult::new(result.value.clone(), Rc::new(tetraplet), result.args_hash);
                data.trace.push(State::Call(CallState::Executed {
                    output: OutputKind::Unused,
                    result: injected,
                }));
            }
            if spoil_foo {
                data.signatures.insert(id("foo"), [3; 64]);
            }
        });
        signature_error(&bar_receives(&[], &data))
    };
    assert!(id("c") < id("foo") && id("foo") < id("baz") && id("baz") < id("bar"));
    assert_eq!(first_fault(&["baz", "bar"], true), SignatureError::BadSignature(id("foo")));
    assert_eq!(first_fault(&["bar", "c"], true), SignatureError::MissingSignature(id("c")));
    assert_eq!(first_fault(&["bar", "baz"], false), SignatureError::MissingSignature(id("baz")));
}

#[test]
fn rewritten_history_is_rejected() {
    // foo signs two contradicting histories of one particle; bar holds the first.
    let held = bar_receives(&[], &foo_data("1"));
    assert_eq!(held.ret_code, 0);
    let outcome = bar_receives(&held.data, &foo_data("2"));
    assert_eq!(signature_error(&outcome), SignatureError::HistoryRewritten(id("foo")));
    assert_eq!(outcome.data, held.data, "the held data is kept unchanged");
}

#[test]
fn reordered_states_are_rejected() {
    let params_foo = params("foo", "foo");
    let script = format!(
        r#"(seq (call "{foo}" ("svc" "f") [] x) (call "{foo}" ("svc" "f2") [] y))"#,
        foo = id("foo")
    );
    let mut data = Vec::new();
    for (call, result) in [(1, "\"a\""), (2, "\"b\"")] {
        let pending = step(&script, &data, &[], &params_foo, BTreeMap::new());
        let results = BTreeMap::from([(call, CallResult { ret_code: 0, result: result.into() })]);
        data = step(&script, &pending.data, &[], &params_foo, results).data;
    }
    // Each result's signature covers its place: the swap is caught before anything runs (when
    // signatures covered the results alone, replay caught it as a parameters mismatch).
    let swapped = tamper(&data, |data| data.trace.swap(0, 1));
    let outcome = step(&script, &[], &swapped, &params("bar", "foo"), BTreeMap::new());
    assert_eq!(signature_error(&outcome), SignatureError::BadSignature(id("foo")));
}

#[test]
fn contradicting_state_kinds_are_rejected() {
    let held = bar_receives(&[], &foo_data("1"));
    let data = tamper(&held.data, |data| data.trace[1] = State::Ap(0));
    let outcome = step(&script(), &held.data, &data, &params("foo", "foo"), BTreeMap::new());
    assert!(matches!(fatal(&outcome), FatalError::Trace(_)));
    assert_eq!(outcome.ret_code, 20000);
}

#[test]
fn oversized_data_is_rejected() {
    let data = foo_data("1");
    let mut params = params("bar", "foo");
    params.limits.particle_size = 100;
    let outcome = step(&script(), &[], &data, &params, BTreeMap::new());
    assert!(matches!(
        preparation(&outcome),
        PreparationError::SizeLimit { what: "particle data", .. }
    ));
    assert_eq!(outcome.ret_code, 10);
}

#[test]
fn oversized_call_result_is_rejected() {
    let mut params = params("foo", "foo");
    params.limits.call_result_size = 10;
    let first = step(&script(), &[], &[], &params, BTreeMap::new());
    let big = format!("\"{}\"", "x".repeat(100));
    let outcome = step(&script(), &first.data, &[], &params, answer(&big));
    assert!(matches!(
        preparation(&outcome),
        PreparationError::SizeLimit { what: "call result", .. }
    ));
    assert_eq!(outcome.data, first.data);
}

#[test]
fn key_of_another_peer_is_rejected() {
    let mut params = params("bar", "foo");
    params.key = KeyPair::from_name("baz");
    let outcome = step(&script(), &[], &foo_data("1"), &params, BTreeMap::new());
    assert!(matches!(preparation(&outcome), PreparationError::MalformedKeyPair(_)));
    assert_eq!(outcome.ret_code, 7);
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Random bytes never panic, and anything non-empty that is not exact data is rejected.
        #[test]
        fn random_bytes_are_rejected(bytes in proptest::collection::vec(any::<u8>(), 1..300)) {
            let outcome = bar_receives(&[], &bytes);
            prop_assert_eq!(outcome.ret_code, 2);
        }

        /// Flipping any bit of valid data is rejected or harmless, never a panic.
        #[test]
        fn flipped_bytes_never_panic(pos in any::<prop::sample::Index>(), bit in 0u8..8) {
            let honest = bar_receives(&[], &foo_data("1"));
            let mut data = foo_data("1");
            let idx = pos.index(data.len());
            data[idx] ^= 1 << bit;
            let outcome = bar_receives(&[], &data);
            // Unsigned bookkeeping (a sender's call id, the last call id) may change harmlessly;
            // anything else is rejected.
            prop_assert!(
                outcome.ret_code != 0 || outcome.call_requests == honest.call_requests,
                "a flipped bit at byte {} changed what bar does", idx
            );
        }
    }
}

/// A host's set of verified signatures remembers valid ones only: forged data, a replay under
/// another particle id and a signature filed under a peer id that is not one are still caught
/// after the honest data has filled the set.
#[test]
fn signatures_verified_before_do_not_let_forgeries_through() {
    let program = air_syntax::parse(&script()).expect("the script parses");
    let verified = VerifiedSignatures::new();
    let bar = params("bar", "foo");
    let receive = |params: &RunParameters, incoming: &[u8]| {
        step_program_with(&program, &[], incoming, params, BTreeMap::new(), Some(&verified))
    };
    let honest = foo_data("1");
    assert_eq!(receive(&bar, &honest).ret_code, 0);
    assert_eq!(verified.len(), 1, "foo's signature is remembered");
    assert_eq!(receive(&bar, &honest).ret_code, 0, "and accepted again");
    let forged = tamper(&honest, |data| {
        let forged = with_value(&first_result(data), "forged");
        data.trace[0] =
            State::Call(CallState::Executed { output: OutputKind::Scalar, result: forged });
    });
    assert_eq!(signature_error(&receive(&bar, &forged)), SignatureError::BadSignature(id("foo")));
    let mut elsewhere = params("bar", "foo");
    elsewhere.particle_id = "another-particle".into();
    assert_eq!(
        signature_error(&receive(&elsewhere, &honest)),
        SignatureError::BadSignature(id("foo"))
    );
    let flipped = tamper(&honest, |data| {
        if let Some(signature) = data.signatures.get_mut(&id("foo")) {
            signature[0] ^= 1;
        }
    });
    assert_eq!(signature_error(&receive(&bar, &flipped)), SignatureError::BadSignature(id("foo")));
    assert_eq!(verified.len(), 1, "nothing invalid was remembered");
}

// Moved results. A peer's signature covers each of its results together with the result's place
// in the trace (its path through pars, fold iterations and sequences), so a peer that moves
// another peer's signed result to another place is caught before anything runs. Each case below
// was accepted when signatures covered only the multiset of results: the receiver then ran on the
// tampered trace and refused the honest data arriving later (20017), so the particle was stuck.
// AquaVM 0.62.0 accepts all four (recorded in tools/aquavm-moved-results, summed up in
// docs/differences.md).

/// foo's data after running `script` and answering `answers` (call id → JSON result), one call
/// at a time in order.
fn foo_runs(script: &str, answers: &[(u32, &str)]) -> Vec<u8> {
    let params = params("foo", "foo");
    let mut data = step(script, &[], &[], &params, BTreeMap::new()).data;
    for (call, result) in answers {
        let results =
            BTreeMap::from([(*call, CallResult { ret_code: 0, result: (*result).into() })]);
        let outcome = step(script, &data, &[], &params, results);
        assert_eq!(outcome.ret_code, 0, "{}", outcome.error_message);
        data = outcome.data;
    }
    data
}

fn par_branches(state: &mut State) -> &mut ParState {
    match state {
        State::Par(par) => par,
        other => panic!("expected a par, got {other:?}"),
    }
}

#[test]
fn signed_result_swapped_with_a_sent_call_is_rejected() {
    // foo's x and the call sent to bar trade places: bar would see foo's call still pending,
    // make no call, and keep the swapped trace.
    let data = tamper(&foo_data("1"), |data| data.trace.swap(0, 1));
    let outcome = bar_receives(&[], &data);
    assert_eq!(signature_error(&outcome), SignatureError::BadSignature(id("foo")));
    let honest = bar_receives(&outcome.data, &foo_data("1"));
    assert_eq!(honest.ret_code, 0, "{}", honest.error_message);
    assert_eq!(honest.call_requests.len(), 1, "bar makes its call on the honest data");
}

#[test]
fn signed_result_moved_to_the_other_par_branch_is_rejected() {
    let script = format!(
        r#"(par (call "{foo}" ("svc" "f") [] x) (call "{foo}" ("svc" "f") [] y))"#,
        foo = id("foo")
    );
    let data = foo_runs(&script, &[(1, "\"left\"")]);
    let moved = tamper(&data, |data| {
        let par = par_branches(&mut data.trace[0]);
        std::mem::swap(&mut par.left, &mut par.right);
    });
    let outcome = step(&script, &[], &moved, &params("bar", "foo"), BTreeMap::new());
    assert_eq!(signature_error(&outcome), SignatureError::BadSignature(id("foo")));
    let honest = step(&script, &[], &data, &params("bar", "foo"), BTreeMap::new());
    assert_eq!(honest.ret_code, 0, "{}", honest.error_message);
}

#[test]
fn signed_result_moved_to_another_fold_iteration_is_rejected() {
    let script = format!(
        r#"(seq (seq (ap 1 $s) (ap 2 $s)) (fold $s i (par (call "{foo}" ("svc" "f") [] r) (next i))))"#,
        foo = id("foo")
    );
    let data = foo_runs(&script, &[(1, "\"first\"")]);
    let moved = tamper(&data, |data| {
        let fold = data
            .trace
            .iter_mut()
            .find_map(|state| match state {
                State::Fold(fold) => Some(fold),
                _ => None,
            })
            .expect("a fold state");
        assert_eq!(fold.iterations.len(), 2, "{fold:?}");
        let (first, second) = fold.iterations.split_at_mut(1);
        std::mem::swap(&mut first[0].trace, &mut second[0].trace);
    });
    let outcome = step(&script, &[], &moved, &params("bar", "foo"), BTreeMap::new());
    assert_eq!(signature_error(&outcome), SignatureError::BadSignature(id("foo")));
    let honest = step(&script, &[], &data, &params("bar", "foo"), BTreeMap::new());
    assert_eq!(honest.ret_code, 0, "{}", honest.error_message);
}

#[test]
fn signed_result_moved_out_of_a_par_subtrace_is_rejected() {
    // Two results of the same call signature, one inside a par and one after it, trade places.
    let script = format!(
        r#"(seq (par (call "{foo}" ("svc" "f") [] x) (null)) (call "{foo}" ("svc" "f") [] y))"#,
        foo = id("foo")
    );
    let data = foo_runs(&script, &[(1, "\"inner\""), (2, "\"outer\"")]);
    let moved = tamper(&data, |data| {
        let (par, rest) = data.trace.split_at_mut(1);
        std::mem::swap(&mut par_branches(&mut par[0]).left[0], &mut rest[0]);
    });
    assert_ne!(moved, data, "the two results differ");
    let outcome = step(&script, &[], &moved, &params("bar", "foo"), BTreeMap::new());
    assert_eq!(signature_error(&outcome), SignatureError::BadSignature(id("foo")));
}
