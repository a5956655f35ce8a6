# Writes the hand-written scenarios of extra/ (run it inside extra/); regenerate.sh then
# records AquaVM's summaries for them.
import json
C='%init_peer_id%'
SERVICES = {
  "*/log/*": "$args",
  "*/fail/*": {"$error": 7, "message": "boom"},
  "*/svc/obj": {"a": [1, 2, 3], "b": {"c": "d"}, "n": 2, "k": "b"},
  "*/svc/arr": [1, 2, 3],
  "*/svc/empty": [],
  "*/svc/echo": "$arg0",
  "*/svc/str": "{arg0}!",
  "*/svc/num": 42,
  "*/svc/bool": True,
  "*/svc/errobj": {"error_code": 42, "message": "custom", "extra": 1},
  "*/svc/peers": ["$peer:p1", "$peer:p2", "$peer:p3"],
  "*/svc/relay": "$peer:relay",
  "*/svc/worker": "$peer:worker",
}
def log(*args): return f'(call {C} ("log" "put") [{" ".join(args)}])'
S = {}
def add(name, desc, air, peers=("client",), extra=None):
    services = dict(SERVICES); services.update(extra or {})
    S[name] = {"description": desc, "init_peer": "client", "peers": list(peers), "particle_id": f"extra-{name}",
               "timestamp": 1700000000000, "ttl": 60000, "services": services, "air": air}
LOGLAST=log('"last"'); LOGAFTER=log('"after"')
W='"@worker@"'; R='"@relay@"'
add("call-local-scalar", "a local call's result feeds the next call",
    f'(seq (call {C} ("svc" "num") [] x) {log("x")})')
add("call-remote-and-back", "a call on another peer, then back to the init peer",
    f'(seq (call {W} ("svc" "str") ["w"] x) {log("x")})', ("client","worker"))
add("call-failed-caught", "a failing call caught by xor: :error: goes to the handler",
    f'(xor (call {C} ("fail" "now") [1]) {log(":error:")})')
add("call-failed-remote-caught", "a failing call on another peer, caught there, error logged at home",
    f'(xor (call {W} ("fail" "now") []) (call {C} ("log" "put") [:error: %last_error%]))', ("client","worker"))
add("call-failed-uncaught", "an uncaught service error ends the step with 10000",
    f'(seq (call {C} ("fail" "now") []) {log("1")})')
add("fail-literal-codes", "(fail 1337 msg): :error: is the 10006 wrapper, %last_error% the thrown object",
    f'(xor (fail 1337 "msg") {log(":error:.$.error_code", "%last_error%.$.error_code", "%last_error%.$.message")})')
add("fail-literal-objects", "the two error objects of a literal fail in full",
    f'(xor (fail 1337 "msg") {log(":error:", "%last_error%")})')
add("fail-scalar-object", "fail with an object from a service, extra fields kept",
    f'(seq (call {C} ("svc" "errobj") [] e) (xor (fail e) {log("%last_error%", ":error:.$.error_code")}))')
add("fail-invalid-object", "fail with a non-error object: 10008",
    f'(seq (call {C} ("svc" "obj") [] e) (xor (fail e) {log(":error:.$.error_code")}))')
add("fail-error-rethrow", "(fail :error:) rethrows the caught error with its code",
    f'(xor (xor (call {C} ("fail" "now") []) (fail :error:)) {log(":error:.$.error_code", ":error:.$.message")})')
add("fail-last-error-rethrow", "(fail %last_error%) rethrows the last error object",
    f'(xor (xor (call {C} ("fail" "now") []) (fail %last_error%)) {log(":error:.$.error_code", "%last_error%.$.error_code")})')
add("error-cleared-after-xor", ":error: is reset after a handled xor, %last_error% is kept",
    f'(seq (xor (call {C} ("fail" "now") []) (null)) {log(":error:", "%last_error%.$.error_code")})')
