/**
 * Private index benchmark: what the access gate costs.
 *
 * 1. GitHub calls per install: the requests pip makes to install BENCH_ACCESS_INSTALL projects,
 *    each from its own private repository (project page, wheel `.metadata`, wheel), replayed through
 *    the gate against the GitHub emulator: by one person with a cold cache, again warm, and by a
 *    second person; compared with asking GitHub on every request (no cache).
 * 2. Gate time per request with a warm cache (the price of every request at the edge).
 * 3. The Lambda@Edge bundle with an access map of BENCH_ACCESS_PROJECTS projects: bytes and
 *    gzip bytes against the 1 MB viewer-request limit, and bundling time.
 * Figures only; exits non-zero if the gate's verdicts are wrong.
 */
import { gzipSync } from "node:zlib";
import { performance } from "node:perf_hooks";
import type { AccessMap } from "../../generator/serving/access/access-map.js";
import { createAccessGate } from "../../generator/serving/access/gate.js";
import { createGitHubAccess } from "../../generator/serving/access/github-access.js";
import { LAMBDA_EDGE_MAX_BYTES, lambdaEdgeBundle } from "../../infra/cdn/lambda-edge-bundle.js";
import { GitHubEmulator, type EmulatedRepo } from "../helpers/github-emulator.js";

const INSTALL = Number(process.env.BENCH_ACCESS_INSTALL ?? 10);
const PROJECTS = Number(process.env.BENCH_ACCESS_PROJECTS ?? 5000);
const WARM_CHECKS = 100_000;
for (const [name, n] of [
  ["BENCH_ACCESS_INSTALL", INSTALL],
  ["BENCH_ACCESS_PROJECTS", PROJECTS],
] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
}

const count = (n: number) => n.toLocaleString("en");
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const basic = (token: string) => `Basic ${Buffer.from(`token:${token}`).toString("base64")}`;

function syntheticMap(projects: number): AccessMap {
  const map: AccessMap = { version: 1, projects: {} };
  for (let i = 0; i < projects; i++) map.projects[`acme-package-${String(i).padStart(5, "0")}`] = [`acme/package-${String(i).padStart(5, "0")}`];
  return map;
}

/** The site paths pip fetches to install these projects from wheels with PEP 658 metadata. */
function installPaths(names: string[]): string[] {
  return names.flatMap((name) => {
    const file = `${name.replace(/-/g, "_")}-1.0.0-py3-none-any.whl`;
    return [`simple/${name}/index.json`, `files/${name}/${file}.metadata`, `files/${name}/${file}`];
  });
}

const ALICE = `ghp_alice${"0".repeat(31)}`;
const BOB = `ghp_bob${"0".repeat(33)}`;
const FLOOD = 1_000;

