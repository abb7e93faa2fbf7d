/**
 * Publication benchmark: a generated site of ~2,000 files (BENCH_PUBLICATION_PROJECTS link-only
 * projects from a JSON-lines list, plus the demo distributions copied in as binary files) is
 * published to a new branch through the one-commit Git Data API provider, then one file changes,
 * then nothing changes. The provider is serialised the way Pulumi serialises it and driven
 * in-process (configure, create, diff, update) against the Git Data emulator. Prints requests by
 * kind, blobs, request body bytes and time. Figures only, except one check: the branch's checkout
 * must equal the site folder byte for byte, else the process exits non-zero.
 * Goals: cold = one commit and one blob per binary file; one changed file = one tree, one commit,
 * one ref update and no blob; no change = a diff with no request and an update with no write.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { publicationProvider, type PublicationInputs, type PublicationOutputs, type PublicationProvider } from "../../infra/publish/git-data-provider.js";
import { siteManifest } from "../../infra/publish/site-manifest.js";
import { loadProviderFromText } from "../helpers/dynamic-provider-host.js";
import { snapshot } from "../helpers/files.js";
import { GitDataEmulator, type GitDataRequest } from "../helpers/git-data-emulator.js";
import { demoDists, tempDir } from "../helpers/paths.js";
import { buildTo, folderObjects } from "../helpers/site.js";
import { syntheticLines } from "./synthetic-list.js";

// Each project gives two pages (simple/<name>/index.html and index.json); 990 of them, the demo
// distributions and the root pages make a site of about 2,000 files.
const PROJECTS = Number(process.env.BENCH_PUBLICATION_PROJECTS ?? 990);
if (!Number.isInteger(PROJECTS) || PROJECTS < 1) throw new Error(`BENCH_PUBLICATION_PROJECTS must be a positive integer, not ${process.env.BENCH_PUBLICATION_PROJECTS}`);
const TOKEN = "ghp_publicationBenchToken0123456789";
const BRANCH = "gh-pages";
const BINARY = /\.(whl|tar\.gz|zip)$/;

const count = (n: number) => n.toLocaleString("en");
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const kib = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(2)} MiB`);

// ---- request accounting ----------------------------------------------------------------------

/** Request body bytes, counted where the provider calls the global `fetch` (the serialised text uses the global). */
const sent = { bytes: 0 };
const realFetch = globalThis.fetch;
globalThis.fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const body = init?.body;
  if (typeof body === "string") sent.bytes += Buffer.byteLength(body);
  return realFetch(input, init);
};

/** "GET ref", "GET tree", "POST blobs", "PATCH ref", ...: an object read or written by id is singular, a collection plural. */
function kind(r: GitDataRequest): string {
  const path = (r.url.split("?")[0] ?? "").replace(/^\/repos\/[^/]+\/[^/]+/, "");
  const m = /^\/git\/(refs?|commits|trees|blobs)(\/.*)?$/.exec(path);
  if (!m) return `${r.method} ${path || "/"}`;
  const collection = m[1] ?? "";
  return `${r.method} ${m[2] ? collection.replace(/s$/, "") : collection}`;
}

const ORDER = ["GET ref", "GET commit", "GET tree", "POST blobs", "POST trees", "POST commits", "POST refs", "PATCH ref"];

interface Phase {
  requests: GitDataRequest[];
  byKind: Map<string, number>;
  writes: number;
  bytes: number;
  ms: number;
}

async function measure<T>(emu: GitDataEmulator, fn: () => Promise<T>): Promise<{ result: T; phase: Phase }> {
  const from = emu.requests.length;
  const bytes0 = sent.bytes;
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  const requests = emu.requests.slice(from);
  const byKind = new Map<string, number>();
  for (const r of requests) byKind.set(kind(r), (byKind.get(kind(r)) ?? 0) + 1);
  return { result, phase: { requests, byKind, writes: requests.filter((r) => r.method !== "GET").length, bytes: sent.bytes - bytes0, ms } };
}

/** One line per request kind, in API order, with the non-2xx answers noted (a cold GET ref is a 404). */
function table(p: Phase, indent = "      "): string {
  const kinds = [...ORDER.filter((k) => p.byKind.has(k)), ...[...p.byKind.keys()].filter((k) => !ORDER.includes(k)).sort()];
  if (kinds.length === 0) return `${indent}(none)`;
  return kinds
    .map((k) => {
      const failed = p.requests.filter((r) => kind(r) === k && (r.status < 200 || r.status > 299));
      const note = failed.length > 0 ? `  (${[...new Set(failed.map((r) => r.status))].map((s) => `${failed.filter((r) => r.status === s).length} x ${s}`).join(", ")})` : "";
      return `${indent}${k.padEnd(13)}${String(p.byKind.get(k) ?? 0).padStart(6)}${note}`;
    })
    .join("\n");
}