add("no-error-values", "with no error, both objects are {0, \"\"}",
    log(":error:", "%last_error%"))
add("match-keeps-last-error", "match errors set :error: but not %last_error%",
    f'(seq (xor (call {C} ("fail" "now") []) (null)) (xor (match 1 2 (null)) {log("%last_error%.$.error_code", ":error:.$.error_code")}))')
add("mismatch-equal", "mismatch of equal values: 10002",
    f'(xor (mismatch 1 1 {log("1")}) {log(":error:.$.error_code")})')
add("match-equal-runs-body", "match of equal values runs its body",
    f'(seq (call {C} ("svc" "echo") ["a"] x) (match x "a" {log("x")}))')
add("mismatch-runs-body", "mismatch of different values runs its body",
    f'(seq (call {C} ("svc" "num") [] x) (mismatch x 41 {log("x")}))')
add("par-swallows-one-error", "par with one failing branch is Ok; the seq continues",
    f'(seq (par (call {C} ("fail" "now") []) (ap 1 y)) {log("y")})')
add("par-both-fail", "par with both branches failing raises the right error",
    f'(xor (par (call {C} ("fail" "left") []) (fail 5 "right")) {log(":error:.$.error_code", ":error:.$.message")})')
add("par-one-waiting", "par with one branch waiting on another peer: the other runs at once",
    f'(par (call {W} ("svc" "str") ["w"] x) {log("1")})', ("client","worker"))
add("seq-waits-for-remote", "seq stops at a remote call and resumes when the result comes back",
    f'(seq (seq (call {W} ("svc" "str") ["w"] x) (call {C} ("svc" "str") [x] y)) {log("y")})', ("client","worker"))
add("xor-ignores-incomplete", "an incomplete left side does not run xor's right side",
    f'(xor (seq (never) {log(chr(34) + "left" + chr(34))}) {log(chr(34) + "right" + chr(34))})')
add("never-blocks-seq", "never blocks a seq but not the other par branch",
    f'(par (seq (never) {log("1")}) {log("2")})')
add("null-continues", "null completes",
    f'(seq (null) {log("1")})')
add("new-scalar-scope", "new x shadows a global x inside its scope only",
    f'(seq (call {C} ("svc" "num") [] x) (seq (new x (seq (ap "inner" x) {log("x")})) {log("x")}))')
add("new-stream-scope", "new $s starts empty and leaves the outer stream alone",
    f'(seq (ap "outer" $s) (seq (new $s (seq (ap "inner" $s) (seq (canon {C} $s #cc) {log("#cc")}))) (seq (canon {C} $s #d) {log("#d")})))')
add("fold-scalar-order", "a scalar fold visits elements in order",
    f'(seq (call {C} ("svc" "arr") [] xs) (fold xs x (seq {log("x")} (next x))))')
add("fold-after-next-reverse", "instructions after next run in reverse while the recursion unwinds",
    f'(seq (call {C} ("svc" "arr") [] xs) (fold xs x (seq (next x) {log("x")})))')
add("fold-last-instruction", "the last instruction runs after the last element, before unwinding",
    f'(seq (call {C} ("svc" "arr") [] xs) (fold xs x (seq (next x) {log("x")}) {LOGLAST}))')
add("fold-empty-array", "a fold over [] completes at once",
    f'(seq (fold [] x (seq {log("x")} (next x))) {LOGAFTER})')
add("fold-empty-service-array", "a fold over an empty service result completes at once",
    f'(seq (call {C} ("svc" "empty") [] xs) (seq (fold xs x (seq {log("x")} (next x))) {LOGAFTER}))')
add("fold-non-array", "a fold over a non-array raises 10005",
    f'(seq (call {C} ("svc" "num") [] xs) (xor (fold xs x (next x)) {log(":error:.$.error_code")}))')
add("fold-stream-no-last-is-never", "a stream fold without a last instruction never completes",
    f'(seq (ap 1 $s) (seq (fold $s i (seq (ap i $t) (next i))) {LOGAFTER}))')
