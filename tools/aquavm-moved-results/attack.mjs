// usage: node attack.mjs [CASE...]   (cases: 1 2 3 4; default all). Writes artefacts to out/caseN/.
// For each case: foo runs the AIR as init peer and answers its calls; its data goes to bar
//  (a) honestly, (b) decoded+re-encoded unchanged (sanity check of the tamper tool), (c) with the trace tampered.
// Then bar, holding its own output as prev_data, is given the honest foo data.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { peer, invoke, human } from './avm.mjs';

const TAMPER = new URL('./tamper/target/debug/tamper', import.meta.url).pathname;
const foo = peer('foo'), bar = peer('bar'), baz = peer('baz');
const names = { [foo.id]: 'foo', [bar.id]: 'bar', [baz.id]: 'baz' };
const sub = (air) => air.split('@foo@').join(JSON.stringify(foo.id)).split('@bar@').join(JSON.stringify(bar.id));
const swap = (t, i, j) => { const x = t[i]; t[i] = t[j]; t[j] = x; return t; };

const cases = {
  1: { air: `(seq (call @foo@ ("svc" "f") [] x) (seq (call @bar@ ("svc" "g") [x] y) (call @foo@ ("log" "h") [y])))`,
       answers: { 1: '1' },
       tamper: (t) => swap(t, 0, 1) },
  2: { air: `(par (call @foo@ ("svc" "f") [] x) (call @foo@ ("svc" "f") [] y))`,
       answers: { 1: 'left' },
       // [par(1,1), executed, sent_by] -> [par(1,1), sent_by, executed]
       tamper: (t) => swap(t, 1, 2) },
  3: { air: `(seq (seq (ap 1 $s) (ap 2 $s)) (fold $s i (par (call @foo@ ("svc" "f") [] r) (next i))))`,
       answers: { 1: 'first' },
       // [ap, ap, fold, par(1,2), executed, par(1,0), sent_by]: iteration 1 = states 3..4, iteration 2 = 5..6;
       // swap the call states of the two iterations (lore and par sizes unchanged)
       tamper: (t) => swap(t, 4, 6) },
  4: { air: `(seq (par (call @foo@ ("svc" "f") [] x) (null)) (call @foo@ ("svc" "f") [] y))`,
       answers: { 1: 'inner', 2: 'outer' },
       // [par(1,0), executed inner, executed outer] -> [par(1,0), executed outer, executed inner]
       tamper: (t) => swap(t, 1, 2) },
  // variants in which bar consumes the moved values, so that the effect shows in bar's call requests
  '2b': { air: `(seq (par (call @foo@ ("svc" "f") [] x) (call @foo@ ("svc" "f") [] y)) (par (call @bar@ ("svc" "gx") [x]) (call @bar@ ("svc" "gy") [y])))`,
       answers: { 1: 'left' },
       // [par(1,1), executed x, sent_by(call 2), par(1,1), sent_by gx, sent_by gy]: swap states 1 and 2
       tamper: (t) => swap(t, 1, 2) },
  '3b': { air: `(seq (seq (ap 1 $s) (ap 2 $s)) (fold $s i (par (seq (call @foo@ ("svc" "f") [] r) (call @bar@ ("svc" "g") [i r])) (next i))))`,
       answers: { 1: 'first' },
       // [ap, ap, fold, par(2,2), executed r, sent_by g, par(1,0), sent_by(call 2)]: swap states 4 and 7
       tamper: (t) => swap(t, 4, 7) },
  '4b': { air: `(seq (seq (par (call @foo@ ("svc" "f") [] x) (null)) (call @foo@ ("svc" "f") [] y)) (call @bar@ ("svc" "g") [x y]))`,
       answers: { 1: 'inner', 2: 'outer' },
       // [par(1,0), executed inner, executed outer, sent_by g]: swap states 1 and 2
       tamper: (t) => swap(t, 1, 2) },
};

function report(label, out) {
  const r = { ret_code: out.retCode, error: out.errorMessage,
    call_requests: out.callRequests.map(([id, c]) => ({ id: Number(id), service: c.serviceId, function: c.functionName, args: c.arguments })),
    next_peers: out.nextPeerPks.map(p => names[p] ?? p) };
  console.log(`  ${label}: ${JSON.stringify(r)}`);
  return r;
}

