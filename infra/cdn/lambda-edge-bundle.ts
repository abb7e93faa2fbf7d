/**
 * The private index's Lambda@Edge code: generator/access/lambda-edge-handler.ts and everything it
 * imports, bundled by esbuild into one CommonJS file with the stack's access config baked in
 * (Lambda@Edge has no environment variables). Deterministic: the same config gives the same bytes,
 * so an unchanged index publishes no new function version.
 */
import { buildSync } from "esbuild";
import { fileURLToPath } from "node:url";
import type { EdgeAccessConfig } from "../../generator/access/lambda-edge-handler.js";

export type { EdgeAccessConfig } from "../../generator/access/lambda-edge-handler.js";

/** Lambda@Edge's limit for a viewer-request function's package (compressed), in bytes; we check the uncompressed size. */
export const LAMBDA_EDGE_MAX_BYTES = 1_048_576;
/** Node 22 (Lambda stops creating nodejs20.x functions in 2026); the code targets Node 20 syntax, which the tests run. */
export const LAMBDA_EDGE_RUNTIME = "nodejs22.x";
/** The file name inside the package, and so the handler is `index.handler`. */
export const LAMBDA_EDGE_FILE = "index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function lambdaEdgeBundle(config: EdgeAccessConfig): string {
  const entry =
    `import { createLambdaEdgeHandler } from "./generator/access/lambda-edge-handler.js";\n` +
    `export const handler = createLambdaEdgeHandler(${JSON.stringify(config)});\n`;
  const out = buildSync({
    stdin: { contents: entry, resolveDir: ROOT, sourcefile: "lambda-edge-entry.ts", loader: "ts" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  const code = `// github-pypi private index gate, generated from generator/access; do not edit.\n${out.outputFiles[0]?.text ?? ""}`;
  const bytes = Buffer.byteLength(code, "utf8");
  if (bytes > LAMBDA_EDGE_MAX_BYTES) {
    throw new Error(`The edge function is ${bytes} bytes with its access map; Lambda@Edge allows ${LAMBDA_EDGE_MAX_BYTES} for viewer requests.`);
  }
  return code;
}