add("fold-stream-null-last", "a stream fold with (null) last completes",
    f'(seq (ap 1 $s) (seq (ap 2 $s) (seq (fold $s i (seq {log("i")} (next i)) (null)) {LOGAFTER})))')
add("fold-stream-grows-between-hops", "a stream fold on the client sees values that arrive later from workers",
    f'(seq (call {C} ("svc" "peers") [] ps) (seq (fold ps p (par (seq (call p ("svc" "str") [p] $r) (call {C} ("op" "noop") [])) (next p)) (null)) (fold $r v (seq {log("v")} (next v)) (never))))',
    ("client","p1","p2","p3"), {"*/op/noop": None})
add("fold-par-next-fanout", "next in a par fold fans out to every peer at once",
    f'(seq (call {C} ("svc" "peers") [] ps) (fold ps p (par (call p ("svc" "str") [p]) (next p)) (never)))',
    ("client","p1","p2","p3"))
add("canon-undefined-stream", "canon of a never-written stream is empty",
    f'(seq (canon {C} $nothing #cc) {log("#cc", "#cc.length")})')
add("canon-snapshot-fixed", "a canon snapshot is fixed when first taken; later values are not in it",
    f'(seq (seq (call {W} ("svc" "str") ["a"] $s) (canon {C} $s #first)) (seq (ap "later" $s) (seq (canon {C} $s #second) {log("#first", "#second")})))',
    ("client","worker"))
add("canon-remote-hop", "a canon on another peer routes the particle there (Aqua's hop)",
    f'(seq (new $h (new #hc (canon {R} $h #hc))) (seq (call {R} ("svc" "str") ["r"] x) {log("x")}))', ("client","relay"))
add("canon-lens-index", "canon stream elements by index and length",
    f'(seq (ap "a" $s) (seq (ap "b" $s) (seq (canon {C} $s #cc) {log("#cc.$.[1]", "#cc.length", "#cc")})))')
add("lens-field-index", "lenses over objects and arrays",
    f'(seq (call {C} ("svc" "obj") [] o) {log("o.$.a.[1]", "o.$.b.c", "o.$.a")})')
add("lens-length", "length of an array",
    f'(seq (call {C} ("svc" "arr") [] xs) {log("xs.length")})')
add("lens-length-nested-is-field", "x.$.a.length is the field length, not the functor: 10007",
    f'(seq (call {C} ("svc" "obj") [] o) (xor {log("o.$.a.length")} {log(":error:.$.error_code")}))')
add("lens-missing-field", "a missing field raises 10007",
    f'(seq (call {C} ("svc" "obj") [] o) (xor {log("o.$.zzz")} {log(":error:.$.error_code")}))')
add("lens-out-of-range", "an index out of range raises 10007",
    f'(seq (call {C} ("svc" "arr") [] xs) (xor {log("xs.$.[9]")} {log(":error:.$.error_code")}))')
add("lens-by-scalar", "lens accessors from scalars: an index and a field name",
    f'(seq (call {C} ("svc" "obj") [] o) (seq (ap o.$.n i) (seq (ap o.$.k f) {log("o.$.a.[i]", "o.$.[f]")})))')
add("lens-length-not-array", ".length on a non-array raises 10010",
    f'(seq (call {C} ("svc" "num") [] x) (xor {log("x.length")} {log(":error:.$.error_code")}))')
add("run-parameters", "%init_peer_id%, %ttl% and %timestamp% as arguments",
    log("%init_peer_id%", "%ttl%", "%timestamp%"))
add("literals", "literal arguments of every type",
    log('"s"', "1", "-7", "1.5", "true", "false", "[]"))
add("ap-scalar", "ap into a scalar, with a lens",
    f'(seq (call {C} ("svc" "obj") [] o) (seq (ap o.$.b x) {log("x")}))')
