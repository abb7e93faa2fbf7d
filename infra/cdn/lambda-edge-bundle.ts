/**
 * The Lambda@Edge functions' code: a handler module and everything it imports, bundled by esbuild
 * into one CommonJS file with the stack's config baked in (Lambda@Edge has no environment
 * variables). Deterministic: the same config gives the same bytes, so an unchanged index publishes
 * no new function version.
 * - the private index's viewer-request gate: generator/serving/access/lambda-edge-handler.ts;
 * - the private index's origin-request list pages: generator/serving/access/list-origin-request.ts;
 * - the public index's origin-response upstream redirect: generator/serving/routing/upstream-origin-response.ts.
 */
import { buildSync } from "esbuild";
import { fileURLToPath } from "node:url";
import type { EdgeAccessConfig } from "../../generator/serving/access/lambda-edge-handler.js";
import type { UpstreamEdgeConfig } from "../../generator/serving/routing/upstream-origin-response.js";
import type { ListEdgeConfig } from "../../generator/serving/access/list-origin-request.js";

export type { EdgeAccessConfig } from "../../generator/serving/access/lambda-edge-handler.js";
export type { UpstreamEdgeConfig } from "../../generator/serving/routing/upstream-origin-response.js";

/** Lambda@Edge's limit for a viewer-request function's package (compressed), in bytes; we check the uncompressed size. */
export const LAMBDA_EDGE_MAX_BYTES = 1_048_576;
/** The limit for an origin-request or origin-response function's package: 50 MB. */
export const LAMBDA_EDGE_ORIGIN_MAX_BYTES = 52_428_800;
/** Node 22, the project's Node floor and the newest Lambda@Edge runtime the tests run on. */
export const LAMBDA_EDGE_RUNTIME = "nodejs22.x";
/** The file name inside the package, and so the handler is `index.handler`. */
export const LAMBDA_EDGE_FILE = "index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** `export const handler = factory(config)` from `module`, as one file; refused over Lambda@Edge's limit. */
function bundle(module: string, factory: string, config: object, what: string, maxBytes = LAMBDA_EDGE_MAX_BYTES): string {
  const entry = `import { ${factory} } from "./${module}";\nexport const handler = ${factory}(${JSON.stringify(config)});\n`;
  const out = buildSync({
    stdin: { contents: entry, resolveDir: ROOT, sourcefile: "lambda-edge-entry.ts", loader: "ts" },
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  const code = `// github-pypi ${what}, generated from ${module}; do not edit.\n${out.outputFiles[0]?.text ?? ""}`;
  const bytes = Buffer.byteLength(code, "utf8");
  if (bytes > maxBytes) {
    throw new Error(`The edge function (${what}) is ${bytes} bytes with its config; Lambda@Edge allows ${maxBytes} for it.`);
  }
  return code;
}

/** The private index's gate and router (viewer-request), with its access map. */
export function lambdaEdgeBundle(config: EdgeAccessConfig): string {
  return bundle("generator/serving/access/lambda-edge-handler.js", "createLambdaEdgeHandler", config, "private index gate");
}

/** The public index's upstream redirect (origin-response), with the upstream, its claimed patterns and the index's names. */
export function upstreamEdgeBundle(config: UpstreamEdgeConfig): string {
  return bundle("generator/serving/routing/upstream-origin-response.js", "createUpstreamOriginResponseHandler", config, "upstream redirect");
}

/** The private index's list pages (origin-request), with every project's entry; the larger origin limit applies. */
export function listPagesEdgeBundle(config: ListEdgeConfig): string {
  return bundle("generator/serving/access/list-origin-request.js", "createListOriginRequestHandler", config, "private index list pages", LAMBDA_EDGE_ORIGIN_MAX_BYTES);
}
