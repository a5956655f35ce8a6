// The reference side of the random-program agreement suite (crates/aqua-agree): Fluence's compiler
// (@fluencelabs/aqua-api) and Fluence's AquaVM (@fluencelabs/avm on @fluencelabs/marine-js), both
// loaded once and served over stdin/stdout, one JSON request per line, one JSON answer per line:
//
//   {"compile": "<aqua source>"}  ->  {"errors": [text...], "functions": {name: "<AIR>"}}
//   {"run": <scenario>}           ->  {"peers": {name: id}, "calls": [...], "hops": N, "errors": [...]}
//
// A scenario is the oracle format of crates/air-network/src/scenario.rs: peers by name (ed25519
// secret seed sha256(name), libp2p peer id), `@name@` in the AIR replaced by that peer's id, mocks
// "peer|*/service/function|*" answered with result templates ("$peer:NAME", "$args", "$arg0", text
// with {arg0}, {"$error": CODE, "message": ...}), `math`/`cmp` computed as a Fluence peer does
// (checked i64), anything else "service S.F not found on PEER". Delivery is first in, first out;
// a step's next peers are queued in name order. Any failure of the driver itself is an answer
// {"failure": text}, so the Rust side reports it with the request that caused it.
import crypto from "node:crypto";
import fs from "node:fs";
import readline from "node:readline";
import { createRequire } from "node:module";
import { compileFromString } from "@fluencelabs/aqua-api";
import { MarineService } from "@fluencelabs/marine-js/MarineService";
import { defaultCallParameters } from "@fluencelabs/marine-js/types";

const require = createRequire(import.meta.url);
const { serializeAvmArgs, deserializeAvmResult } = require("@fluencelabs/avm");

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Base58 (bitcoin alphabet) of bytes. */
function base58(bytes) {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let text = "";
  while (n > 0n) {
    text = ALPHABET[Number(n % 58n)] + text;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    text = "1" + text;
  }
  return text;
}

/** A peer's secret seed and libp2p id (identity multihash of the protobuf Ed25519 public key). */
function keyOf(name) {
  const seed = crypto.createHash("sha256").update(name).digest();
  const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const secret = crypto.createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  const publicKey = Buffer.from(crypto.createPublicKey(secret).export({ format: "jwk" }).x, "base64url");
  const protobuf = Buffer.concat([Buffer.from([0x08, 0x01, 0x12, 0x20]), publicKey]);
  return { seed, id: base58(Buffer.concat([Buffer.from([0x00, protobuf.length]), protobuf])) };
}

const modules = new URL("./node_modules/@fluencelabs/", import.meta.url).pathname;
const avm = new MarineService(
  new WebAssembly.Module(fs.readFileSync(modules + "marine-js/dist/marine-js.wasm")),
  "avm",
  () => {},
  {
    modules_config: [{ import_name: "avm", config: { logger_enabled: true, logging_mask: 0,
      wasi: { envs: {}, preopened_files: new Set(), mapped_dirs: new Map() } } }],
  },
  { avm: new Uint8Array(fs.readFileSync(modules + "avm/dist/avm.wasm")) },
  { WASM_LOG: "off" },
);
await avm.init();

/** The reference compiler's AIR for every exported function, with its default options. */
async function compile(source) {
  const plain = (text) => text.replace(/\u001b\[[0-9;]*m/g, "");
  let result;
  try {
    result = await compileFromString({ code: source });
  } catch (error) {
    // The reference compiler's internal errors are thrown, not reported: one is its verdict on
    // this program (a rejection), not a failure of the driver.
    const message = plain(String(error?.message ?? error));
    if (!message.includes("Internal aqua compiler error")) throw error;
    return { errors: [message.split("\n").slice(0, 2).join(" ")], functions: {} };
  }
  const functions = Object.fromEntries(Object.entries(result.functions).map(([name, f]) => [name, f.script]));
  return { errors: result.errors.map(plain), functions };
}

/** A mock's template filled with the call's arguments. */
function fill(template, args, ids) {
  if (typeof template === "string") {
    if (template.startsWith("$peer:")) return ids[template.slice(6)];
    if (template === "$args") return args;
    if (template === "$arg0") return args[0] ?? null;
    const first = typeof args[0] === "string" ? args[0] : JSON.stringify(args[0] ?? "");
    return template.split("{arg0}").join(first);
  }
  if (Array.isArray(template)) return template.map((item) => fill(item, args, ids));
  if (template && typeof template === "object") {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fill(v, args, ids)]));
  }
  return template;
}

const I64 = [-(2n ** 63n), 2n ** 63n - 1n];