add("ap-stream-order", "ap into a stream keeps order",
    f'(seq (ap "a" $s) (seq (ap 1 $s) (seq (ap [] $s) (seq (canon {C} $s #cc) {log("#cc")}))))')
add("stream-map-canon", "stream map, canon map and key lookup",
    f'(seq (ap ("k" 1) %m) (seq (ap ("k" 2) %m) (seq (ap (7 "seven") %m) (seq (canon {C} %m #%c) {log("#%c", "#%c.$.k")}))))')
add("stream-map-scalar", "canon of a stream map into a scalar keeps each key's first value",
    f'(seq (ap ("k" 1) %m) (seq (ap ("k" 2) %m) (seq (ap ("j" 3) %m) (seq (canon {C} %m obj) {log("obj")}))))')
add("stream-map-bad-key", "a stream map key that is not a string or an integer: 10012",
    f'(seq (call {C} ("svc" "bool") [] b) (xor (ap (b 1) %m) {log(":error:.$.error_code")}))')
add("triplet-not-string", "a peer id that is not a string: 10011",
    f'(seq (call {C} ("svc" "num") [] p) (xor (call p ("svc" "num") []) {log(":error:.$.error_code")}))')
add("join-on-remote-value", "a local call waits for a value computed on another peer",
    f'(par (call {W} ("svc" "str") ["w"] x) (call {C} ("log" "put") [x]))', ("client","worker"))
add("remote-call-missing-args-forwarded", "a remote call whose arguments are not ready is still forwarded",
    f'(par (call {W} ("svc" "str") ["w"] x) (call "@relay@" ("log" "put") [x]))', ("client","relay","worker"))
add("scalar-fold-iterator-scope", "a scalar set inside a fold iteration is scoped to it",
    f'(seq (call {C} ("svc" "arr") [] xs) (fold xs x (seq (call {C} ("svc" "echo") [x] y) (seq {log("y")} (next x)))))')
add("canon-fold", "a scalar fold over a canon stream",
    f'(seq (ap "a" $s) (seq (ap "b" $s) (seq (canon {C} $s #cc) (fold #cc x (seq {log("x")} (next x))))))')
add("fold-canon-map", "a fold over a canon map yields {key, value} objects",
    f'(seq (ap ("k" 1) %m) (seq (ap ("j" 2) %m) (seq (canon {C} %m #%c) (fold #%c kv (seq {log("kv")} (next kv))))))')
add("two-local-calls-ids", "call ids continue across steps (lcid)",
    f'(seq (call {C} ("svc" "num") [] a) (seq (call {C} ("svc" "echo") [a] b) {log("a", "b")}))')
add("xor-in-remote-with-hop-back", "Aqua's pattern: error on a remote peer travels home through (fail :error:)",
    f'(xor (xor (call {W} ("fail" "now") []) (seq (new $h (new #hc (canon {C} $h #hc))) (fail :error:))) {log(":error:.$.error_code", ":error:.$.peer_id")})',
    ("client","worker"))
add("math-builtins", "math and cmp calls answered as a Fluence peer answers them",
    f'(seq (call {C} ("math" "add") [2 3] a) (seq (call {C} ("math" "pow") [a 2] b) (seq (call {C} ("cmp" "gt") [b 20] c) {log("a", "b", "c")})))')
add("legacy-short-canon-lens", "quirk: a one-character legacy canon name with a lens does not parse",
    f'(seq (canon {C} $s #c) {log("#c.length")})')
add("lens-bang-ignored", "quirk: a trailing ! after a lens accessor is ignored",
    f'(seq (call {C} ("svc" "obj") [] o) {log("o.$.a.[0]!", "o.$.b.c!")})')
add("stream-fold-swallows-errors", "quirk: a catchable error inside a stream fold does not propagate (AquaVM replays it differently)",
    f'(seq (ap 1 $s) (seq (fold $s i (seq (call {C} ("fail" "now") [i]) (next i)) (null)) {LOGAFTER}))')