const n = (p: Phase, k: string) => p.byKind.get(k) ?? 0;
const goal = (ok: boolean) => (ok ? "goal met" : "GOAL MISSED");

// ---- the site --------------------------------------------------------------------------------

/** Two linked files a project (the shared synthetic organisation), so each project gives exactly two pages. */
function packageList(path: string, projects: number): void {
  writeFileSync(path, `${syntheticLines({ files: 2 * projects, projects }).join("\n")}\n`);
}

/** Byte-for-byte comparison of the branch's checkout with the site folder; a list of differences, empty when equal. */
function differences(emu: GitDataEmulator, siteDir: string): string[] {
  const checkout = emu.checkout(BRANCH);
  if (!checkout) return [`branch ${BRANCH} does not exist`];
  const got = snapshot(checkout);
  const want = snapshot(siteDir);
  const out: string[] = [];
  for (const path of want.keys()) if (!got.has(path)) out.push(`missing on the branch: ${path}`);
  for (const path of got.keys()) if (!want.has(path)) out.push(`extra on the branch: ${path}`);
  for (const [path, bytes] of want) {
    const other = got.get(path);
    if (other && !other.equals(bytes)) out.push(`bytes differ: ${path}`);
  }
  return out;
}

function commitsOn(emu: GitDataEmulator, branch: string): number {
  const out = execFileSync("git", ["--git-dir", emu.bareRepo, "rev-list", "--count", branch], { env: { PATH: process.env.PATH ?? "", HOME: tempDir("git-home") } });
  return Number(out.toString().trim());
}

// ---- the run ---------------------------------------------------------------------------------

