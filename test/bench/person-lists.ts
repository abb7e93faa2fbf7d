/**
 * Per-person list pages benchmark: what a private index's landing page and `/simple/` cost when
 * each is rendered for the person asking, at the size the design is held to (BENCH_LIST_PROJECTS
 * projects in BENCH_LIST_REPOS repositories, default 5,000 in 2,000), with the two Lambda@Edge
 * bundles as deployed (loaded like Lambda loads them) and the GitHub emulator on loopback.
 *
 * Printed: bundle bytes against their limits; a cold view (GitHub calls, time), a warm view (no
 * calls); the render of each list page with every project visible, raw and gzipped bytes against
 * the 1 MB a function may answer, against a floor of writing the same rows into one string; and the
 * process's peak memory against Lambda@Edge's 128 MB. Loopback hides GitHub's own latency: on the
 * real API a cold view is two rounds of requests (the first page, then the rest at once).
 * Exits non-zero if a view lists the wrong projects.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import type { EdgeRequest, EdgeResponse } from "../../generator/serving/access/lambda-edge-handler.js";
import type { OriginRequestEvent } from "../../generator/serving/access/list-origin-request.js";
import type { ListPages } from "../../generator/serving/access/list-pages.js";
import { LAMBDA_EDGE_MAX_BYTES, LAMBDA_EDGE_ORIGIN_MAX_BYTES, lambdaEdgeBundle, listPagesEdgeBundle } from "../../infra/cdn/lambda-edge-bundle.js";
import { GitHubEmulator } from "../helpers/github-emulator.js";
import { loadLambdaBundle } from "../helpers/lambda-bundle.js";
import { tempDir } from "../helpers/paths.js";

const PROJECTS = Number(process.env.BENCH_LIST_PROJECTS ?? 5000);
const REPOS = Number(process.env.BENCH_LIST_REPOS ?? 2000);
const RENDERS = 20;
for (const [name, n] of [
  ["BENCH_LIST_PROJECTS", PROJECTS],
  ["BENCH_LIST_REPOS", REPOS],
] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
}
type ListHandler = (event: OriginRequestEvent) => Promise<EdgeRequest | EdgeResponse>;

const EDGE_FUNCTION = fileURLToPath(new URL("./edge-function.mjs", import.meta.url));

/** Runs one bundle in a plain Node process of its own (edge-function.mjs); its last stdout line is the JSON figures. */
async function inOwnProcess(args: string[]): Promise<Record<string, number | string>> {
  const { stdout } = await promisify(execFile)(process.execPath, [EDGE_FUNCTION, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, number | string>;
}

/** A bundle as Lambda unpacks it: index.js in a CommonJS folder of its own. */
function unpacked(code: string): string {
  const dir = tempDir("bench-edge");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), '{"type":"commonjs"}\n');
  writeFileSync(join(dir, "index.js"), code);
  return dir;
}

const count = (n: number) => n.toLocaleString("en");
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const pad = (i: number) => String(i).padStart(5, "0");
const basic = (token: string) => `Basic ${Buffer.from(`token:${token}`).toString("base64")}`;

const EVERYTHING = `ghp_everything${"0".repeat(26)}`;
const HALF = `ghp_half${"0".repeat(32)}`;
const repoNames = Array.from({ length: REPOS }, (_, i) => `repo-${pad(i)}`);
const projects: Record<string, string[]> = {};
const entries: ListPages["projects"] = [];
for (let i = 0; i < PROJECTS; i++) {
  const name = `team-${i % 40}-service-${pad(i)}`;
  const repo = `acme/${repoNames[i % REPOS]}`;
  projects[name] = [repo];
  const summary = `Client library ${i} for the ${i % 40} team's service: retries, tracing, typed models and a command line.`;
  entries.push({
    name,
    displayName: name,
    row: `<li class="project" data-name="${name}" data-search="${name} ${summary.toLowerCase()}"><a class="project-name" href="project/${name}/">${name}</a> <span class="version">1.${i % 30}.0</span><p class="summary">${summary}</p><p class="project-meta"><a class="repository" href="https://github.com/${repo}">${repo}</a></p></li>\n`,
  });
}
entries.sort((a, b) => (a.name < b.name ? -1 : 1));

