// The Node suite of issue 11: our generated client code on js-client's own in-process network of
// real AquaVM peers. One process, one network start:
//   1. compiles tests/node/aqua/calls.aqua and the examples with our compiler (`--target ts` and
//      `--target js`), and the whole corpus (tests/data/aqua, examples, tests/data/client) to ts
//      and js;
//   2. runs `tsc --strict` (skipLibCheck: js-client's typings need a module it does not ship) on
//      all generated TypeScript, every generated `.d.ts` (as a .ts copy, since skipLibCheck skips
//      .d.ts files), consumer.ts and README.md's TypeScript example, emitting the JavaScript of our ts target; then checks that
//      consumer-errors.ts gets an error on each marked line and nowhere else;
//   3. starts 3 EphemeralNetwork peers and one client per implementation (ours-ts, ours-js, the
//      reference's stored code in tests/node/reference/), registers the services with the
//      generated registerX and runs every call of calls.mjs, then the examples (examples.mjs)
//      compiled by us (ts, js) and by the reference;
//   4. compares every implementation's results with tests/node/expected.json
//      (`--record` rewrites it from the results of the reference's code).
// usage: AQUA=path/to/aqua node tests/node/run.mjs [--record]; exit 0 when everything matches.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";

import { CALLS, registerServices } from "./calls.mjs";
import { EXAMPLES, hostServices } from "./examples.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const build = join(here, "build");
const record = process.argv.includes("--record");
const aqua = process.env.AQUA;
const t0 = performance.now();
const since = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const failures = [];

if (!aqua) throw new Error("set AQUA to the path of the aqua binary");
rmSync(build, { recursive: true, force: true });
mkdirSync(build, { recursive: true });

// 1. Compile.
function compile(inputs, out, target) {
  const run = spawnSync(aqua, ["compile", ...inputs, "-o", join(build, out), "--target", target], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`aqua compile ${inputs.join(" ")} --target ${target}: exit ${run.status}\n${run.stderr}`);
}
const aquaFiles = (dir) => readdirSync(join(root, dir)).filter((f) => f.endsWith(".aqua")).map((f) => join(root, dir, f));
// The corpus, without the file every compiler rejects on purpose.
const corpus = [...aquaFiles("tests/data/aqua"), ...aquaFiles("examples"), ...aquaFiles("tests/data/client")]
  .filter((f) => !f.endsWith("36-compile-errors.aqua"));
for (const target of ["ts", "js"]) {
  compile([join(here, "aqua")], `ours-${target}`, target);
  compile([join(root, "examples")], `examples-${target}`, target);
  compile(corpus, `corpus-${target}`, target);
}
// The example app: its generated code beside a copy of it, where node_modules resolves.
compile([join(root, "examples/js-client/hello.aqua")], "app/generated", "js");
copyFileSync(join(root, "examples/js-client/app.mjs"), join(build, "app/app.mjs"));
mkdirSync(join(build, "reference"));
cpSync(join(here, "reference"), join(build, "reference"), { recursive: true });
for (const file of ["consumer.ts", "consumer-errors.ts"]) copyFileSync(join(here, file), join(build, file));
// README.md's TypeScript example, with the code it generates, so the README stays true.
compile([join(root, "examples/js-client/hello.aqua")], "readme/src/generated", "ts");
const readmeExample = readFileSync(join(root, "README.md"), "utf8").match(/```ts\n(\/\/ src\/main\.ts[^]*?)```/);
if (!readmeExample) throw new Error("README.md has no ```ts block starting with // src/main.ts");
writeFileSync(join(build, "readme/src/main.ts"), readmeExample[1]);
console.log(`compiled with ${relative(root, aqua)} (${since()})`);

// 2. Type-check.
const tsc = join(here, "node_modules/typescript/bin/tsc");
const tsFlags = ["--strict", "--skipLibCheck", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022"];
const list = (dir, ext) => readdirSync(join(build, dir)).filter((f) => f.endsWith(ext)).map((f) => join(build, dir, f));
const declarations = [];
for (const dir of ["ours-js", "examples-js", "corpus-js"]) {
  for (const file of list(dir, ".d.ts")) {
    const copy = file.replace(/\.d\.ts$/, ".decl.ts");
    copyFileSync(file, copy);
    declarations.push(copy);
  }
}
const typeChecked = [...list("ours-ts", ".ts"), ...list("examples-ts", ".ts"), ...list("corpus-ts", ".ts"), ...declarations,
  join(build, "consumer.ts"), join(build, "readme/src/main.ts")];
const checked = spawnSync(process.execPath, [tsc, ...tsFlags, "--outDir", join(build, "out"), "--rootDir", build, ...typeChecked], { encoding: "utf8" });
if (checked.status !== 0) failures.push(`tsc --strict rejects generated code or consumer.ts:\n${checked.stdout}${checked.stderr}`);
console.log(`tsc --strict: ${typeChecked.length} files, ${checked.status === 0 ? "no errors" : "ERRORS"} (${since()})`);
const marked = readFileSync(join(here, "consumer-errors.ts"), "utf8").split("\n")
  .flatMap((line, i) => (line.endsWith("// error") ? [i + 1] : []));
const misuse = spawnSync(process.execPath, [tsc, ...tsFlags, "--noEmit", join(build, "consumer-errors.ts")], { encoding: "utf8" });
const reported = [...new Set([...misuse.stdout.matchAll(/consumer-errors\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1])))];
if (!isDeepStrictEqual(reported.sort((a, b) => a - b), marked)) {
  failures.push(`consumer-errors.ts: errors expected on lines ${marked}, reported on ${reported}:\n${misuse.stdout}`);
}
console.log(`consumer-errors.ts: ${reported.length} of ${marked.length} deliberate errors reported (${since()})`);

