/**
 * The code of the public CDN's viewer-request CloudFront Function: the typed adapter
 * (generator/serving/routing/cloudfront-function.ts) and the shared router it imports, bundled by esbuild
 * into one plain script for cloudfront-js-2.0.
 *
 * What the runtime needs (CloudFront developer guide, "JavaScript runtime 2.0 features"): a plain
 * script, no modules of our own, a top-level `function handler(event)`, at most 10 KB, and ES 5.1
 * plus a few later features. So the bundle targets ES5 with const/let, and esbuild fails the build
 * on syntax it cannot lower (classes, for-of, destructuring, spread, generators, async): a router
 * change the runtime could not run breaks `pulumi up` here rather than at the edge.
 */
import { buildSync } from "esbuild";
import { fileURLToPath } from "node:url";

/** The CloudFront Functions runtime the generated code is written for. */
export const EDGE_FUNCTION_RUNTIME = "cloudfront-js-2.0";
/** CloudFront's size limit for a function's code, in bytes. */
export const EDGE_FUNCTION_MAX_BYTES = 10_240;

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The bundle's exports live on this one global (an IIFE), since the runtime has no modules. */
const GLOBAL = "githubPypiEdge";

/**
 * The code for an index whose pages may be cached for `indexMaxAgeSeconds`. Deterministic: the
 * same router and options give the same bytes, so an unchanged function is not republished.
 */
export function viewerRequestFunctionCode(options: { indexMaxAgeSeconds: number }): string {
  const maxAge: unknown = options.indexMaxAgeSeconds;
  if (typeof maxAge !== "number" || !Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new Error(`indexMaxAgeSeconds must be a non-negative integer, got ${String(maxAge)}`);
  }
  const out = buildSync({
    absWorkingDir: ROOT,
    entryPoints: ["generator/serving/routing/cloudfront-function-entry.ts"],
    bundle: true,
    write: false,
    format: "iife",
    globalName: GLOBAL,
    target: "es5",
    supported: { "const-and-let": true },
    minify: true,
    legalComments: "none",
    logLevel: "silent",
    // The stack's setting, as a constant of the bundle (a number, checked above).
    define: { GITHUB_PYPI_INDEX_MAX_AGE_SECONDS: String(maxAge) },
    banner: { js: "// github-pypi edge routing, generated from generator/serving/routing/cloudfront-function.ts and router.ts; do not edit." },
    // The runtime calls a top-level function named handler; the bundle's one lives on its global.
    footer: { js: `function handler(event){return ${GLOBAL}.handler(event)}` },
  });
  const code = out.outputFiles[0]?.text ?? "";
  const bytes = Buffer.byteLength(code, "utf8");
  if (bytes > EDGE_FUNCTION_MAX_BYTES) {
    throw new Error(`The edge function is ${bytes} bytes; CloudFront Functions allow ${EDGE_FUNCTION_MAX_BYTES}.`);
  }
  return code;
}
