// A Node app calling Aqua through Fluence's js-client, with the JavaScript aqua-rs generates:
//
//   aqua compile examples/js-client/hello.aqua -o examples/js-client/generated --target js
//   npm install @fluencelabs/js-client@0.9.0        (in the app's folder)
//   node examples/js-client/app.mjs /dns4/<relay host>/tcp/<port>/wss/p2p/<relay peer id>
//
// The Node suite (tests/node/run.mjs) imports `main` and runs it on js-client's in-process
// network instead of a real relay.
import { Fluence } from "@fluencelabs/js-client";
import { hello, registerPrinter } from "./generated/hello.js";

/** Registers the app's service and calls `hello`; `peer` is a connected js-client peer. */
export async function main(peer, name) {
  const shown = [];
  registerPrinter(peer, { show: (line, ctx) => { shown.push(`${line} (shown in particle ${typeof ctx.particleId})`); } });
  const greeting = await hello(peer, name, { ttl: 10000 });
  return { greeting, shown };
}

// Run directly: connect to the relay given on the command line.
if (import.meta.url === `file://${process.argv[1]}`) {
  await Fluence.connect(process.argv[2]);
  console.log(await main(Fluence.getClient(), "world"));
  await Fluence.disconnect();
}