function runFoo(c, dir) {
  let prev = new Uint8Array(), cur = new Uint8Array(), results = [];
  const log = [];
  for (;;) {
    const out = invoke({ air: c.air, initPeer: foo, self: foo, prevData: prev, curData: cur, results });
    log.push(report('foo', out));
    if (out.retCode !== 0) throw new Error('foo failed');
    prev = out.data; cur = new Uint8Array();
    results = out.callRequests.filter(([id]) => Object.hasOwn(c.answers, id))
      .map(([id]) => [Number(id), { retCode: 0, result: JSON.stringify(c.answers[id]) }]);
    if (!results.length) break;
  }
  return prev;
}

const trace = (file) => JSON.parse(execFileSync(TAMPER, ['trace', file], { encoding: 'utf8' }));

const summary = {};
for (const n of (process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(cases))) {
  const c = { ...cases[n], air: sub(cases[n].air) };
  const dir = `out/case${n}`; fs.mkdirSync(dir, { recursive: true });
  console.log(`== case ${n}: ${cases[n].air}`);
  const fooData = runFoo(c, dir);
  fs.writeFileSync(`${dir}/foo.bin`, fooData);
  fs.writeFileSync(`${dir}/foo.human.json`, human(fooData));
  const honestTrace = trace(`${dir}/foo.bin`);
  fs.writeFileSync(`${dir}/foo.trace.json`, JSON.stringify(honestTrace));
  console.log(`  foo trace: ${JSON.stringify(honestTrace)}`);
  const res = summary[n] = {};

  const deliver = (label, data) => {
    const b1 = invoke({ air: c.air, initPeer: foo, self: bar, prevData: new Uint8Array(), curData: data });
    const r1 = report(`${label}: bar(prev=empty, cur=${label})`, b1);
    fs.writeFileSync(`${dir}/bar.${label}.bin`, b1.data);
    try { fs.writeFileSync(`${dir}/bar.${label}.human.json`, human(b1.data)); } catch (e) {}
    const b2 = invoke({ air: c.air, initPeer: foo, self: bar, prevData: b1.data, curData: fooData });
    const r2 = report(`${label}: bar(prev=bar output, cur=honest)`, b2);
    try { fs.writeFileSync(`${dir}/bar.${label}.then-honest.human.json`, human(b2.data)); } catch (e) {}
    // extra: does bar's output survive the next hop? (a third peer baz with empty prev; foo with its own data as prev)
    const onward = {};
    for (const [k, d] of [['first', b1.data], ['then_honest', b2.data]]) {
      onward[k] = {
        baz: report(`${label}: baz(prev=empty, cur=bar ${k} output)`, invoke({ air: c.air, initPeer: foo, self: baz, prevData: new Uint8Array(), curData: d })),
        foo: report(`${label}: foo(prev=foo data, cur=bar ${k} output)`, invoke({ air: c.air, initPeer: foo, self: foo, prevData: fooData, curData: d })),
      };
    }
    return { first: r1, then_honest: r2, onward };
  };
  res.honest = deliver('honest', fooData);
  execFileSync(TAMPER, ['roundtrip', `${dir}/foo.bin`, `${dir}/foo.roundtrip.bin`]);
  const rt = fs.readFileSync(`${dir}/foo.roundtrip.bin`);
  console.log(`  roundtrip bytes identical: ${Buffer.compare(rt, Buffer.from(fooData)) === 0}`);
  res.roundtrip = deliver('roundtrip', new Uint8Array(rt));
  if (c.tamper) {
    const t = c.tamper(structuredClone(honestTrace));
    fs.writeFileSync(`${dir}/tampered.trace.json`, JSON.stringify(t));
    console.log(`  tampered trace: ${JSON.stringify(t)}`);
    execFileSync(TAMPER, ['set-trace', `${dir}/foo.bin`, `${dir}/tampered.trace.json`, `${dir}/tampered.bin`]);
    res.tampered = deliver('tampered', new Uint8Array(fs.readFileSync(`${dir}/tampered.bin`)));
  }
}
fs.writeFileSync('out/summary.json', JSON.stringify(summary, null, 1));