add("stream-self-feeding-limit", "a fold that feeds its own stream stops at 1024 values with 20013",
    f'(seq (ap 1 $s) (fold $s i (seq (ap i $s) (next i))))')
add("scalar-set-twice", "setting a global scalar twice is uncatchable 20007",
    f'(seq (call {C} ("svc" "num") [] x) (xor (call {C} ("svc" "num") [] x) {log(":error:")}))')
add("xor-nested-error-scope", ":error: inside nested xors: the inner handler sees the inner error",
    f'(xor (seq (xor (call {C} ("fail" "a") []) {log(":error:.$.message")}) (fail 9 "outer")) {log(":error:.$.error_code", "%last_error%.$.error_code")})')
add("par-error-then-success-sets-last-error", "after a par where one side succeeded, %last_error% can be set again",
    f'(seq (par (call {C} ("fail" "a") []) (null)) (xor (fail 11 "next") {log("%last_error%.$.error_code")}))')
# After an xor's right branch: `:error:` is cleared unless an error raised there holds it (a failed
# par branch keeps it), and a right branch that succeeded lets the next error set it again.
XOR_FAILED_PAR = f'(xor (match 1 2 (null)) (par (call {C} ("fail" "in-par") []) (null)))'
add("error-held-after-xor-by-failed-par", "a failed par branch in an xor's right branch keeps :error: after the xor",
    f'(seq {XOR_FAILED_PAR} (seq (call {C} ("svc" "num") []) {log(":error:")}))')
add("error-settable-after-xor-with-failed-par", "after that xor, the next error sets :error: again",
    f'(seq {XOR_FAILED_PAR} (seq (call {C} ("svc" "num") []) (xor (match 3 4 (null)) {log(":error:")})))')
add("error-settable-in-fold-iterations", "each fold iteration's xor sees its own match error after the last one's stream fold swallowed a failed call (random program, seed 3181)",
    f'(seq (call {C} ("svc" "arr") [] xs) (par (fold xs y (par (xor (match 1 2 (null)) (seq (ap :error: e) '
    f'(xor (match e.$.error_code 10001 (seq (seq (call {C} ("svc" "str") ["t"] r) (ap r $s)) '
    f'(par (fold $s z (par (call {C} ("fail" "in-fold") [z]) (next z)) (never)) (null)))) {log(":error:")}))) '
    f'(next y)) (never)) (null)))')
add("fail-error-rethrows-held-error", "(fail :error:) re-throws the error :error: holds: a failed par branch's, not the one its xor caught",
    f'(xor (par (call {C} ("fail" "first") []) (seq (call {C} ("svc" "num") []) (xor (call {C} ("fail" "second") []) (fail :error:)))) {log(":error:")})')
add("lens-bang-mid-rejected", "quirk: the flattening sign ! is accepted only at the end of a lens",
    f'(seq (call {C} ("svc" "obj") [] o) {log("o.$.b!.c")})')
# Stream generations: a stream lists values in the order they became known to the peer, and keeps
# that order on later runs (values arrive in an order other than the fold that sent them out).
GEN_PEERS = ("client", "alice", "bob", "carol")
GEN_SERVICES = {"client/getDataSrv/peers": ["$peer:carol", "$peer:bob", "$peer:alice"],
                "*/meter/read": "from {arg0}", "*/op/noop": None, "client/res/done": None}
GEN_FANOUT = f'(call {C} ("getDataSrv" "peers") [] peers)'
def gen_collect(stream, done):
    return (f'(new $acc (seq (fold {stream} v (seq (seq (ap v $acc) (canon {C} $acc #acc_now)) '
            f'(xor (match #acc_now.length 3 (null)) (next v))) (never)) '
            f'(seq (canon {C} $acc #acc_all) {done})))')