const failures: string[] = [];
const emu = await GitDataEmulator.start({ token: TOKEN });
try {
  emu.pushOutside("main", { "README.md": "# pypi\n" }); // what autoInit leaves in a new repository
  const work = tempDir("bench-publication");
  const list = join(work, "packages.jsonl");
  const siteDir = join(work, "site");
  packageList(list, PROJECTS);
  const t0 = performance.now();
  const built = await buildTo(siteDir, { from: [demoDists], packageListsJson: [list], config: { packagesUrl: "https://files.example/" } });
  const buildMs = performance.now() - t0;
  const files = siteManifest(await folderObjects(siteDir));
  const paths = Object.keys(files);
  const binaries = paths.filter((p) => BINARY.test(p)).length;
  const siteBytes = [...snapshot(siteDir).values()].reduce((a, b) => a + b.length, 0);

  const sf = await pulumi.runtime.serializeFunction(() => publicationProvider, { allowSecrets: true });
  const provider = loadProviderFromText<PublicationProvider>(sf.text);
  await provider.configure?.({ config: { get: (key) => (key === "github:token" ? TOKEN : undefined), require: (key) => (key === "github:token" ? TOKEN : "") } });
  if (!provider.update) throw new Error("the serialised provider has no update");
  const update = provider.update.bind(provider);
  const inputs = (manifest: Record<string, string>): PublicationInputs => ({
    apiUrl: emu.apiUrl,
    owner: "acme",
    repository: "pypi",
    branch: BRANCH,
    siteDir,
    files: manifest,
    message: "Publish the package index",
  });

  console.log(
    `One-commit publication: ${count(PROJECTS)} listed projects + ${built.files - 2 * PROJECTS} demo distributions -> ${count(paths.length)} site files, ${kib(siteBytes)} (built in ${secs(buildMs)}); Git Data API emulator (local HTTP, real bare git repository)`,
  );
  console.log(`  provider serialised like Pulumi does: ${kib(sf.text.length)} of text, loaded with require-from-string`);

  // 1. Cold: the branch does not exist yet.
  const cold = await measure(emu, () => provider.create(inputs(files)));
  const coldOuts = cold.result.outs as PublicationOutputs;
  const coldCommits = commitsOn(emu, BRANCH);
  console.log(`\n  cold publication to a new branch: ${secs(cold.phase.ms)}, ${count(cold.phase.requests.length)} requests (${cold.phase.writes} writes), ${kib(cold.phase.bytes)} of request bodies`);
  console.log(table(cold.phase));
  console.log(
    `    blobs: ${coldOuts.lastPublish.blobs} for ${binaries} binary files in the site (${count(paths.length - binaries)} text files travelled inline in the trees) -> ${goal(n(cold.phase, "POST blobs") === binaries)}`,
  );
  console.log(
    `    commits on ${BRANCH}: ${coldCommits} -> ${goal(coldCommits === 1)}; provider's own figures: ${coldOuts.lastPublish.added} added, ${coldOuts.lastPublish.requests} requests, ${coldOuts.lastPublish.attempts} attempt(s)`,
  );
  if (coldOuts.lastPublish.requests !== cold.phase.requests.length) failures.push(`the provider counted ${coldOuts.lastPublish.requests} requests, the emulator saw ${cold.phase.requests.length}`);
  const coldDiff = differences(emu, siteDir);
  console.log(`    checkout of ${BRANCH} vs site folder: ${coldDiff.length === 0 ? `identical (${count(paths.length)} files, byte for byte)` : `${coldDiff.length} DIFFERENCES`}`);
  failures.push(...coldDiff.map((d) => `after the cold publication: ${d}`));

  // 2. One changed file: a comment appended to one project's page.
  const edited = paths.find((p) => /^simple\/[^/]+\/index\.html$/.test(p) && !p.startsWith("simple/demo-")) ?? "index.html";
  appendFileSync(join(siteDir, ...edited.split("/")), "<!-- edited by the publication benchmark -->\n");
  const changed = siteManifest(await folderObjects(siteDir));
  const oneDiff = await measure(emu, () => provider.diff(cold.result.id, coldOuts, inputs(changed)));
  const one = await measure(emu, () => update(cold.result.id, coldOuts, inputs(changed)));
  const oneOuts = one.result.outs as PublicationOutputs;
  console.log(`\n  one changed file (${edited}):`);
  console.log(
    `    diff: changes ${oneDiff.result.changes}, ${oneDiff.result.changedPaths.length} changed path(s) [${oneDiff.result.changedPaths.map((c) => `${c.kind} ${c.path}`).join(", ")}], ${oneDiff.phase.requests.length} requests -> ${goal(oneDiff.result.changes === true && oneDiff.result.changedPaths.length === 1 && oneDiff.phase.requests.length === 0)}`,
  );
  console.log(`    update: ${secs(one.phase.ms)}, ${one.phase.requests.length} requests (${one.phase.writes} writes), ${kib(one.phase.bytes)} of request bodies`);
  console.log(table(one.phase));
  const oneGoal = n(one.phase, "POST trees") === 1 && n(one.phase, "POST commits") === 1 && n(one.phase, "PATCH ref") === 1 && n(one.phase, "POST blobs") === 0 && one.phase.writes === 3;
  console.log(`    one tree, one commit, one ref update, no blob -> ${goal(oneGoal)}; commits on ${BRANCH}: ${commitsOn(emu, BRANCH)}`);

  // 3. No change: same manifest again.
  const noneDiff = await measure(emu, () => provider.diff(cold.result.id, oneOuts, inputs(changed)));
  const none = await measure(emu, () => update(cold.result.id, oneOuts, inputs(changed)));
  const noneOuts = none.result.outs as PublicationOutputs;
  console.log(`\n  no change:`);
  console.log(`    diff: changes ${noneDiff.result.changes}, ${noneDiff.phase.requests.length} requests -> ${goal(noneDiff.result.changes === false && noneDiff.phase.requests.length === 0)}`);
  console.log(
    `    update anyway: ${secs(none.phase.ms)}, ${none.phase.requests.length} requests (${none.phase.writes} writes), commit ${noneOuts.commit === oneOuts.commit ? "unchanged" : "MOVED"} -> ${goal(none.phase.writes === 0 && noneOuts.commit === oneOuts.commit)}`,
  );
  console.log(table(none.phase));

  // 4. Against one commit per file (the GitHub provider's RepositoryFile: at least one PUT, i.e. one commit, per file).
  const ours = cold.phase.writes;
  console.log(`\n  vs one RepositoryFile per file (>= 1 PUT and 1 commit per file):`);
  console.log(
    `    cold:            ${count(paths.length)} writes, ${count(paths.length)} commits vs ours ${ours} writes, ${coldCommits} commit -> ${(paths.length / ours).toFixed(0)}x fewer writes, ${(paths.length / coldCommits).toFixed(0)}x fewer commits`,
  );
  console.log(`    one change:      1 write, 1 commit vs ours ${one.phase.writes} writes, 1 commit (a tree, a commit and a ref update instead of one PUT)`);

  // 5. Correctness once more, after the update and the no-op.
  const finalDiff = differences(emu, siteDir);
  console.log(`\n  checkout of ${BRANCH} vs site folder after the updates: ${finalDiff.length === 0 ? `identical (${count(paths.length)} files, byte for byte)` : `${finalDiff.length} DIFFERENCES`}`);
  failures.push(...finalDiff.map((d) => `after the updates: ${d}`));
  console.log(`  peak memory (RSS, emulator included): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  globalThis.fetch = realFetch;
  await emu.close();
}
if (failures.length > 0) {
  console.error(`\npublication benchmark: the published branch is wrong:\n  ${failures.slice(0, 20).join("\n  ")}${failures.length > 20 ? `\n  ... and ${failures.length - 20} more` : ""}`);
  process.exitCode = 1;
}
