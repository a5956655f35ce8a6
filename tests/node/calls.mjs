// The calls of the Node suite: each runs one generated function of tests/node/aqua/calls.aqua on
// js-client's in-process network and returns a JSON value that must be the same for every
// implementation (ours as TypeScript compiled by tsc, ours as JavaScript, the reference's) and
// equal to the stored one (expected.json).

const shape = {
  name: "square",
  points: [{ x: 0, y: 0, label: "origin" }, { x: 1, y: 1, label: null }],
  centre: { x: 1, y: -1, label: null },
  tags: [["a", "b"], []],
};
const bare = { name: "bare", points: [], centre: null, tags: [] };

/** Services of the client, registered with the generated registerX functions. */
export function registerServices(m, client) {
  m.registerGreeter(client, {
    greet: (name, times, ctx) => `Hello, ${name} x${times} (context: ${typeof ctx.particleId})`,
  });
  m.registerCalc(client, "calc-1", { add: (a, b) => a + b });
  const stored = new Map();
  m.registerShapes(client, {
    put: (s) => { stored.set(s.name, s); },
    get: (name) => stored.get(name) ?? null,
    count: () => stored.size,
  });
}

/** A callback whose first call resolves `called`. */
function recorder() {
  let resolve;
  const called = new Promise((r) => { resolve = r; });
  return { called, cb: (...args) => { const ctx = args.pop(); resolve({ args, ctx }); } };
}

/** name → async (module, client, peers) => JSON value. */
export const CALLS = {
  "greet: a service of the client with its default id": (m, c) => m.greet(c, "Alice", 2),
  "calc: a service registered under an id given at run time": (m, c) => m.calc(c, "calc-1", 40, 2.5),
  "echoScalars: string, bool, u32, i64, f64": (m, c) => m.echoScalars(c, "ü-text", true, 4294967295, -9007199254740991, 1.25),
  "echoOptions: options given": (m, c) => m.echoOptions(c, "x", [1, 2, 3]),
  "echoOptions: options null": (m, c) => m.echoOptions(c, null, null),
  "echoArrays: arrays and nested arrays": (m, c) => m.echoArrays(c, ["a", "b", "c"], [[1], [], [2, 3]]),
  "echoArrays: empty arrays": (m, c) => m.echoArrays(c, [], []),
  "echoShape: nested structs, options and arrays": (m, c) => m.echoShape(c, shape),
  "echoShape: null and empty fields": (m, c) => m.echoShape(c, bare),
  "storeShape: a struct into a client service and back": (m, c) => m.storeShape(c, shape),
  "several: four results": (m, c) => m.several(c, "n"),
  "noArgs: no arguments": (m, c) => m.noArgs(c),
  "withCallback: a callback with two arguments, its result used": (m, c) =>
    m.withCallback(c, "Bob", (name, n, ctx) => `${name}-${n}-${ctx.initPeerId === c.getPeerId()}`),
  "notify: a void function, observed through its callback": async (m, c) => {
    const { called, cb } = recorder();
    const result = await m.notify(c, "ping", cb);
    const { args } = await called;
    return { result: result ?? "undefined", callback: args };
  },
  "failing: a remote failure rejects the promise with the error text": async (m, c) => {
    try {
      return { resolved: await m.failing(c, "x", { ttl: 7000 }) };
    } catch (error) {
      return { rejected: normaliseError(error) };
    }
  },
  "onOther: `on` another peer through the relay": async (m, c, peers) => {
    const { called, cb } = recorder();
    const result = await m.onOther(c, peers[1], cb);
    const { args, ctx } = await called;
    // Where the callback's argument was produced: the other peer (its tetraplet).
    const madeOn = ctx.tetraplets[0][0].peer_pk === peers[1] ? "the other peer" : ctx.tetraplets[0][0].peer_pk;
    return { result: result.replace(peers[1], "<peer 1>"), callback: args[0].replace(peers[1], "<peer 1>"), madeOn };
  },
  "parallel: par on two peers, join both": async (m, c, peers) =>
    named(await m.parallel(c, peers[1], peers[2]), peers).sort(),
  "forPar: for … par over three peers, join all": async (m, c, peers) =>
    named(await m.forPar(c, peers), peers).sort(),
  "streams: a stream argument, appended to on two peers": async (m, c) => {
    const [items, count] = await m.streams(c, ["a", "b"], "c");
    return [items.sort(), count];
  },
};

/** Peer ids replaced by `<peer N>`, so results do not depend on the network's keys. */
function named(values, peers) {
  return values.map((v) => peers.reduce((s, p, i) => s.replaceAll(p, `<peer ${i}>`), v));
}

/** The error text without what changes from run to run (particle ids, peer ids, timestamps). */
function normaliseError(error) {
  const text = typeof error === "string" ? error : (error?.message ?? JSON.stringify(error));
  return text
    .replace(/12D3KooW[1-9A-HJ-NP-Za-km-z]+/g, "<peer>")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>");
}
