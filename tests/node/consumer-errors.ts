// Mistakes that the generated types must make tsc reject: each line marked `// error` must get
// a diagnostic, and no other line may.
import type { IFluenceClient } from "@fluencelabs/js-client";
import { echoShape, greet, registerCalc, registerGreeter, several } from "./ours-ts/calls.js";
import * as js from "./ours-js/calls.js";

export async function misuse(client: IFluenceClient): Promise<void> {
  await greet("a", "two"); // error
  const n: number = await greet(client, "a", 1); // error
  registerCalc({ add: (a: number, b: number) => a + b }); // error
  registerGreeter({ greet: (name: string) => name.length }); // error
  await echoShape(client, { name: "x" }); // error
  const [, count] = await several("n");
  const s: string = count; // error
  await js.notify("m", (s: number) => { void s; }); // error
  void n;
  void s;
}