add("stream-generations-across-runs", "values keep the order they reached the client over several runs (alice, bob, carol), not the fold's (carol, bob, alice)",
    f'(seq (seq {GEN_FANOUT} (par (fold peers p (par (seq (call p ("meter" "read") [p] x) (seq (ap x $s) (call {C} ("op" "noop") []))) (next p))) (null))) '
    + gen_collect("$s", f'(call {C} ("res" "done") [#acc_all])') + ')',
    GEN_PEERS, GEN_SERVICES)
add("stream-generations-call-output", "a remote call writing into a stream: its value keeps the generation of its arrival",
    f'(seq (seq {GEN_FANOUT} (par (fold peers p (par (seq (call p ("meter" "read") [p] $s) (call {C} ("op" "noop") [])) (next p))) (null))) '
    + gen_collect("$s", f'(call {C} ("res" "done") [#acc_all])') + ')',
    GEN_PEERS, GEN_SERVICES)
add("stream-generations-new-values", "values a peer produces in successive runs keep the order of those runs",
    f'(seq (seq {GEN_FANOUT} (par (fold peers p (par (seq (call p ("meter" "read") [p] x) (seq (ap x $s) (call {C} ("op" "noop") []))) (next p))) (null))) '
    f'(seq (fold $s v (seq (call {C} ("echo" "put") [v] $r) (seq (canon {C} $r #r_now) (xor (match #r_now.length 3 (null)) (next v)))) (never)) '
    f'(seq (canon {C} $r #r_all) (call {C} ("res" "done") [#r_all]))))',
    GEN_PEERS, dict(GEN_SERVICES, **{"client/echo/put": "got {arg0}"}))
add("stream-generations-via-relay", "values that arrive together are ordered by the sender's generations (the relay's arrival order)",
    f'(seq (seq {GEN_FANOUT} (par (fold peers p (par (seq (call p ("meter" "read") [p] x) (seq (ap x $s) (call {R} ("op" "noop") []))) (next p))) (null))) '
    f'(seq (fold $s v (seq (canon {R} $s #now) (xor (match #now.length 3 (null)) (next v))) (never)) '
    f'(seq (call {C} ("op" "noop") []) (seq (canon {C} $s #all) (call {C} ("res" "done") [#all])))))',
    ("client", "relay", "alice", "bob", "carol"), GEN_SERVICES)
add("stream-generations-value-arrives-twice", "a value that arrives again through another peer keeps the generation of its first arrival",
    f'(seq (par (seq (call "@alice@" ("meter" "read") ["alice"] a) (seq (ap a $s) (par (call {C} ("op" "noop") ["direct"]) '
    f'(seq (call "@bob@" ("meter" "read") ["bob"] b) (seq (ap b $s) (call {C} ("op" "noop") ["via bob"])))))) '
    f'(seq (call "@carol@" ("meter" "read") ["carol"] c) (seq (ap c $s) (call {C} ("op" "noop") ["carol"])))) '
    + gen_collect("$s", f'(seq (canon {C} $s #all) (call {C} ("res" "done") [#acc_all #all]))') + ')',
    GEN_PEERS, GEN_SERVICES)
add("canon-map-length", "`.length` of a canon map counts its entries, repeated keys included",
    f'(seq (ap ("a" 1) %m) (seq (ap ("b" 2) %m) (seq (ap ("a" 3) %m) (seq (canon {C} %m #%c) '
    f'(seq {log("#%c.length")} (xor (match #%c.length 3 {log("#%c")}) (call {C} ("log" "not") [])))))))')
add("stream-map-generations-across-runs", "a stream map filled over several runs keeps arrival order; its canon's length ends the fold",
    f'(seq (seq {GEN_FANOUT} (par (fold peers p (par (seq (call p ("meter" "read") [p] x) (seq (ap (p x) %s) (call {C} ("op" "noop") []))) (next p))) (null))) '
    f'(new %acc (seq (fold %s v (seq (seq (ap (v.$.key v.$.value) %acc) (canon {C} %acc #%now)) (xor (match #%now.length 3 (null)) (next v))) (never)) '
    f'(seq (canon {C} %acc #%all) (call {C} ("res" "done") [#%all])))))',
    GEN_PEERS, GEN_SERVICES)