/** A Fluence peer's answer to `math`/`cmp`, or undefined for any other service. */
function builtin(service, fn, args) {
  if (service !== "math" && service !== "cmp") return undefined;
  const fail = (message) => ({ $error: 1, message });
  if (args.length !== 2) return fail(`expected 2 arguments, got ${args.length}`);
  if (service === "math" && fn === "fmul") return Math.floor(Number(args[0]) * Number(args[1]));
  if (!args.every(Number.isInteger)) return fail(`expected i64, got ${JSON.stringify(args)}`);
  const [x, y] = args.map(BigInt);
  const checked = (v, op) => (v < I64[0] || v > I64[1] ? fail(`i64 ${op} overflow`) : Number(v));
  switch (`${service}/${fn}`) {
    case "math/add": return checked(x + y, "add");
    case "math/sub": return checked(x - y, "add");
    case "math/mul": return checked(x * y, "mul");
    case "math/div": return y === 0n ? fail("i64 div overflow") : checked(x / y, "div");
    case "math/rem": return y === 0n ? fail("i64 rem overflow") : checked(x % y, "rem");
    case "math/pow": return y < 0n ? fail("expected u32") : checked(x ** y, "pow");
    case "cmp/gt": return x > y;
    case "cmp/gte": return x >= y;
    case "cmp/lt": return x < y;
    case "cmp/lte": return x <= y;
    case "cmp/cmp": return x < y ? -1 : x > y ? 1 : 0;
    default: return undefined;
  }
}

/** One call's answer: a mock, a built-in, or "not found". */
function answer(scenario, ids, peer, request) {
  const services = scenario.services ?? {};
  const { serviceId: service, functionName: fn, arguments: args } = request;
  const key = [`${peer}/${service}/${fn}`, `*/${service}/${fn}`, `*/${service}/*`]
    .find((k) => Object.hasOwn(services, k));
  const value = key === undefined ? builtin(service, fn, args) : fill(services[key], args, ids);
  if (value === undefined) return { retCode: 1, result: `service ${service}.${fn} not found on ${peer}` };
  if (value && typeof value === "object" && !Array.isArray(value) && "$error" in value) {
    return { retCode: value.$error, result: value.message };
  }
  return { retCode: 0, result: value };
}

/** Runs a scenario on AquaVM to the end; the summary in the oracle's `--json` shape. */
function run(scenario) {
  const keys = Object.fromEntries(scenario.peers.map((name) => [name, keyOf(name)]));
  const ids = Object.fromEntries(Object.entries(keys).map(([name, key]) => [name, key.id]));
  const names = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
  let air = scenario.air;
  for (const name of scenario.peers) air = air.split(`@${name}@`).join(ids[name]);
  const init = scenario.init_peer || scenario.peers[0];
  const summary = { peers: ids, calls: [], hops: 0, errors: [] };
  const stored = {};
  const queue = [[init, new Uint8Array()]];
  const maxHops = scenario.max_hops ?? 1000;
  let invocations = 0;
  while (queue.length > 0 && summary.hops < maxHops) {
    summary.hops += 1;
    const [peer, arrived] = queue.shift();
    let prev = stored[peer] ?? new Uint8Array();
    let current = arrived;
    let results = [];
    const next = new Set();
    for (;;) {
      // A script that never stops asking for calls on one peer (a stream feeding its own `for …
      // rec`) is reported, not run for ever.
      invocations += 1;
      if (invocations > 5000) throw new Error("runaway script: more than 5000 invocations");
      const params = { initPeerId: ids[init], currentPeerId: ids[peer], keyFormat: 0,
        secretKeyBytes: keys[peer].seed, timestamp: scenario.timestamp ?? 1700000000000,
        ttl: scenario.ttl ?? 60000, particleId: scenario.particle_id ?? "particle-1" };
      const args = serializeAvmArgs(params, air, prev, current, results);
      args[3].hard_limit_enabled = false; // the 0.62 helpers put a number in this flag
      const outcome = deserializeAvmResult(avm.call("invoke", args, defaultCallParameters));
      if (outcome.retCode !== 0) {
        summary.errors.push({ peer, ret_code: outcome.retCode, message: outcome.errorMessage });
      }
      prev = new Uint8Array(outcome.data);
      for (const id of outcome.nextPeerPks) next.add(id);
      if (outcome.callRequests.length === 0) break;
      results = [];
      for (const [id, request] of [...outcome.callRequests].sort((a, b) => a[0] - b[0])) {
        const reply = answer(scenario, ids, peer, request);
        summary.calls.push({ peer, service: request.serviceId, function: request.functionName,
          args: request.arguments, ret_code: reply.retCode, result: reply.result });
        results.push([Number(id), { retCode: reply.retCode, result: JSON.stringify(reply.result) }]);
      }
      current = new Uint8Array();
    }
    stored[peer] = prev;
    // A client behind its relay (`client_relay`, as a js-client is) reaches no other peer, and
    // no other peer reaches it: such particles are not delivered.
    const relay = scenario.client_relay;
    const cutOff = (name) => relay !== undefined && relay !== null
      && ((peer === init && name !== relay) || (name === init && peer !== relay));
    const targets = [...next].map((id) => names[id])
      .filter((name) => name !== undefined && name !== peer && !cutOff(name));
    for (const name of targets.sort()) queue.push([name, prev]);
  }
  return summary;
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === "") continue;
  let reply;
  try {
    const request = JSON.parse(line);
    if ("compile" in request) reply = await compile(request.compile);
    else if ("run" in request) reply = run(request.run);
    else reply = { failure: `unknown request ${Object.keys(request)}` };
  } catch (error) {
    reply = { failure: String(error?.stack ?? error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
