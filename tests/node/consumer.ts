// A TypeScript app using the generated code of tests/node/aqua/calls.aqua (ours, both targets):
// `tsc --strict` must accept it. consumer-errors.ts holds the mistakes it must reject.
import type { IFluenceClient, ParticleContext } from "@fluencelabs/js-client";
import {
  echoShape, greet, registerCalc, registerGreeter, registerKeeper, several, withCallback,
  type EchoShapeArgS, type GreeterDef, type SeveralResult,
} from "./ours-ts/calls.js";
import * as js from "./ours-js/calls.js";

export async function use(client: IFluenceClient): Promise<string> {
  const greeter: GreeterDef = {
    greet: (name: string, times: number, ctx: ParticleContext) => `${name} ${times} ${ctx.particleId}`,
  };
  registerGreeter(greeter);
  registerGreeter("other-id", greeter);
  registerGreeter(client, greeter);
  registerCalc(client, "calc", { add: async (a: number, b: number) => a + b });
  registerKeeper({ keep: (value: string) => value.length });
  const shape: EchoShapeArgS = { name: "s", points: [{ x: 1, y: 2, label: null }], centre: null, tags: [] };
  const [echoed, name, centre] = await echoShape(client, shape, { ttl: 5000 });
  const x: number | undefined = centre?.x;
  const text: string = await greet("a", 1);
  const joined: string = await withCallback("n", (s: string, n: number, ctx: ParticleContext) => `${s}${n}${ctx.ttl}`);
  const results: SeveralResult = await js.several(client, "n");
  const flag: boolean[] = results[2];
  const nothing: void = await js.notify("m", (s: string) => { void s; });
  void nothing;
  return `${echoed.name}${name}${x}${text}${joined}${flag.length}`;
}