# Scalars bound inside fold iterations: `next` runs the following iteration inside the current one,
# and a value bound by an earlier iteration must not be read by a later one (it waits for its own).
FS_SERVICES = {"client/getDataSrv/arr": [1, 2, 3], "*/op/identity": "$arg0", "*/op/noop": None}
def fs_body(peer, bind, use="(ap r $s)"):
    return f'(seq (seq {bind.format(p=peer)} {use}) (next i))'
def fs_fold(peer, bind, last=""):
    return (f'(seq (call {C} ("getDataSrv" "arr") [] arr) (new $s (seq (fold arr i {fs_body(peer, bind)}{last}) '
            f'(seq (canon {C} $s #c) {log("#c")}))))')
FS_PAR = '(par (null) (call {p} ("op" "identity") [i] r))'
FS_XOR = '(xor (call {p} ("op" "identity") [i] r) (null))'
FS_SEQ = '(seq (null) (call {p} ("op" "identity") [i] r))'
for tag, bind in (("par", FS_PAR), ("xor", FS_XOR), ("seq", FS_SEQ)):
    add(f"fold-scalar-{tag}-init", f"a scalar bound under {tag} in each fold iteration on the init peer: each iteration reads its own",
        fs_fold(C, bind), ("client",), FS_SERVICES)
    add(f"fold-scalar-{tag}-remote", f"a scalar bound under {tag} in each fold iteration on another peer: each iteration reads its own",
        f'(seq (call {C} ("getDataSrv" "arr") [] arr) (seq (call {W} ("op" "noop") []) (new $s (seq (fold arr i {fs_body(W, bind)}) '
        f'(seq (canon {W} $s #c) (seq (call {C} ("op" "noop") []) {log("#c")}))))))', ("client", "worker"), FS_SERVICES)
add("fold-scalar-par-read-after-next", "a scalar bound under par read after next: visible again while the recursion unwinds",
    f'(seq (call {C} ("getDataSrv" "arr") [] arr) (new $s (seq (fold arr i (seq {FS_PAR.format(p=C)} (seq (next i) (ap r $s)))) '
    f'(seq (canon {C} $s #c) {log("#c")}))))', ("client",), FS_SERVICES)
add("fold-scalar-par-last", "a scalar bound under par in each iteration, read by the fold's last instruction",
    fs_fold(C, FS_PAR, " (ap r $s)"), ("client",), FS_SERVICES)
add("fold-scalar-par-nested", "nested folds, a scalar bound under par per inner iteration and one per outer iteration",
    f'(seq (call {C} ("getDataSrv" "arr") [] arr) (new $s (seq (fold arr i (seq (seq (par (null) (call {C} ("op" "identity") [i] o)) '
    f'(fold arr j (seq (seq (par (null) (call {C} ("op" "identity") [j] r)) (seq (ap o $s) (ap r $s))) (next j)))) (next i))) '
    f'(seq (canon {C} $s #c) {log("#c")}))))', ("client",), FS_SERVICES)
add("fold-scalar-par-stream-fold", "a stream fold, a scalar bound under par per value",
    f'(seq (seq (ap 1 $in) (seq (ap 2 $in) (ap 3 $in))) (new $s (seq (fold $in i {fs_body(C, FS_PAR)} (null)) '
    f'(seq (canon {C} $s #c) {log("#c")}))))', ("client",), FS_SERVICES)
add("fold-scalar-par-shadows-global", "a scalar of the same name bound before the fold, then under par in each iteration",
    f'(seq (call {C} ("op" "identity") [0] r) {fs_fold(C, FS_PAR)})', ("client",), FS_SERVICES)