const emu = await GitHubEmulator.start({ token: "bot" });
let failed = false;
try {
  const map = syntheticMap(INSTALL);
  const names = Object.keys(map.projects);
  const repos: EmulatedRepo[] = [{ name: "pypi", private: true }, ...names.map((n) => ({ name: n.replace("acme-", ""), private: true }))];
  emu.setOrg("acme", repos);
  const everything = ["acme/pypi", ...repos.map((r) => `acme/${r.name}`)];
  emu.setPeople([
    { login: "alice", tokens: [ALICE], repositories: everything },
    { login: "bob", tokens: [BOB], repositories: everything },
  ]);
  const github = createGitHubAccess({ apiUrl: emu.apiUrl });
  const gate = createAccessGate({ gateRepository: "acme/pypi", map, github });
  const paths = installPaths(names);
  const apiCalls = () => emu.requests.filter((r) => r.server === "api").length;

  const replay = async (token: string): Promise<{ calls: number; ms: number }> => {
    emu.clearRequests();
    const t0 = performance.now();
    // pip fetches a project's page, then its metadata and file; projects resolve one after another.
    for (let i = 0; i < paths.length; i += 3) {
      for (const path of paths.slice(i, i + 3)) {
        const verdict = await gate.check(basic(token), path);
        if (verdict.kind !== "allow") {
          failed = true;
          console.error(`unexpected verdict for ${path}: ${JSON.stringify(verdict)}`);
        }
      }
    }
    return { calls: apiCalls(), ms: performance.now() - t0 };
  };
  const cold = await replay(ALICE);
  const warm = await replay(ALICE);
  const second = await replay(BOB);

  // No cache: every request asks every question again (what a gate without a verdict cache would cost).
  const uncached = createAccessGate({ gateRepository: "acme/pypi", map, github, positiveTtlSeconds: 0, negativeTtlSeconds: 0 });
  emu.clearRequests();
  for (const path of paths) await uncached.check(basic(ALICE), path);
  const noCache = apiCalls();

  console.log(`Access gate: pip installing ${INSTALL} projects from ${INSTALL} private repositories (${paths.length} requests)`);
  console.log(`  GitHub calls, cold cache:         ${count(cold.calls)} (GET /user, then one GET /repos per project's repository) in ${cold.ms.toFixed(0)} ms`);
  console.log(`  GitHub calls, warm cache:         ${count(warm.calls)} in ${warm.ms.toFixed(1)} ms`);
  console.log(`  GitHub calls, a second person:    ${count(second.calls)} (verdicts are per token)`);
  console.log(`  GitHub calls, no verdict cache:   ${count(noCache)} (${(noCache / Math.max(1, cold.calls)).toFixed(1)}x the cold cache)`);

  // A flood of invented, GitHub-shaped tokens from one address, then alice from another.
  const flooded = createAccessGate({ gateRepository: "acme/pypi", map, github });
  emu.clearRequests();
  const f0 = performance.now();
  const verdicts = await Promise.all(Array.from({ length: FLOOD }, (_, i) => flooded.check(basic(`ghp_${String(i).padStart(36, "z")}`), "simple/index.json", "192.0.2.1")));
  const floodMs = performance.now() - f0;
  const throttled = verdicts.filter((v) => v.kind === "throttled").length;
  const floodCalls = apiCalls();
  const bystander = await flooded.check(basic(ALICE), "simple/index.json", "198.51.100.7");
  if (bystander.kind !== "allow") failed = true;
  const junk = Array.from({ length: FLOOD }, (_, i) => flooded.check(basic(`not-a-token-${i}`), "simple/index.json", "192.0.2.2"));
  const junkVerdicts = await Promise.all(junk);
  console.log(
    `  ${count(FLOOD)} invented tokens from one address: ${count(floodCalls)} GitHub calls, ${count(throttled)} answered 429, in ${floodMs.toFixed(0)} ms; a person elsewhere: ${bystander.kind}`,
  );
  console.log(
    `  ${count(FLOOD)} strings that are not GitHub tokens: ${count(junkVerdicts.filter((v) => v.kind === "unauthorised").length)} refused, ${count(apiCalls() - floodCalls - 2)} GitHub calls`,
  );

  const iterations = WARM_CHECKS;
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await gate.check(basic(ALICE), paths[i % paths.length] as string);
  const perCheck = ((performance.now() - t0) * 1000) / iterations;
  console.log(`  Gate time per request, warm:      ${perCheck.toFixed(2)} µs (${count(iterations)} checks: header parse, SHA-256, LRU lookups)`);
} finally {
  await emu.close();
}

const big = syntheticMap(PROJECTS);
const t0 = performance.now();
const code = lambdaEdgeBundle({ gateRepository: "acme/pypi", apiUrl: "https://api.github.com", map: big, indexMaxAgeSeconds: 300, positiveTtlSeconds: 300, negativeTtlSeconds: 30, timeoutMs: 2000 });
const bundleMs = performance.now() - t0;
const bytes = Buffer.byteLength(code);
const gz = gzipSync(code).length;
const empty = Buffer.byteLength(
  lambdaEdgeBundle({
    gateRepository: "acme/pypi",
    apiUrl: "https://api.github.com",
    map: { version: 1, projects: {} },
    indexMaxAgeSeconds: 300,
    positiveTtlSeconds: 300,
    negativeTtlSeconds: 30,
    timeoutMs: 2000,
  }),
);
console.log(
  `Lambda@Edge bundle: ${kib(empty)} of code; with ${count(PROJECTS)} projects ${kib(bytes)} (${kib(gz)} zipped), ${((gz / LAMBDA_EDGE_MAX_BYTES) * 100).toFixed(1)}% of the 1 MB limit; bundled in ${bundleMs.toFixed(0)} ms`,
);
if (failed) process.exit(1);
