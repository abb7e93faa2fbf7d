/**
 * The Node.js the project declares is one its dependencies accept: every runtime dependency in
 * package-lock.json (each entry not marked dev) must accept every version package.json's
 * `engines.node` admits, and CI runs the suite on the lowest of them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import semver from "semver";
import { z } from "zod";
import { repoRoot } from "./helpers/paths.js";

const Engines = z.object({ node: z.string() }).partial();
const Manifest = z.object({ engines: z.object({ node: z.string() }) });
const Lock = z.object({
  packages: z.record(z.string(), z.object({ version: z.string().optional(), dev: z.boolean().optional(), engines: z.union([Engines, z.array(z.string())]).optional() })),
});

const declared = Manifest.parse(JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"))).engines.node;
const lock = Lock.parse(JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")));

test(`every runtime dependency accepts every Node.js that engines.node (${declared}) admits`, () => {
  assert.ok(semver.validRange(declared), `engines.node is not a range: ${declared}`);
  const refused: string[] = [];
  let checked = 0;
  for (const [path, entry] of Object.entries(lock.packages)) {
    // An old-style engines array names no Node range.
    const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (path === "" || entry.dev || wanted === undefined) continue;
    checked++;
    const name = path.replace(/^.*node_modules\//, "");
    if (!semver.validRange(wanted)) refused.push(`${name}@${entry.version ?? "?"}: engines.node ${JSON.stringify(wanted)} is not a range`);
    else if (!semver.subset(declared, wanted)) refused.push(`${name}@${entry.version ?? "?"} wants Node ${wanted}`);
  }
  assert.ok(checked > 0, "package-lock.json lists no runtime dependency with engines.node");
  assert.deepEqual(refused, [], `engines.node ${declared} admits Node versions these runtime dependencies refuse`);
  const root = lock.packages[""]?.engines;
  assert.equal(Array.isArray(root) ? undefined : root?.node, declared, "package-lock.json's root engines.node differs from package.json's");
});

test("CI runs the suite on the lowest Node.js the project declares", () => {
  const ci = readFileSync(join(repoRoot, ".ci/run"), "utf8");
  const pinned = /^NODE_FLOOR=(\S+)$/m.exec(ci)?.[1];
  assert.ok(pinned, ".ci/run sets no NODE_FLOOR");
  assert.equal(pinned, semver.minVersion(declared)?.version, `.ci/run's NODE_FLOOR is not the lowest version engines.node ${declared} admits`);
});

test("the check .ci/run makes before npm ci reads engines.node as semver does", () => {
  const versions = ["20.20.2", "22.0.0", "22.22.1", "22.22.2", "22.99.0", "23.0.0", "24.15.0", "25.9.9", "26.0.0", "30.1.2", semver.minVersion(declared)?.version ?? ""];
  const answers = versions.map((v) => [v, spawnSync(process.execPath, [join(repoRoot, "scripts/node-admitted.mjs"), v]).status]);
  assert.deepEqual(
    answers,
    versions.map((v) => [v, semver.satisfies(v, declared) ? 0 : 1]),
  );
});
