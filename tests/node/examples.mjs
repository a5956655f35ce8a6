// The bundled examples (examples/*.aqua) that js-client's peers can run, with the services of
// their network files (examples/*.toml) hosted as JS services on the ephemeral peers. Not run:
// deploy.aqua and wasm-greeting.aqua (they need `srv`/`dist` and a Wasm host, which js-client's
// peers do not implement). Peer names map to the suite's three peers: alice = 1, bob = 2,
// carol = 0 (the relay).

/** Hosts the examples' services on the peers; `host(peerIndex, serviceId, functions)`, each
 * function taking js-client's `{ args, context }`. */
export function hostServices(host) {
  host(1, "fetch", { get: () => "raw record 42" });
  host(2, "transform", { run: ({ args: [raw] }) => `${raw}, transformed` });
  host(0, "store", { put: ({ args: [value] }) => `stored '${value}' at carol/7` });
  host(1, "directory", { find: () => { throw new Error("directory offline"); } });
  host(2, "directory", { find: () => "found in the backup directory" });
  for (const [peer, reading] of [[1, 10], [2, 20], [0, 12]]) host(peer, "meter", { read: () => reading });
  for (const peer of [0, 1, 2]) host(peer, "greeting", { greet: ({ args: [name] }) => `${name} (from peer ${peer})` });
}

/** example file stem → name → async (module, client, peers) => JSON value. */
export const EXAMPLES = {
  pipeline: {
    "pipeline: fetch on alice, transform on bob, store on carol": (m, c, p) => m.pipeline(c, "k", p[1], p[2], p[0]),
  },
  failover: {
    "lookup: alice's directory fails, bob answers": (m, c, p) => m.lookup(c, "n", p[1], p[2]),
  },
  aggregate: {
    "totals: three meters into one stream": async (m, c, p) => {
      const [readings, total] = await m.totals(c, p);
      return [readings.sort((a, b) => a - b), total];
    },
  },
  greeting: {
    "greetOne: one peer": (m, c, p) => m.greetOne(c, p[2], "Ann"),
    "greetAll: every peer, for … par and join": async (m, c, p) => (await m.greetAll(c, p, "Ann")).sort(),
  },
};