// 3. The network: 3 of js-client's 20 fixed peers, and one client per implementation.
const D = pathToFileURL(join(here, "node_modules/@fluencelabs/js-client/dist")).href;
const { KeyPair } = await import("@fluencelabs/js-client");
const { registerService } = await import(`${D}/compilerSupport/registerService.js`);
const { EphemeralNetwork, defaultConfig } = await import(`${D}/ephemeral/network.js`);
const { EphemeralNetworkClient } = await import(`${D}/ephemeral/client.js`);
const { DEFAULT_CONFIG } = await import(`${D}/jsPeer/FluencePeer.js`);
const { loadMarineDeps } = await import(`${D}/marine/loader.js`);
const { MarineBackgroundRunner } = await import(`${D}/marine/worker/index.js`);
const network = new EphemeralNetwork({ peers: defaultConfig.peers.slice(0, 3) });
await network.up();
const peers = defaultConfig.peers.slice(0, 3).map((p) => p.peerId);
hostServices((index, serviceId, service) => registerService({ peer: network.peers.get(peers[index]), serviceId, service }));
async function newClient() {
  const client = new EphemeralNetworkClient(DEFAULT_CONFIG, await KeyPair.randomEd25519(),
    new MarineBackgroundRunner(...(await loadMarineDeps("/"))), network, peers[0]);
  await client.start();
  return client;
}
console.log(`network of 3 peers up (${since()})`);

const implementations = {
  "ours-ts": join(build, "out/ours-ts/calls.js"),
  "ours-js": join(build, "ours-js/calls.js"),
  reference: join(build, "reference/calls.js"),
};
const results = {};
const clients = [];
let callCount = 0;
async function runCalls(label, module, client, calls) {
  const out = {};
  for (const [name, call] of Object.entries(calls)) {
    const start = performance.now();
    try {
      out[name] = await call(module, client, peers);
    } catch (error) {
      out[name] = { threw: String(error?.message ?? error) };
    }
    callCount += 1;
    const ms = (performance.now() - start).toFixed(0);
    console.log(`  ${label}: ${name} (${ms} ms)`);
  }
  return out;
}
try {
  for (const [label, path] of Object.entries(implementations)) {
    const module = await import(pathToFileURL(path).href);
    const client = await newClient();
    clients.push(client);
    registerServices(module, client);
    results[label] = await runCalls(label, module, client, CALLS);
  }
  const exampleDirs = { "examples-ts": "out/examples-ts", "examples-js": "examples-js",
    "examples-reference": "reference/examples" };
  for (const [label, dir] of Object.entries(exampleDirs)) {
    const client = await newClient();
    clients.push(client);
    results[label] = {};
    for (const [stem, calls] of Object.entries(EXAMPLES)) {
      const module = await import(pathToFileURL(join(build, dir, `${stem}.js`)).href);
      Object.assign(results[label], await runCalls(label, module, client, calls));
    }
  }
  const client = await newClient();
  clients.push(client);
  const app = await import(pathToFileURL(join(build, "app/app.mjs")).href);
  results.app = await runCalls("app", app, client, {
    "examples/js-client/app.mjs: main": (m, c) => m.main(c, "Ann"),
  });
} finally {
  for (const client of clients) await client.stop();
  await network.down();
}
console.log(`${callCount} calls on js-client's peers (${since()})`);

// 4. Compare.
const expectedPath = join(here, "expected.json");
if (record) {
  // The app's expected result is ours (the reference has no code for it): what hello.aqua says.
  const expected = { calls: results.reference, examples: results["examples-reference"], app: results.app };
  writeFileSync(expectedPath, JSON.stringify(expected, null, 2) + "\n");
  console.log(`recorded ${expectedPath}`);
}
const expected = JSON.parse(readFileSync(expectedPath, "utf8"));
const against = { "ours-ts": expected.calls, "ours-js": expected.calls, reference: expected.calls,
  "examples-ts": expected.examples, "examples-js": expected.examples,
  "examples-reference": expected.examples, app: expected.app };
for (const [label, want] of Object.entries(against)) {
  for (const name of Object.keys({ ...want, ...results[label] })) {
    if (!isDeepStrictEqual(results[label][name], want[name])) {
      failures.push(`${label}: ${name}\n  got      ${JSON.stringify(results[label][name])}\n  expected ${JSON.stringify(want[name])}`);
    }
  }
}
if (failures.length > 0) {
  console.error(`FAILED (${failures.length}):\n${failures.join("\n")}`);
  process.exit(1);
}
console.log(`all results equal expected.json, for ours (ts and js) and the reference's code (${since()})`);
process.exit(0);
