/** Loading a Lambda@Edge bundle the way Lambda does. */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { EdgeRequest, EdgeResponse, ViewerRequestEvent } from "../../generator/serving/access/lambda-edge-handler.js";
import { tempDir } from "./paths.js";

export type Handler = (event: ViewerRequestEvent) => Promise<EdgeRequest | EdgeResponse>;

/**
 * `index.js` in a CommonJS folder of its own (no access to this project's node_modules), then
 * `require("./index").handler`.
 */
export function loadLambdaBundle<H extends (event: never) => Promise<unknown> = Handler>(code: string): H {
  const dir = tempDir("edge-bundle");
  writeFileSync(join(dir, "package.json"), '{"type":"commonjs"}\n');
  writeFileSync(join(dir, "index.js"), code);
  const mod = createRequire(join(dir, "package.json"))("./index.js") as { handler?: H };
  assert.equal(typeof mod.handler, "function", "the bundle exports handler");
  return mod.handler as H;
}
