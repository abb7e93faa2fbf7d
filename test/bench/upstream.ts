/**
 * One index URL benchmark: what a full install costs, in requests, with the index's upstream
 * against the two-index setups people use without it.
 *
 * Our index holds acme-upapp (needing acme-core and two public packages) and acme-core (needing a
 * third); the upstream, a plain PEP 503 index served by Python, holds the three public packages
 * and squatters on both our names at 99.0.0. Real pip (no cache) installs acme-upapp into a
 * fresh target three ways:
 * - one URL: `--index-url OURS`, the index redirecting public names upstream;
 * - `--index-url UPSTREAM --extra-index-url OURS` (PyPI first, the usual pip.conf);
 * - `--index-url OURS --extra-index-url UPSTREAM`.
 * For each: requests at our host (pages, files, redirects), at the upstream, how many of them
 * named one of ours, and which acme-upapp was installed. Figures only; exits non-zero if the
 * one-URL install is not ours or leaks a name.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { readUpstreamRecord } from "../../generator/site/upstream-record.js";
import { startServer } from "../../generator/serving/server.js";
import { tempDir } from "../helpers/paths.js";
import { makeWheel } from "../helpers/python-dists.js";
import { createVenv, run } from "../helpers/python.js";
import { buildTo } from "../helpers/site.js";
import { startUpstreamIndex, writeUpstreamFolder } from "../helpers/upstream-index.js";

const wheel = (name: string, version: string, requiresDist: string[] = []) => makeWheel({ name, version, requiresDist });

const upstream = await startUpstreamIndex(
  writeUpstreamFolder({
    "public-a": [wheel("public-a", "1.0.0")],
    "public-b": [wheel("public-b", "1.0.0")],
    "public-c": [wheel("public-c", "1.0.0")],
    "acme-upapp": [wheel("acme-upapp", "99.0.0")],
    "acme-core": [wheel("acme-core", "99.0.0")],
  }),
);
const dists = tempDir("bench-upstream-ours");
for (const d of [wheel("acme-upapp", "1.0.0", ["acme-core>=1", "public-a", "public-b"]), wheel("acme-core", "1.0.0", ["public-c"])]) writeFileSync(join(dists, d.filename), d.bytes);
const site = join(tempDir("bench-upstream-site"), "site");
await buildTo(site, { from: [dists], config: { upstream: { url: upstream.url, claimed: ["acme-*"] } } });
const recorded = await readUpstreamRecord(site);
if (!recorded) throw new Error("the build did not record the upstream");

const ours: string[] = [];
const server = await startServer({ root: site, port: 0, upstream: recorded, log: (line) => ours.push(line) });
const venv = await createVenv(join(tempDir("bench-upstream-venv"), "v"));

interface Row {
  setup: string;
  ours: { pages: number; files: number; redirects: number };
  upstream: { all: number; ourNames: number };
  installed: string;
  seconds: number;
}

async function install(setup: string, indexArgs: string[]): Promise<Row> {
  await upstream.settle();
  ours.length = 0;
  upstream.requests.length = 0;
  const target = join(tempDir("bench-upstream-target"), "t");
  const started = performance.now();
  const r = await venv.pip(["install", "--no-cache-dir", "--target", target, ...indexArgs, "acme-upapp"]);
  const seconds = (performance.now() - started) / 1000;
  if (r.code !== 0) throw new Error(`${setup}: pip failed\n${r.stderr}`);
  await upstream.settle();
  const shown = await run(venv.python, ["-c", `import sys; sys.path.insert(0, ${JSON.stringify(target)}); import importlib.metadata as m; print(m.version("acme-upapp"))`]);
  const status = (line: string) => Number(line.split(" ")[2]);
  return {
    setup,
    ours: {
      pages: ours.filter((l) => l.includes(" /simple/") && status(l) === 200).length,
      files: ours.filter((l) => l.includes(" /files/")).length,
      redirects: ours.filter((l) => status(l) === 302).length,
    },
    upstream: { all: upstream.requests.length, ourNames: upstream.requests.filter((q) => q.path.includes("acme")).length },
    installed: shown.stdout.trim(),
    seconds,
  };
}

const OURS = `${server.url}/simple/`;
let failed = false;
try {
  const rows = [
    await install("one URL (upstream)", ["--index-url", OURS]),
    await install("--index-url UPSTREAM --extra-index-url OURS", ["--index-url", upstream.url, "--extra-index-url", OURS]),
    await install("--index-url OURS --extra-index-url UPSTREAM", ["--index-url", OURS, "--extra-index-url", upstream.url]),
  ];
  console.log("\nOne index URL: a full install of acme-upapp (2 of our projects, 3 public), real pip, no cache");
  console.log("setup                                          | ours: pages files 302s | upstream: all  ours | installed | s");
  for (const r of rows) {
    console.log(
      `${r.setup.padEnd(46)} | ${String(r.ours.pages).padStart(11)} ${String(r.ours.files).padStart(5)} ${String(r.ours.redirects).padStart(4)} | ${String(r.upstream.all).padStart(13)} ${String(r.upstream.ourNames).padStart(5)} | ${r.installed.padEnd(9)} | ${r.seconds.toFixed(1)}`,
    );
  }
  const [one] = rows;
  if (!one || one.installed !== "1.0.0" || one.upstream.ourNames !== 0) {
    console.error("FAIL: the one-URL install must be ours, and must not name ours upstream");
    failed = true;
  }
} finally {
  upstream.close();
  await server.close();
}
process.exit(failed ? 1 : 0);
