// One Lambda@Edge function on its own, as Lambda runs it: a plain Node process (no TypeScript
// loader) that requires the bundle's index.js and hands it events, so its peak memory is the
// function's own. Used by person-lists.ts; prints one JSON line.
//   node edge-function.mjs gate DIR TOKEN      -> cold and warm view of "/" by TOKEN: { uri, coldMs, warmMs }
//   node edge-function.mjs lists DIR URI N      -> N renders of URI, gzipped: { ms, gzBytes }
//   node edge-function.mjs floor                -> nothing: the bare process
import { createRequire } from "node:module";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const [mode, dir, arg, n] = process.argv.slice(2);
const out = {};
if (mode !== "floor") {
  const { handler } = createRequire(join(dir, "package.json"))("./index.js");
  const event = (uri, headers) => ({ Records: [{ cf: { request: { clientIp: "127.0.0.1", method: "GET", uri, querystring: "", headers } } }] });
  if (mode === "gate") {
    const auth = { authorization: [{ key: "Authorization", value: `Basic ${Buffer.from(`token:${arg}`).toString("base64")}` }] };
    let t = performance.now();
    const cold = await handler(event("/", auth));
    out.coldMs = performance.now() - t;
    t = performance.now();
    await handler(event("/", auth));
    out.warmMs = performance.now() - t;
    if (cold.status) throw new Error(`the gate answered ${cold.status}`);
    out.uri = cold.uri;
  } else if (mode === "lists") {
    const gzip = { "accept-encoding": [{ key: "Accept-Encoding", value: "gzip" }] };
    let page;
    const t = performance.now();
    for (let i = 0; i < Number(n); i++) page = await handler(event(arg, gzip));
    out.ms = (performance.now() - t) / Number(n);
    out.gzBytes = Buffer.from(page.body, "base64").length;
  }
}
out.maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify(out)}\n`);