const emu = await GitHubEmulator.start({ token: `ghs_${"b".repeat(36)}` });
let failed = false;
try {
  emu.setOrg("acme", [{ name: "pypi", private: true }, ...repoNames.map((name) => ({ name, private: true }))]);
  emu.setPeople([
    { login: "everything", tokens: [EVERYTHING], repositories: ["acme/pypi", ...repoNames.map((r) => `acme/${r}`)] },
    { login: "half", tokens: [HALF], repositories: ["acme/pypi", ...repoNames.filter((_, i) => i % 2 === 0).map((r) => `acme/${r}`)] },
  ]);
  const config = { gateRepository: "acme/pypi", apiUrl: emu.apiUrl, indexMaxAgeSeconds: 300, positiveTtlSeconds: 300, negativeTtlSeconds: 30, timeoutMs: 2000 };
  const t0 = performance.now();
  const viewerCode = lambdaEdgeBundle({ ...config, map: { version: 1, projects, public: [] } });
  const listsCode = listPagesEdgeBundle({ lists: { version: 1, title: "Acme", projects: entries } });
  const bundleMs = performance.now() - t0;
  const viewer = loadLambdaBundle(viewerCode);
  const lists = loadLambdaBundle<ListHandler>(listsCode);
  console.log(`Per-person list pages: ${count(PROJECTS)} projects in ${count(REPOS)} repositories`);
  console.log(
    `  Gate bundle (viewer-request):  ${kib(Buffer.byteLength(viewerCode))}, ${kib(gzipSync(viewerCode).length)} zipped, ${((gzipSync(viewerCode).length / LAMBDA_EDGE_MAX_BYTES) * 100).toFixed(1)}% of 1 MB`,
  );
  console.log(
    `  List bundle (origin-request):  ${kib(Buffer.byteLength(listsCode))}, ${kib(gzipSync(listsCode).length)} zipped, ${((Buffer.byteLength(listsCode) / LAMBDA_EDGE_ORIGIN_MAX_BYTES) * 100).toFixed(1)}% of 50 MB; both bundled in ${bundleMs.toFixed(0)} ms`,
  );

  const view = async (token: string, uri: string): Promise<{ uri: string; ms: number; calls: number }> => {
    emu.clearRequests();
    const start = performance.now();
    const out = await viewer({
      Records: [{ cf: { request: { clientIp: "127.0.0.1", method: "GET", uri, querystring: "", headers: { authorization: [{ key: "Authorization", value: basic(token) }] } } } }],
    });
    const ms = performance.now() - start;
    if ("status" in out) throw new Error(`the gate answered ${out.status}: ${out.body ?? ""}`);
    return { uri: out.uri, ms, calls: emu.requests.filter((r) => r.server === "api").length };
  };
  const cold = await view(EVERYTHING, "/");
  const warm = await view(EVERYTHING, "/simple/");
  const half = await view(HALF, "/");
  console.log(
    `  Cold view, all ${count(REPOS + 1)} repositories readable: ${count(cold.calls)} GitHub calls in ${cold.ms.toFixed(0)} ms (loopback); list URI ${count(cold.uri.length)} characters of 8,192`,
  );
  console.log(`  Cold view, half of them:       ${count(half.calls)} GitHub calls in ${half.ms.toFixed(0)} ms`);
  console.log(`  Warm view:                     ${count(warm.calls)} GitHub calls, ${warm.ms.toFixed(2)} ms`);

  const render = async (uri: string): Promise<{ ms: number; raw: number; gz: number; rows: number }> => {
    let last: EdgeResponse | undefined;
    const start = performance.now();
    for (let i = 0; i < RENDERS; i++) {
      const out = await lists({
        Records: [{ cf: { request: { clientIp: "127.0.0.1", method: "GET", uri, querystring: "", headers: { "accept-encoding": [{ key: "Accept-Encoding", value: "gzip" }] } } } }],
      });
      if (!("status" in out) || out.status !== "200" || out.body === undefined) throw new Error(`the list function did not render ${uri}`);
      last = out;
    }
    const ms = (performance.now() - start) / RENDERS;
    const gz = Buffer.from(last?.body ?? "", "base64");
    const text = gunzipSync(gz).toString("utf8");
    return { ms, raw: Buffer.byteLength(text), gz: gz.length, rows: (text.match(/<li class="project"/g) ?? []).length };
  };
  const landing = await render(cold.uri);
  const halfLanding = await render(half.uri);
  if (landing.rows !== PROJECTS || halfLanding.rows !== PROJECTS / 2) {
    failed = true;
    console.error(`wrong rows: ${landing.rows} and ${halfLanding.rows}`);
  }
  const root = await render(warm.uri.replace(/\/index\.html$/, "/index.json"));
  // The floor: the same rows joined into one page and gzipped, with no gate, bits or layout.
  const f0 = performance.now();
  for (let i = 0; i < RENDERS; i++) gzipSync(Buffer.from(entries.map((e) => e.row).join(""), "utf8"));
  const floorMs = (performance.now() - f0) / RENDERS;
  console.log(
    `  Landing page, every project:   ${landing.ms.toFixed(1)} ms to render and gzip, ${kib(landing.raw)} (${kib(landing.gz)} gzipped, ${((landing.gz / 1_000_000) * 100).toFixed(1)}% of the 1 MB answer); floor (join + gzip the rows) ${floorMs.toFixed(1)} ms, ${(landing.ms / floorMs).toFixed(1)}x`,
  );
  console.log(`  Landing page, half of them:    ${halfLanding.ms.toFixed(1)} ms, ${kib(halfLanding.gz)} gzipped`);
  console.log(`  JSON root, every project:      ${root.ms.toFixed(1)} ms, ${kib(root.raw)} (${kib(root.gz)} gzipped)`);
  // Each function in a process of its own, as Lambda runs it, against a bare Node process.
  const floor = await inOwnProcess(["floor"]);
  const gateRun = await inOwnProcess(["gate", unpacked(viewerCode), EVERYTHING]);
  const listsRun = await inOwnProcess(["lists", unpacked(listsCode), String(gateRun.uri), String(RENDERS)]);
  const mib = (v: number | string | undefined) => Number(v ?? 0);
  console.log(
    `  Peak memory, each function in its own Node process: gate ${mib(gateRun.maxRssMiB).toFixed(0)} MiB (a cold view of ${count(REPOS + 1)} repositories in ${mib(gateRun.coldMs).toFixed(0)} ms, warm ${mib(gateRun.warmMs).toFixed(1)} ms), ` +
      `list pages ${mib(listsRun.maxRssMiB).toFixed(0)} MiB (${mib(listsRun.ms).toFixed(1)} ms a landing page); bare node ${mib(floor.maxRssMiB).toFixed(0)} MiB; Lambda@Edge gives each 128 MB`,
  );
} finally {
  await emu.close();
}
if (failed) process.exit(1);