add("fold-canon-par-init", "a canon bound under par in each fold iteration: each iteration reads its own",
    f'(seq (call {C} ("getDataSrv" "arr") [] arr) (new $s (seq (fold arr i (seq (seq (par (null) (new $t (seq (call {C} ("op" "identity") [i] $t) (canon {C} $t #t)))) '
    f'(ap #t $s)) (next i))) (seq (canon {C} $s #c) {log("#c")}))))', ("client",), FS_SERVICES)
# Error messages: clients match on the text of :error:, so each catchable error is logged whole.
EM_SERVICES = {"*/svc/null": None}
def em(name, desc, setup, failing):
    add(f"error-message-{name}", f"the :error: object of {desc}",
        f'(seq {setup} (xor {failing} {log(":error:", "%last_error%")}))', ("client",), EM_SERVICES)
OBJ = f'(call {C} ("svc" "obj") [] o)'
ARR = f'(call {C} ("svc" "arr") [] xs)'
NUL = f'(call {C} ("svc" "null") [] n)'
em("field-of-null", "a field of null", NUL, log("n.$.x"))
em("index-of-null", "an index of null", NUL, log("n.$.[1]"))
em("missing-field", "a missing field", OBJ, log("o.$.zzz"))
em("index-out-of-range", "an index out of range", ARR, log("xs.$.[9]"))
em("field-of-array", "a field of an array", ARR, log("xs.$.x"))
em("index-of-object", "an index of an object", OBJ, log("o.$.[0]"))
em("index-by-string", "an index given by a string scalar", f'(seq {OBJ} (ap o.$.k i))', log("o.$.a.[i]"))
em("field-by-number", "a field given by a number scalar", f'(seq {OBJ} (ap o.$.n f))', log("o.$.b.[f]"))
em("length-not-array", "length of a number", f'(call {C} ("svc" "num") [] x)', log("x.length"))
em("fold-non-array", "a fold over a number", f'(call {C} ("svc" "num") [] xs)', '(fold xs x (next x))')
em("triplet-not-string", "a peer id that is a number", f'(call {C} ("svc" "num") [] p)', '(call p ("svc" "num") [])')
em("invalid-fail-object", "fail with an object that is not an error", OBJ, '(fail o)')
em("match-not-equal", "a match of different values", OBJ, '(match o.$.n 3 (null))')
em("mismatch-equal", "a mismatch of equal values", OBJ, '(mismatch o.$.n 2 (null))')
em("map-key-bool", "a stream map key that is a bool", f'(call {C} ("svc" "bool") [] b)', '(ap (b 1) %m)')
em("service-error", "a failing service", '(null)', f'(call {C} ("fail" "now") [1])')
em("remote-service-error", "a failing service on another peer", '(null)',
   f'(seq (call {W} ("fail" "now") []) (null))')
S["error-message-remote-service-error"]["peers"] = ["client", "worker"]
em("fail-literal", "fail with a code and a message", '(null)', '(fail 42 "custom")')
em("canon-index-by-string", "a canon stream indexed by a string scalar",
   f'(seq (ap 1 $s) (seq (canon {C} $s #cc) (ap "x" i)))', log("#cc.$.[i]"))
em("canon-index-out-of-range", "a canon stream index out of range",
   f'(seq (ap 1 $s) (canon {C} $s #cc))', log("#cc.$.[5]"))
em("index-negative", "a negative index scalar", f'(seq {ARR} (ap -1 i))', log("xs.$.[i]"))
em("index-bool", "a bool index scalar", f'(seq {ARR} (ap true i))', log("xs.$.[i]"))
em("canon-peer-not-string", "a canon whose peer is a number", f'(call {C} ("svc" "num") [] p)', '(canon p $s #x)')
for name, sc in S.items():
    json.dump(sc, open(f"{name}.json", "w"), indent=1)
print(len(S))
